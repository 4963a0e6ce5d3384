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


# --- the long tail: searches nobody has made before ------------------------------------------
LONG_TAIL_KEYWORDS = [
    "nurse", "staff nurse", "night nurse", "care assistant", "support worker", "social worker",
    "mental health", "occupational therapist", "physiotherapist", "healthcare assistant",
    "dementia", "learning disabilities", "community", "deputy manager", "team leader",
    "paediatric", "midwife", "pharmacist", "domiciliary care", "residential", "safeguarding",
    "children", "adult social care", "registered manager", "senior carer", "theatre",
    "district nurse", "speech and language", "radiographer", "paramedic", "live-in carer",
    "waking night", "autism", "hospice", "GP practice", "receptionist", "drug and alcohol",
]  # fmt: skip
LONG_TAIL_CONTRACTS = ["permanent", "temporary", "fixed_term", "bank", "locum"]
LONG_TAIL_RADII = [5, 10, 15, 20, 25, 30, 40]
LONG_TAIL_SALARIES = [18000, 20000, 22000, 24000, 25000, 27500, 30000, 33000, 35000, 40000]
LONG_TAIL_SORTS = ["", "", "newest", "closing", "salary"]


def long_tail(env: dict[str, str], *, rng: random.Random, count: int) -> dict[str, list[str]]:
    """``count`` distinct realistic search URLs, never requested before: half filter-only
    (profession, contract, salary, sort, page 1-5), half with keywords and/or a place and
    radius. Each is meant to be requested once."""
    os.environ.update(env)
    import django

    django.setup()
    from listings.models import Place, Profession

    professions = list(Profession.objects.order_by("slug").values_list("slug", flat=True))
    places = list(Place.objects.order_by("slug").values_list("slug", flat=True))
    seen: set[str] = set()
    groups: dict[str, list[str]] = {
        "long tail, filters only": [],
        "long tail, keyword and distance": [],
    }
    half = count // 2
    while len(groups["long tail, filters only"]) < half:
        params = [("profession", rng.choice(professions))]
        if rng.random() < 0.6:
            params.append(("contract", rng.choice(LONG_TAIL_CONTRACTS)))
        if rng.random() < 0.6:
            params.append(("salary_min", rng.choice(LONG_TAIL_SALARIES)))
        if sort := rng.choice(LONG_TAIL_SORTS):
            params.append(("sort", sort))
        if (page := rng.randint(1, 5)) > 1:
            params.append(("page", page))
        _add(groups["long tail, filters only"], seen, params)
    while len(groups["long tail, keyword and distance"]) < count - half:
        params = []
        if rng.random() < 0.8:
            params.append(("q", rng.choice(LONG_TAIL_KEYWORDS)))
        if not params or rng.random() < 0.6:
            params += [("location", rng.choice(places)), ("radius", rng.choice(LONG_TAIL_RADII))]
        if rng.random() < 0.3:
            params.append(("profession", rng.choice(professions)))
        if rng.random() < 0.3:
            params.append(("contract", rng.choice(LONG_TAIL_CONTRACTS)))
        if rng.random() < 0.3:
            params.append(("salary_min", rng.choice(LONG_TAIL_SALARIES)))
        if (page := rng.randint(1, 5)) > 1:
            params.append(("page", page))
        _add(groups["long tail, keyword and distance"], seen, params)
    return groups


def _add(into: list[str], seen: set[str], params: list[tuple[str, object]]) -> None:
    from urllib.parse import urlencode

    url = "/jobs/?" + urlencode(params)
    if url not in seen:
        seen.add(url)
        into.append(url)
