"""Keep the full-text vector only on live vacancies.

Seekers (and related-jobs matching) only ever search live vacancies, a quarter of the table on
a mature board. Computing ``to_tsvector`` for the other three quarters cost most of the time of
a bulk load and a lot of space for nothing. The trigger now also fires on status changes: a
vacancy gets its vector when it goes live and loses it when it closes or expires.
"""

from django.db import migrations

REPLACE_TRIGGER = """
CREATE OR REPLACE FUNCTION listings_vacancy_search_vector() RETURNS trigger AS $$
BEGIN
  IF NEW.status <> 'live' THEN
    NEW.search_vector := NULL;
    RETURN NEW;
  END IF;
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(
        (SELECT name FROM listings_profession WHERE id = NEW.profession_id), '')), 'B') ||
    setweight(to_tsvector('english', coalesce(
        (SELECT name FROM employers_employer WHERE id = NEW.employer_id), '')), 'C') ||
    setweight(to_tsvector('english', coalesce(NEW.description, '')), 'D');
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS listings_vacancy_search_vector_trg ON listings_vacancy;
CREATE TRIGGER listings_vacancy_search_vector_trg
  BEFORE INSERT OR UPDATE OF title, description, profession_id, employer_id, status
  ON listings_vacancy FOR EACH ROW EXECUTE FUNCTION listings_vacancy_search_vector();

UPDATE listings_vacancy SET search_vector = NULL
  WHERE status <> 'live' AND search_vector IS NOT NULL;
"""

RESTORE_TRIGGER = """
DROP TRIGGER IF EXISTS listings_vacancy_search_vector_trg ON listings_vacancy;
CREATE TRIGGER listings_vacancy_search_vector_trg
  BEFORE INSERT OR UPDATE OF title, description, profession_id, employer_id
  ON listings_vacancy FOR EACH ROW EXECUTE FUNCTION listings_vacancy_search_vector();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REPLACE_TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RESTORE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("listings", "0005_vacancy_review_queue")]

    operations = [migrations.RunPython(forwards, backwards)]
