"""The live vacancies' full-text index also holds their places (PostgreSQL).

A search by keywords and place found its keyword matches in the GIN index, then read each
match's table row to test its places through the vacancy-places table: ``q=social worker``
within 30 miles of Poynton read 53,000 matches to keep 1,180 (0.3-0.45 s for its capped
count, as much again for its relevance window, at a million vacancies). With the place ids
on the row (``place_ids``, an ``integer[]``) and in the same GIN index as the words and the
day of publication, the index gives the rows of both conditions: 4,300 candidates for that
search, 64-110 ms (docs/benchmarks.md). A search by place alone uses it too.

Triggers keep ``place_ids`` equal to the vacancy-places rows, whoever writes them (the ORM,
the demo data's COPY, a cascade when a place is deleted): a statement-level trigger on that
table marks the vacancies it touched, and a row trigger on the vacancy computes the list
whenever the column is written, so a save that sends back a stale copy is corrected. SQLite
needs none of it: its column stays NULL and its searches test the places table.
"""

from django.db import migrations

import listings.fields

FORWARDS = """
CREATE OR REPLACE FUNCTION listings_vacancy_place_ids() RETURNS trigger AS $$
BEGIN
  NEW.place_ids := ARRAY(
    SELECT place_id FROM listings_vacancy_places WHERE vacancy_id = NEW.id ORDER BY place_id
  );
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS listings_vacancy_place_ids_trg ON listings_vacancy;
CREATE TRIGGER listings_vacancy_place_ids_trg
  BEFORE INSERT OR UPDATE OF place_ids ON listings_vacancy
  FOR EACH ROW EXECUTE FUNCTION listings_vacancy_place_ids();

CREATE OR REPLACE FUNCTION listings_vacancy_places_changed() RETURNS trigger AS $$
BEGIN
  UPDATE listings_vacancy SET place_ids = NULL
   WHERE id IN (SELECT DISTINCT vacancy_id FROM changed_places);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS listings_vacancy_places_added ON listings_vacancy_places;
CREATE TRIGGER listings_vacancy_places_added
  AFTER INSERT ON listings_vacancy_places REFERENCING NEW TABLE AS changed_places
  FOR EACH STATEMENT EXECUTE FUNCTION listings_vacancy_places_changed();
DROP TRIGGER IF EXISTS listings_vacancy_places_removed ON listings_vacancy_places;
CREATE TRIGGER listings_vacancy_places_removed
  AFTER DELETE ON listings_vacancy_places REFERENCING OLD TABLE AS changed_places
  FOR EACH STATEMENT EXECUTE FUNCTION listings_vacancy_places_changed();

UPDATE listings_vacancy SET place_ids = NULL
 WHERE id IN (SELECT DISTINCT vacancy_id FROM listings_vacancy_places);

CREATE INDEX IF NOT EXISTS vacancy_live_search_places ON listings_vacancy
  USING gin (search_vector, ((published_at AT TIME ZONE 'UTC')::date), place_ids)
  WHERE status = 'live';
DROP INDEX IF EXISTS vacancy_live_search_daily;
"""

BACKWARDS = """
CREATE INDEX IF NOT EXISTS vacancy_live_search_daily ON listings_vacancy
  USING gin (search_vector, ((published_at AT TIME ZONE 'UTC')::date)) WHERE status = 'live';
DROP INDEX IF EXISTS vacancy_live_search_places;
DROP TRIGGER IF EXISTS listings_vacancy_places_added ON listings_vacancy_places;
DROP TRIGGER IF EXISTS listings_vacancy_places_removed ON listings_vacancy_places;
DROP TRIGGER IF EXISTS listings_vacancy_place_ids_trg ON listings_vacancy;
DROP FUNCTION IF EXISTS listings_vacancy_places_changed();
DROP FUNCTION IF EXISTS listings_vacancy_place_ids();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARDS)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARDS)


class Migration(migrations.Migration):
    dependencies = [("listings", "0024_profession_sort_indexes")]

    operations = [
        migrations.AddField(
            model_name="vacancy",
            name="place_ids",
            field=listings.fields.PlaceIdsField(),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
