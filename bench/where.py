"""Benchmark of "where": resolving location text, the autocomplete, a postcode radius search.

Runs in process against the configured database (seed it first with ``seed_demo``)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jobboard_i15_bench python -m bench.where

Prints p50/p95 in milliseconds for each kind of input, the first read of a postcode letter
(a cold worker), the memory the place data holds (tracemalloc), and a postcode radius search
beside the trivial search (``/jobs/`` with nothing asked) as the other benchmarks report.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import tracemalloc

import django

INPUTS = {
    "full postcode (letter read)": [
        "LS6 3AA",
        "ls1 4ap",
        "SW1A1AA",
        "EH1 1YZ",
        "CF10 1EP",
        "BT1 1AA",
    ],
    "district / sector": ["LS6", "LS6 3", "M1", "SW1A 1", "G2", "BT7 3"],
    "town": ["Leeds", "york", "Headingley", "Camden Town", "bristol", "Wrexham"],
    "area": ["Camden", "West Yorkshire", "Yorkshire and the Humber", "Wales", "scotland"],
    "shared name": ["Newport", "Newport, Isle of Wight", "Richmond", "Ashford"],
    "unknown": ["Atlantis", "ZZ9 9ZZ", "Leedz"],
}
PREFIXES = ["le", "lee", "new", "ls6", "ls6 3", "sw1a 1aa", "west y", "wal", "cam", "york"]


def resident_mib() -> float:
    """This process's resident memory (Linux ``/proc/self/status``), in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn, arg, repeat):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(arg)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name, samples):
    samples = sorted(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    print(f"| {name} | {len(samples)} | {statistics.median(samples):.2f} | {p95:.2f} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")
    django.setup()
    from listings.models import Vacancy
    from listings.search import location_suggestions, resolve_where, search_page
    from listings.search.postcodes import Directory
    from listings.search.where import package_dir, tables

    # Resident memory first, with nothing traced (tracemalloc's own books would count too).
    Vacancy.objects.exists()  # the connection and the ORM's imports, before measuring
    rss = [resident_mib()]
    tables()
    rss.append(resident_mib())
    every_letter = Directory(package_dir())
    for letter in "ABCDEFGHIJKLMNOPRSTUWYZ":
        every_letter.grid_reference(f"{letter}1 1AA")
    rss.append(resident_mib())
    print(
        f"resident memory (VmRSS): +{rss[1] - rss[0]:.1f} MiB for the tables, "
        f"+{rss[2] - rss[0]:.1f} MiB once every postcode letter was read "
        f"({len(every_letter.indexes)} kept, {every_letter.held_bytes() / 2**20:.1f} MiB)"
    )
    del every_letter
    tables.cache_clear()

    tracemalloc.start()
    start = time.perf_counter()
    t = tables()
    loaded = (time.perf_counter() - start) * 1000
    held_tables = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"live vacancies: {Vacancy.objects.live().count():,}")
    print(f"tables read in {loaded:.0f} ms, holding {held_tables / 2**20:.1f} MiB")

    cold = Directory(package_dir())
    firsts = []
    for code in INPUTS["full postcode (letter read)"]:
        start = time.perf_counter()
        cold.grid_reference(code)
        firsts.append((time.perf_counter() - start) * 1000)
    print(f"first read of a letter: {min(firsts):.0f}–{max(firsts):.0f} ms")
    tracemalloc.start()
    full = Directory(package_dir())
    for letter in "ABCDEFGHIJKLMNOPRSTUWYZ":
        full.grid_reference(f"{letter}1 1AA")
    print(
        f"postcode letters kept: {len(full.indexes)}, {full.held_bytes() / 2**20:.1f} MiB "
        f"(cap {full.kept_bytes / 2**20:.0f} MiB), traced {tracemalloc.get_traced_memory()[0] / 2**20:.1f} MiB"
    )
    tracemalloc.stop()

    print("\n| resolution | calls | p50 ms | p95 ms |\n| --- | --- | --- | --- |")
    for name, texts in INPUTS.items():
        report(name, [s for text in texts for s in timed(resolve_where, text, args.repeat)])
    report(
        "autocomplete", [s for p in PREFIXES for s in timed(location_suggestions, p, args.repeat)]
    )
    del t

    print("\n| search (page 1, facets) | p50 ms | p95 ms | ratio to trivial (p95) |")
    print("| --- | --- | --- | --- |")
    searches = {
        "trivial: /jobs/": {},
        "postcode: LS6 3AA within 5 miles": {"location": "LS6 3AA", "radius": "5"},
        "postcode: LS6 3AA within 20, nearest": {
            "location": "LS6 3AA",
            "radius": "20",
            "sort": "distance",
        },
        "town: Leeds within 10": {"location": "leeds"},
        "area: West Yorkshire": {"location": "west-yorkshire"},
        "area: Wales": {"location": "wales"},
    }
    trivial = None
    for name, params in searches.items():
        samples = sorted(
            timed(lambda p: search_page(dict(p), with_facets=True).rows, params, args.repeat)
        )
        p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
        trivial = trivial or p95
        print(f"| {name} | {statistics.median(samples):.1f} | {p95:.1f} | {p95 / trivial:.2f} |")


if __name__ == "__main__":
    main()
