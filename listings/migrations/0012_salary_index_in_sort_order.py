"""The live salary index in the exact order of the "highest salary" sort.

The sort is ``salary_annual_max DESC NULLS LAST, published_at DESC, id DESC``; the old index
was ``salary_annual_max DESC`` (nulls first), which cannot serve it, so every salary-sorted
search sorted all its matches: 269 ms for ``/jobs/?sector=nhs&salary_min=35000&sort=salary`` at
1,000,000 vacancies, and 0.5 ms reading the top of this index (docs/benchmarks.md).

SQLite cannot create an index with ``NULLS LAST``; there the index is left out (SQLite sorts
the few thousand rows of a local database quickly without it).
"""

from django.db import migrations, models

INDEX = models.Index(
    models.OrderBy(models.F("salary_annual_max"), descending=True, nulls_last=True),
    models.OrderBy(models.F("published_at"), descending=True),
    models.OrderBy(models.F("id"), descending=True),
    condition=models.Q(("status", "live")),
    name="vacancy_live_salary_order",
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("listings", "Vacancy"), INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("listings", "Vacancy"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("listings", "0011_expiry_writes_fewer_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="vacancy", name="vacancy_live_salary"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="vacancy", index=INDEX)],
            database_operations=[migrations.RunPython(create, drop, elidable=False)],
        ),
    ]
