"""A covering index over live vacancies for the care-sector facts' counts (PostgreSQL).

The facts are counted apart from the facet cube, in one ``GROUPING SETS`` pass over a
search's matches (``listings.search.facets``). Without an index holding their columns that
pass reads the wide rows from the table: at 1,000,000 vacancies (250,271 live) the pass over
every live vacancy read 144,870 table pages in 803 ms; with this index it is an index-only
scan of 30 MB in 319 ms (docs/benchmarks.md). The cube's own columns are included too, so a
search by contract, pattern or workplace and a fact stays on the index. SQLite needs none.
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS vacancy_live_facts ON listings_vacancy (closes_at)
  INCLUDE (published_at, profession_id, employer_id, contract_type, working_pattern, workplace,
           pay_band, shifts, visa_sponsorship, dbs_check, driving, registration, welsh)
  WHERE status = 'live';
"""
DROP = "DROP INDEX IF EXISTS vacancy_live_facts;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("listings", "0016_search_words")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
