"""Fewer index entries for every vacancy that leaves the live set.

Expiring a vacancy writes a new row version, and PostgreSQL adds it to every index whose
predicate it matches (a status change is never a HOT update: ``status`` is in the partial
indexes' predicates). Two of those indexes did no work for their cost:

- ``listings_vacancy_reference_…_like``, the ``varchar_pattern_ops`` index Django adds beside
  every unique ``CharField`` on PostgreSQL, serves ``LIKE 'prefix%'``; references are only
  ever looked up exactly (the unique index) or with ``icontains`` in the admin, which no
  B-tree serves.
- ``vacancy_profession_status`` indexed every vacancy of every status by profession. The
  reads by profession (similar jobs, landing pages) are of live vacancies, newest first, so a
  partial index over live rows in that order serves them better and is not written on expiry.

With both gone, an expiring row writes to three indexes instead of five: an ``EXPLAIN
ANALYZE`` of a 10,000-row batch at 1,000,000 vacancies went from 417 ms to 318 ms (see
docs/benchmarks.md).
"""

from django.db import migrations, models


def _like_index_name(schema_editor, model) -> str:
    return schema_editor._create_index_name(model._meta.db_table, ["reference"], suffix="_like")


def drop_reference_like(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("listings", "Vacancy")
    schema_editor.execute(f"DROP INDEX IF EXISTS {_like_index_name(schema_editor, model)}")


def create_reference_like(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("listings", "Vacancy")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {_like_index_name(schema_editor, model)} "
        f"ON {model._meta.db_table} (reference varchar_pattern_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("listings", "0010_vacancy_expiry_notified_at")]

    operations = [
        migrations.RemoveIndex(model_name="vacancy", name="vacancy_profession_status"),
        migrations.AddIndex(
            model_name="vacancy",
            index=models.Index(
                condition=models.Q(("status", "live")),
                fields=["profession", "-published_at", "-id"],
                name="vacancy_live_profession",
            ),
        ),
        migrations.RunPython(drop_reference_like, create_reference_like, elidable=False),
    ]
