"""A covering index over live vacancies for the search's counts and facets (PostgreSQL).

The result count and the facet counts read only narrow columns of the live rows (dates,
profession, employer, contract, pattern, workplace, annual pay). With those columns in one
partial index PostgreSQL answers them with an index-only scan instead of reading the wide
rows (descriptions and search vectors) from the table. Keyed on newest-first, it also serves
the default sort and the ``posted`` filter. See docs/benchmarks.md for before and after.
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS search_live_covering ON listings_vacancy
  (published_at DESC, id DESC)
  INCLUDE (closes_at, profession_id, employer_id, contract_type, working_pattern, workplace,
           salary_annual_min, salary_annual_max)
  WHERE status = 'live';
"""
DROP = "DROP INDEX IF EXISTS search_live_covering;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("listings", "0006_search_vector_live_only")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
