"""The offline UK gazetteer: loaded by migrations, unique readable slugs, idempotent reloads."""

import pytest
from django.core.management import call_command

from listings.gazetteer import GAZETTEER_CSV, read_rows, with_unique_slugs
from listings.models import Nation, Place

pytestmark = pytest.mark.django_db


def test_migrations_load_every_row_of_the_extract():
    rows = list(read_rows())
    assert len(rows) == 3636
    assert Place.objects.count() == 3636
    assert set(Place.objects.values_list("nation", flat=True)) == set(Nation.values)


def test_unique_names_keep_plain_slugs_and_repeated_names_take_their_county():
    assert Place.objects.get(slug="leeds").county == "City and Borough of Leeds"
    newports = Place.objects.filter(name="Newport")
    assert newports.count() > 1
    assert "newport-pembrokeshire" in set(newports.values_list("slug", flat=True))
    assert not Place.objects.filter(slug="newport").exists()


def test_slugs_never_collide_even_when_name_and_county_repeat():
    rows = [
        {"name": "Ash", "county": "Kent", "nation": "England", "lat": "51.2", "lng": "0.3"},
        {"name": "Ash", "county": "Kent", "nation": "England", "lat": "51.3", "lng": "0.2"},
        {"name": "Ash", "county": "Surrey", "nation": "England", "lat": "51.2", "lng": "-0.7"},
    ]
    slugs = [row.slug for row in with_unique_slugs(rows)]
    assert slugs == ["ash-kent", "ash-kent-2", "ash-surrey"]


def test_reloading_changes_nothing_and_restores_edits(capsys):
    Place.objects.filter(slug="leeds").update(lat=0.0)
    call_command("load_places")
    assert "0 created, 1 updated" in capsys.readouterr().out
    assert round(Place.objects.get(slug="leeds").lat, 2) == 53.80
    call_command("load_places")
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_extract_carries_its_attribution():
    attribution = (GAZETTEER_CSV.parent / "ATTRIBUTION.md").read_text()
    assert "GeoNames" in attribution
    assert "Creative Commons Attribution 4.0" in attribution
