"""Two indexes for a vacancy page's "similar jobs" (PostgreSQL).

The first read of similar jobs takes the vacancies at the page's places and keeps the live
ones of its profession. Without these it fetched every vacancy row ever posted at the place
(of every status, each about 1.5 KB wide) to test three columns: 7-10 ms for a town with a few
hundred vacancies at 1,000,000. With them both sides are index-only probes: the place's
vacancy ids in id order, each tested against a narrow live index keyed by profession and id
that also carries the two dates the live test needs (under 1 ms; docs/benchmarks.md).

Both are partial or narrow, so expiry (which leaves the live indexes) writes no more than
before. SQLite's demo-sized tables need neither.
"""

from django.db import migrations

CREATE = [
    """
    CREATE INDEX IF NOT EXISTS vacancy_live_profession_id ON listings_vacancy
      (profession_id, id) INCLUDE (published_at, closes_at)
      WHERE status = 'live';
    """,
    """
    CREATE INDEX IF NOT EXISTS vacancy_places_place_vacancy ON listings_vacancy_places
      (place_id, vacancy_id);
    """,
]
DROP = [
    "DROP INDEX IF EXISTS vacancy_live_profession_id;",
    "DROP INDEX IF EXISTS vacancy_places_place_vacancy;",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("listings", "0013_vacancy_fillfactor")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
