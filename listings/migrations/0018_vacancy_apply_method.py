from django.db import migrations, models

# As in 0015: SQLite rebuilds the table for a NOT NULL column with every index of the state,
# and cannot create the salary-order index (NULLS LAST), so the index leaves the state for
# the new column and comes back after, touching no database.
INDEX = models.Index(
    models.OrderBy(models.F("salary_annual_max"), descending=True, nulls_last=True),
    models.OrderBy(models.F("published_at"), descending=True),
    models.OrderBy(models.F("id"), descending=True),
    condition=models.Q(("status", "live")),
    name="vacancy_live_salary_order",
)


def by_email_where_only_an_address(apps, schema_editor):
    """Vacancies with only an email address for applications keep applying by email."""
    Vacancy = apps.get_model("listings", "Vacancy")
    Vacancy.objects.filter(apply_url="").exclude(apply_email="").update(apply_method="email")


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0017_vacancy_live_facts_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveIndex(model_name="vacancy", name=INDEX.name)]
        ),
        migrations.AddField(
            model_name="vacancy",
            name="apply_method",
            field=models.CharField(
                choices=[
                    ("website", "On our website"),
                    ("email", "By email"),
                    ("board", "On this job board"),
                ],
                default="website",
                max_length=7,
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="vacancy", index=INDEX)]
        ),
        migrations.RunPython(by_email_where_only_an_address, migrations.RunPython.noop),
    ]
