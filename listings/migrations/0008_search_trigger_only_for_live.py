"""Fire the search-vector trigger only for rows that are (or become) live.

Expiring a backlog of vacancies updates their status; the trigger had to run once per row only
to clear a vector that the partial GIN index (live rows only) no longer looks at. With a
``WHEN`` condition the database skips the call entirely for rows leaving the live set, which
is most of the cost of expiring a large batch. A non-live row may keep a stale vector; it is
never searched, and it is recomputed the moment the row goes live again.
"""

from django.db import migrations

FORWARDS = """
DROP TRIGGER IF EXISTS listings_vacancy_search_vector_trg ON listings_vacancy;
CREATE TRIGGER listings_vacancy_search_vector_trg
  BEFORE INSERT OR UPDATE OF title, description, profession_id, employer_id, status
  ON listings_vacancy FOR EACH ROW WHEN (NEW.status = 'live')
  EXECUTE FUNCTION listings_vacancy_search_vector();
"""

BACKWARDS = """
DROP TRIGGER IF EXISTS listings_vacancy_search_vector_trg ON listings_vacancy;
CREATE TRIGGER listings_vacancy_search_vector_trg
  BEFORE INSERT OR UPDATE OF title, description, profession_id, employer_id, status
  ON listings_vacancy FOR EACH ROW EXECUTE FUNCTION listings_vacancy_search_vector();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("listings", "0007_search_live_covering_index")]

    operations = [migrations.RunPython(forwards, backwards)]
