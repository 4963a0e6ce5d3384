"""``build_place_data`` on a small fixture: the package's file format in, the tables out."""

from __future__ import annotations

import csv
import json

import brotli
import msgpack
import pytest
from django.core.management import call_command

from listings import placedata
from listings.search.postcodes import Directory, read_index

POSTCODES = {
    "L": [
        ("LS6 3AA", "E08000035", 427690.0, 435860.0),
        ("LS6 3AB", "E08000035", 427600.0, 435900.0),
        ("LS1 4AP", "E08000035", 429900.0, 433700.0),
        ("LS9 9XX", float("nan"), float("nan"), float("nan")),  # no grid reference
    ],
    "B": [("BT1 1AA", "N09000003", 334316.0, 374675.0)],  # Irish Grid
}


def write_fixture(folder):
    for letter, rows in POSTCODES.items():
        data = {
            "columns": ["pcd", "laua", "oseast1m", "osnrth1m"],
            "data": {
                "pcd": [r[0] for r in rows],
                "laua": [r[1] for r in rows],
                "oseast1m": [r[2] for r in rows],
                "osnrth1m": [r[3] for r in rows],
            },
        }
        path = folder / f"postcodes_{letter}.msgpack.br"
        path.write_bytes(brotli.compress(msgpack.packb(data, use_bin_type=True)))
    records = [
        {"LTLA21CD": "E08000035", "LTLA21NM": "Leeds", "UTLA21CD": "E08000035", "UTLA21NM": "Leeds"}
    ]
    (folder / "records.json").write_text(json.dumps(records))
    gazetteer = folder / "places.csv"
    gazetteer.write_text(
        "name,county,nation,lat,lng\n"
        "Leeds,City and Borough of Leeds,England,53.79648,-1.54785\n"
        "Belfast,Belfast,Northern Ireland,54.59682,-5.92541\n"
    )
    return records, gazetteer


def read(path):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_build_derives_every_table(tmp_path):
    pytest.importorskip("pyproj")
    records, gazetteer = write_fixture(tmp_path)
    tables = placedata.build(tmp_path, records, gazetteer=gazetteer)
    assert tables["summary"]["postcodes"] == 4  # the one without a grid reference is left out
    assert [d["district"] for d in tables["districts"]] == ["BT1", "LS1", "LS6"]
    assert [s["sector"] for s in tables["sectors"]] == ["BT1 1", "LS1 4", "LS6 3"]
    areas = {a["code"]: a for a in tables["areas"]}
    assert areas["E08000035"]["county"] == "West Yorkshire"
    assert areas["E08000035"]["region"] == "Yorkshire and the Humber"
    assert areas["N09000003"] == {
        **areas["N09000003"],
        "name": "Belfast",
        "nation": "Northern Ireland",
    }
    belfast = next(d for d in tables["districts"] if d["district"] == "BT1")
    assert abs(belfast["lat"] - 54.6024) < 0.001 and abs(belfast["lng"] + 5.9223) < 0.001
    assert {p["slug"]: p["lad"] for p in tables["places"]} == {
        "leeds": "E08000035",
        "belfast": "N09000003",
    }


def test_the_command_writes_the_tables_and_dry_run_writes_nothing(tmp_path):
    pytest.importorskip("pyproj")
    write_fixture(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    args = ["--postcodes-dir", tmp_path, "--authorities", tmp_path / "records.json", "--out", out]
    call_command("build_place_data", *args, "--dry-run")
    assert not list(out.iterdir())
    call_command("build_place_data", *args)
    assert {p.name for p in out.iterdir()} == set(placedata.TABLES.values())
    assert len(read(out / "postcode_sectors.csv")) == 3


def test_the_run_time_reader_finds_full_postcodes_in_the_same_files(tmp_path):
    write_fixture(tmp_path)
    index = read_index(tmp_path / "postcodes_L.msgpack.br")
    assert index.find(b"LS6 3AA") == (427690.0, 435860.0)
    assert index.find(b"LS9 9XX") is None and index.find(b"LS6 3ZZ") is None
    directory = Directory(tmp_path, kept_bytes=1)
    assert directory.grid_reference("ls63ab") == (427600.0, 435900.0)
    assert directory.grid_reference("bt11aa") == (334316.0, 374675.0)
    assert list(directory.indexes) == ["B"]  # the least recently used letter went


def test_reading_a_letter_hands_the_freed_heap_back(tmp_path, monkeypatch):
    """Each letter read is followed by one trim (the decompressed file is freed by then)."""
    from listings.search import postcodes

    write_fixture(tmp_path)
    trims = []
    monkeypatch.setattr(postcodes, "release_freed_memory", lambda: trims.append(1))
    directory = Directory(tmp_path)
    directory.grid_reference("LS6 3AA")
    directory.grid_reference("LS6 3AB")  # the kept letter: no read, no trim
    assert trims == [1]
    monkeypatch.undo()
    postcodes.release_freed_memory()  # the real one runs wherever the tests do
