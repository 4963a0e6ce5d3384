"""The committed request mix of the load benchmark, grouped by kind of page.

Fixed URLs are listed here; vacancy and employer pages are sampled from the database with a
seeded random generator, so the same database gives the same mix.
"""

from __future__ import annotations

import os
import random

SEARCH_FILTER_ONLY = [
    "/jobs/",
    "/jobs/social-worker/",
    "/jobs/?profession=registered-nurse&contract=permanent",
    "/jobs/?sector=nhs&pattern=part_time",
    "/jobs/?profession=care-worker&profession=support-worker&salary_min=25000",
    "/jobs/?salary_min=40000&sort=salary",
    "/jobs/?workplace=remote&workplace=hybrid&posted=7",
    "/jobs/?contract=bank&contract=locum&sort=closing",
]
SEARCH_KEYWORD_DISTANCE = [
    "/jobs/?q=nurse",
    "/jobs/?q=mental+health&location=manchester&radius=15",
    "/jobs/?q=social+worker&location=leeds&radius=20&sort=distance",
    "/jobs/?location=bristol&radius=10",
    "/jobs/?q=night+care+assistant&location=birmingham&radius=25",
    "/jobs/?q=probation&sort=newest",
]
SEARCH_DEEP = [
    "/jobs/?page=40",
    "/jobs/?profession=care-worker&page=25",
    "/jobs/?sort=salary&page=30",
]
LANDING = [
    "/jobs/social-worker/in/leeds/",
    "/jobs/registered-nurse/in/manchester/",
    "/jobs/care-worker/in/bristol/",
    "/jobs/support-worker/in/sheffield/",
]
API = [
    "/api/v1/vacancies/",
    "/api/v1/vacancies/?profession=social-worker",
    "/api/v1/vacancies/?q=nurse&location=leeds&radius=20",
    "/api/v1/employers/",
    "/api/v1/professions/",
]
WIDGET = [
    "/embed/jobs/?profession=social-worker&limit=5",
    "/embed/jobs/?profession=registered-nurse&location=london&radius=10&limit=5",
]
DIRECTORY = ["/employers/", "/employers/?sector=nhs", "/employers/?q=care"]


def build_groups(
    env: dict[str, str], *, rng: random.Random, samples: int = 200
) -> dict[str, list[str]]:
    """Every group of the mix as lists of paths, sampling pages from the database."""
    os.environ.update(env)
    import django

    django.setup()
    from employers.models import Employer
    from listings.models import Vacancy

    live = list(
        Vacancy.objects.live().order_by("id").values_list("reference", "slug")[: samples * 20]
    )
    vacancies = [
        f"/vacancies/{ref}/{slug}/" for ref, slug in rng.sample(live, min(samples, len(live)))
    ]
    employers = list(
        Employer.objects.filter(vacancies__status="live").distinct().order_by("id")
        .values_list("slug", flat=True)[: samples * 5]
    )  # fmt: skip
    employer_pages = [
        f"/employers/{slug}/" for slug in rng.sample(employers, min(samples, len(employers)))
    ]
    return {
        "search, filters only": SEARCH_FILTER_ONLY,
        "search, keyword and distance": SEARCH_KEYWORD_DISTANCE,
        "search, deep pages": SEARCH_DEEP,
        "landing pages": LANDING,
        "vacancy pages": vacancies,
        "employer pages": employer_pages,
        "employer directory": DIRECTORY,
        "API lists": API,
        "widget": WIDGET,
    }
