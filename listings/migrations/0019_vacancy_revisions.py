"""Pending revisions (new wording of a public vacancy waiting for review beside the approved
version), drafts that need only a title (profession and description may be empty until
publishing), and the vacancy a duplicate was copied from.

Making ``profession`` nullable makes SQLite rebuild the table with every index of the
model's state, and SQLite cannot create the salary-order index (NULLS LAST; see 0012 and
0015). So the index leaves the state for the change and comes back after, touching no
database: PostgreSQL keeps it (it alters the column without a rebuild), SQLite never had it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = models.Index(
    models.OrderBy(models.F("salary_annual_max"), descending=True, nulls_last=True),
    models.OrderBy(models.F("published_at"), descending=True),
    models.OrderBy(models.F("id"), descending=True),
    condition=models.Q(("status", "live")),
    name="vacancy_live_salary_order",
)


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0018_vacancy_apply_method"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveIndex(model_name="vacancy", name=INDEX.name)]
        ),
        migrations.AddField(
            model_name="vacancy",
            name="copied_from",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="listings.vacancy",
            ),
        ),
        migrations.AlterField(
            model_name="vacancy",
            name="description",
            field=models.TextField(
                blank=True, help_text="Markdown; limited HTML is sanitised when shown."
            ),
        ),
        migrations.AlterField(
            model_name="vacancy",
            name="profession",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="vacancies",
                to="listings.profession",
            ),
        ),
        migrations.CreateModel(
            name="VacancyRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=200)),
                ("description", models.TextField(blank=True)),
                ("apply_url", models.URLField(blank=True, max_length=500)),
                ("apply_email", models.EmailField(blank=True, max_length=254)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("places", models.ManyToManyField(related_name="+", to="listings.place")),
                (
                    "profession",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="listings.profession",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "vacancy",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pending_revision",
                        to="listings.vacancy",
                    ),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="vacancy", index=INDEX)]
        ),
    ]
