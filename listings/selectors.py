"""Reads of vacancies that need more than one queryset word, outside the search.

The search itself (pages of results, counts, facets) is ``listings.search``.
"""

from __future__ import annotations

from django.utils import timezone

from listings.models import Vacancy
from listings.search import (
    Sort,
    live_vacancies,
    parse_search,
    professions_with_live_counts,
    search_vacancies,
    where_place,
)


def home_page_data(*, now=None) -> dict:
    """Professions with their live counts (busiest first), the total and the newest live
    vacancies, for the home page."""
    now = now or timezone.now()
    newest = live_vacancies(now=now).order_by("-published_at", "-id")[:6]
    professions = professions_with_live_counts(now=now)
    return {
        "professions": professions,
        "popular": sorted(
            (p for p in professions if p.live_vacancy_count), key=lambda p: -p.live_vacancy_count
        ),
        "total": sum(p.live_vacancy_count for p in professions),
        "newest": list(newest),
        "now": now,
    }


# --- one vacancy ----------------------------------------------------------------------------
def vacancy_for_page(reference: str, *, now=None, with_places: bool = True) -> Vacancy | None:
    """A vacancy with a public page (live, or once live and now closed), or None.

    Drafts, vacancies awaiting review, rejected ones and those not yet published are not
    public: they give None, which the view turns into a 404. ``with_places=False`` leaves the
    places to be read when the page is rendered, so serving a kept page does not read them.
    """
    now = now or timezone.now()
    vacancies = Vacancy.objects.public().select_related("employer", "profession")
    if with_places:
        vacancies = vacancies.prefetch_related("places")
    try:  # get(), not first(): a unique reference needs no ORDER BY to build and run
        vacancy = vacancies.get(reference=reference.upper())
    except Vacancy.DoesNotExist:
        return None
    if vacancy.published_at is None or vacancy.published_at > now:
        return None
    return vacancy


SIMILAR_WITHIN_MILES = 100


def similar_vacancies(vacancy: Vacancy, *, now=None, limit: int = 4) -> list[Vacancy]:
    """Live vacancies in the same profession, nearest the vacancy's place first.

    A nearest-first search of the profession within ``SIMILAR_WITHIN_MILES`` of the
    vacancy's first place (the search's own distance, ties newest first): the search's ring
    reads only the nearest places holding ``limit`` matches, not the whole profession. When
    that leaves room (a remote post, a sparse profession), the newest of the profession
    anywhere fill it, after every nearer one.
    """
    now = now or timezone.now()
    profession = vacancy.profession
    others = Vacancy.objects.live(now=now).exclude(pk=vacancy.pk)
    places = list(vacancy.places.all())
    similar: list[Vacancy] = []
    if places:
        near = parse_search(
            {
                "profession": profession.slug,
                "location": places[0].slug,
                "radius": str(SIMILAR_WITHIN_MILES),
                "sort": Sort.DISTANCE,
            },
            now=now,
            within=others,
            professions={profession.slug: profession},
            place_resolver=lambda _text: where_place(places[0]),
        )
        if near.place is not None:
            similar = list(search_vacancies(near, depth=limit)[:limit])
    if len(similar) < limit:
        found = [other.pk for other in similar]
        similar += list(
            others.filter(profession_id=vacancy.profession_id)
            .exclude(pk__in=found)
            .select_related("employer", "profession")
            .prefetch_related("places")
            .order_by("-published_at", "-id")[: limit - len(similar)]
        )
    return similar
