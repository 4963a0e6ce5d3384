"""The funnel's applications and hires counted from the applications already there.

From this release the services keep ``VacancyTraffic.applications`` and ``.hires`` as they
write (``listings.traffic.record_applications``); this fills them in once for the
applications submitted before, by the day (in ``TIME_ZONE``) and source of each submission,
as the write path counts them: drafts not at all, no source as direct, an unknown one as
other. It *sets* each counter row of a vacancy that has applications to what its
applications count (creating the rows that are missing, an upsert, so a view counted at the
same moment by a running process neither fails nor is lost), in batches of vacancies to bound
memory, so a second run changes nothing. The same on SQLite and PostgreSQL: the ORM only.
"""

from collections import defaultdict

from django.db import migrations
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

BATCH = 200  # vacancies per transaction


def _source(value, known):
    if not value:
        return "direct"
    return value if value in known else "other"


def backfill(apps, schema_editor=None):
    Application = apps.get_model("applications", "Application")
    VacancyTraffic = apps.get_model("listings", "VacancyTraffic")
    known = {value for value, _label in VacancyTraffic._meta.get_field("source").choices}
    submitted = Application.objects.filter(submitted_at__isnull=False)
    # No ordering: the model's would be part of the DISTINCT.
    vacancy_ids = list(
        submitted.order_by("vacancy_id").values_list("vacancy_id", flat=True).distinct()
    )
    for start in range(0, len(vacancy_ids), BATCH):
        ids = vacancy_ids[start : start + BATCH]
        counts = defaultdict(lambda: [0, 0])
        rows = (
            submitted.filter(vacancy_id__in=ids)
            .annotate(submitted_on=TruncDate("submitted_at"))
            .values("vacancy_id", "submitted_on", "source")
            .annotate(n=Count("id"), hired=Count("id", filter=Q(status="hired")))
            .order_by()
        )
        for row in rows:
            key = (row["vacancy_id"], row["submitted_on"], _source(row["source"], known))
            counts[key][0] += row["n"]
            counts[key][1] += row["hired"]
        changed = []
        for traffic in VacancyTraffic.objects.filter(vacancy_id__in=ids).only(
            "id", "vacancy_id", "day", "source", "applications", "hires"
        ):
            applications, hires = counts.pop(
                (traffic.vacancy_id, traffic.day, traffic.source), (0, 0)
            )
            if (traffic.applications, traffic.hires) != (applications, hires):
                traffic.applications, traffic.hires = applications, hires
                changed.append(traffic)
        VacancyTraffic.objects.bulk_update(changed, ["applications", "hires"], batch_size=500)
        VacancyTraffic.objects.bulk_create(
            [
                VacancyTraffic(
                    vacancy_id=vacancy_id,
                    day=day,
                    source=source,
                    views=0,
                    apply_clicks=0,
                    applications=applications,
                    hires=hires,
                )
                for (vacancy_id, day, source), (applications, hires) in counts.items()
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["vacancy", "day", "source"],
            update_fields=["applications", "hires"],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_interview_slot_choice"),
        ("listings", "0022_traffic_applications_and_hires"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
