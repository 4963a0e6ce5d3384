"""A denormalised count of each employer's live vacancies, filled in for existing data.

The directory and the API listed employers with a count of their live vacancies computed by
joining every vacancy: about two seconds a page at a million vacancies. The column is kept by
``listings.services.employers_live_counts_refresh`` from then on.
"""

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Now


def fill(apps, schema_editor):
    Employer = apps.get_model("employers", "Employer")
    Vacancy = apps.get_model("listings", "Vacancy")
    live = (
        Vacancy.objects.filter(
            Q(status="live", published_at__lte=Now(), closes_at__gt=Now()),
            employer_id=OuterRef("pk"),
        )
        .order_by()
        .values("employer_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Employer.objects.update(
        live_vacancy_count=Coalesce(Subquery(live, output_field=IntegerField()), 0)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0002_initial"),
        ("listings", "0012_salary_index_in_sort_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="employer",
            name="live_vacancy_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
