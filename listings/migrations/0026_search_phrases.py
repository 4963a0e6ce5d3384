"""The vocabulary's phrases as lexemes of their own in the search vector (PostgreSQL).

``q=healthcare assistant`` asked for ``'healthcar' <-> 'assist'``: the GIN index cannot
check word order, so PostgreSQL read every live row holding both words to check it, and
"care" is in nearly every row (0.5-0.9 s at a million vacancies). The table
``listings_searchphrase`` names each multi-word phrase of ``vocabulary.toml`` with a token
(``listings.search.phrases``); the trigger now also writes into each live vacancy's vector the
tokens of the phrases its words hold, so that the keyword filter asks the index for the token
alone. Its ``WHEN`` condition (0008) is unchanged.

The phrases are frozen here, not read from ``vocabulary.toml``: a fresh database then holds
this list, and ``tests/listings/search/test_phrases.py`` fails when the vocabulary has moved
on without a migration like this one (``manage.py sync_search_phrases --migration`` prints
the list). The vacancies live now get their tokens in one pass over the rows that hold any
phrase, without the trigger (the rest of their vector is unchanged): it writes those rows
once, in the migration's transaction, while employers' saves wait; run
``VACUUM ANALYZE listings_vacancy`` afterwards (docs/deployment.md). SQLite needs none of it:
its table stays empty and its searches never read it.
"""

from django.db import migrations, models

from listings.search.phrases import sync_search_phrases

PHRASES = [
    "adult nurse",
    "advanced clinical practitioner",
    "advanced nurse practitioner",
    "allied health professional",
    "approved mental health professional",
    "assessed and supported year in employment",
    "best interests assessor",
    "care assistant",
    "care home manager",
    "care quality commission",
    "care support worker",
    "care worker",
    "charge nurse",
    "child and adolescent mental health",
    "child and adolescent mental health services",
    "child care",
    "clinical support worker",
    "community mental health nurse",
    "community mental health team",
    "community nurse",
    "community psychiatric nurse",
    "disclosure and barring service",
    "district nurse",
    "domiciliary care",
    "domiciliary carer",
    "family support worker",
    "general practice",
    "general practitioner",
    "health care assistant",
    "health care support worker",
    "health visitor",
    "healthcare assistant",
    "healthcare support worker",
    "home care",
    "home care assistant",
    "home care worker",
    "home carer",
    "home manager",
    "learning disabilities",
    "learning disability",
    "learning disability nurse",
    "mental health",
    "mental health nurse",
    "mental health practitioner",
    "national health service",
    "national vocational qualification",
    "newly qualified social worker",
    "nursing assistant",
    "nursing associate",
    "occupational therapist",
    "occupational therapist assistant",
    "occupational therapy",
    "occupational therapy assistant",
    "operating department practitioner",
    "probation officer",
    "probation service officer",
    "probation services officer",
    "psychiatric nurse",
    "qualifications and credit framework",
    "registered general nurse",
    "registered learning disability nurse",
    "registered manager",
    "registered mental health nurse",
    "registered midwife",
    "registered nurse",
    "registered nursing associate",
    "residential care worker",
    "residential childcare worker",
    "residential support worker",
    "senior care assistant",
    "senior care worker",
    "senior carer",
    "senior social worker",
    "senior support worker",
    "social work",
    "social worker",
    "speech and language therapist",
    "speech and language therapy",
    "speech therapist",
    "staff nurse",
    "support worker",
]

SEARCH_VECTOR = """
CREATE OR REPLACE FUNCTION listings_vacancy_search_vector() RETURNS trigger AS $$
DECLARE
  words tsvector;
BEGIN
  IF NEW.status <> 'live' THEN
    NEW.search_vector := NULL;
    RETURN NEW;
  END IF;
  words :=
    setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(
        (SELECT name FROM listings_profession WHERE id = NEW.profession_id), '')), 'B') ||
    setweight(to_tsvector('english', coalesce(
        (SELECT name FROM employers_employer WHERE id = NEW.employer_id), '')), 'C') ||
    setweight(to_tsvector('english', coalesce(NEW.description, '')), 'D');
  NEW.search_vector := words || array_to_tsvector(ARRAY(
    SELECT token FROM listings_searchphrase WHERE words @@ query::tsquery ORDER BY token));
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""

# The function of migration 0006.
SEARCH_VECTOR_WITHOUT_PHRASES = """
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
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_VECTOR)
        sync_search_phrases(
            PHRASES,
            using=schema_editor.connection.alias,
            model=apps.get_model("listings", "SearchPhrase"),
        )


def backwards(apps, schema_editor):
    # The vectors keep their tokens: nothing asks for them once the table is gone.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_VECTOR_WITHOUT_PHRASES)


class Migration(migrations.Migration):
    dependencies = [("listings", "0025_vacancy_place_ids")]

    operations = [
        migrations.CreateModel(
            name="SearchPhrase",
            fields=[
                ("token", models.CharField(max_length=16, primary_key=True, serialize=False)),
                ("query", models.TextField()),
                ("forms", models.TextField()),
                ("retired_at", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
