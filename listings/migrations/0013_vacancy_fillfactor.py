"""Room on each page of the vacancy table for counting views in place (PostgreSQL).

Every vacancy page view adds one to ``view_count``. A full page forces that update to write
the new row version elsewhere and add it to every index the row is in: for a live vacancy
that includes the full-text index, whose pending list then has to be merged into the index by
whichever request fills it (the 100 ms+ tail of vacancy pages in the load benchmark). With
15% of each page kept free, the new version goes on the same page and, since no indexed
column changed, no index is touched (a HOT update); the old version is pruned in place.

It applies to pages written from now on; ``VACUUM FULL listings_vacancy`` rewrites an existing
table with it (docs/operations.md).
"""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE listings_vacancy SET (fillfactor = 85)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE listings_vacancy RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("listings", "0012_salary_index_in_sort_order")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False)]
