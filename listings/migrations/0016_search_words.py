"""The dictionary of words behind "Did you mean …?", and trigram matching on PostgreSQL.

``listings_searchword`` holds the words of live vacancies and of the care-sector vocabulary
(a few thousand rows; refreshed by the beat). On PostgreSQL ``pg_trgm`` (in the server's
contrib, shipped with Debian's ``postgresql-15`` and the official image) finds the words
nearest a misspelt one through a trigram GIN index; SQLite compares them in Python.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

CREATE_INDEX = (
    "CREATE INDEX IF NOT EXISTS searchword_trigrams ON listings_searchword "
    "USING gin (word gin_trgm_ops)"
)
DROP_INDEX = "DROP INDEX IF EXISTS searchword_trigrams"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [("listings", "0015_vacancy_care_facts")]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("vacancies", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_index, drop_index),
    ]
