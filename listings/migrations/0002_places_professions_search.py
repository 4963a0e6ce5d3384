"""Reference data (gazetteer and professions) and, on PostgreSQL, the full-text machinery.

The search vector is kept by a trigger rather than in Python so that every write path
(services, bulk seeding, the admin, raw SQL) keeps it right; it weights the title (A) above
the profession (B), the employer (C) and the description (D). The GIN index is partial on
live vacancies, the only ones seekers search.
"""

from django.db import migrations

CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION listings_vacancy_search_vector() RETURNS trigger AS $$
BEGIN
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

CREATE TRIGGER listings_vacancy_search_vector_trg
  BEFORE INSERT OR UPDATE OF title, description, profession_id, employer_id
  ON listings_vacancy FOR EACH ROW EXECUTE FUNCTION listings_vacancy_search_vector();

CREATE INDEX IF NOT EXISTS vacancy_live_search ON listings_vacancy
  USING gin (search_vector) WHERE status = 'live';
"""

DROP_TRIGGER = """
DROP INDEX IF EXISTS vacancy_live_search;
DROP TRIGGER IF EXISTS listings_vacancy_search_vector_trg ON listings_vacancy;
DROP FUNCTION IF EXISTS listings_vacancy_search_vector();
"""


def create_search_machinery(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_TRIGGER)


def drop_search_machinery(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER)


def load_reference_data(apps, schema_editor):
    from listings.gazetteer import load_places
    from listings.professions import load_professions

    load_places(apps.get_model("listings", "Place"))
    load_professions(apps.get_model("listings", "Profession"))


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0001_initial"),
        ("employers", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(create_search_machinery, drop_search_machinery),
        migrations.RunPython(load_reference_data, migrations.RunPython.noop),
    ]
