"""Seeker pages: the search, its landing pages, a vacancy, its apply link, place lookup.

Views parse the request, call a selector or the traffic recorder, and render. The search
page and its HTMX partial render the same ``listings/_results.html``.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

from django.db.models import prefetch_related_objects
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import push_url

from common.links import on_site
from listings import traffic
from listings.models import Place, Profession
from listings.search import (
    DEFAULT_RADIUS,
    POSTED_CHOICES,
    RADIUS_CHOICES,
    SALARY_CHOICES,
    Sort,
    cache_anonymous_page,
    cached_render,
    keep_page,
    location_suggestions,
    page_entry,
    posted_label,
    reference_in,
    resolve_where,
    search_page,
    with_asked,
)
from listings.selectors import similar_vacancies, vacancy_for_page
from listings.structured_data import job_posting


class ApplyRedirect(HttpResponseRedirect):
    """A redirect that may also go to a ``mailto:`` address."""

    allowed_schemes = ["http", "https", "mailto"]


def _page_links(results, base_path: str, base_query: str) -> dict:
    """URLs for the pager: previous, next and an elided range of numbered pages."""

    def url(number: int) -> str:
        query = "&".join(
            part for part in (base_query, f"page={number}" if number > 1 else "") if part
        )
        return f"{base_path}?{query}" if query else base_path

    page = results.page
    numbers = results.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    return {
        "previous_url": url(page.previous_page_number()) if page.has_previous() else None,
        "next_url": url(page.next_page_number()) if page.has_next() else None,
        "page_links": [
            {
                "number": n,
                "url": url(n) if isinstance(n, int) else None,
                "current": n == page.number,
            }
            for n in numbers
        ],
        "page_url": url,
    }


# Filters a landing page's canonical address keeps in its query, so that Band 5 nursing jobs
# are one indexable search: "/jobs/registered-nurse/?band=band-5".
LANDING_REFINEMENTS = ("band",)


def _refinement_query(filterset) -> str:
    active = filterset.active()
    return urlencode(
        [(name, value) for name in LANDING_REFINEMENTS for value in sorted(active.get(name, []))]
    )


def _landing_path(filterset) -> str | None:
    """The landing page equal to this search, if there is one (its canonical URL)."""
    active = filterset.active()
    professions = active.get("profession", [])
    other = set(active) - {"profession", "location", "radius", *LANDING_REFINEMENTS}
    radius = filterset.radius_miles
    if len(professions) != 1 or other or (radius is not None and radius != DEFAULT_RADIUS):
        return None
    where = filterset.place or filterset.area
    if where is not None and not getattr(where, "is_postcode", False):
        return reverse(
            "listings:profession_place",
            kwargs={"profession": professions[0], "place": where.slug},
        )
    if where is not None:
        return None
    return reverse("listings:profession", kwargs={"profession": professions[0]})


def _landing_404(request, *, profession: Profession | None, place_slug: str | None):
    """An unknown landing page: say what was not found and offer the ones that exist."""
    suggestions = []
    if place_slug:
        stem = place_slug.split("-")[0]
        suggestions = (
            list(Place.objects.towns().filter(slug__startswith=stem[:4])[:8]) if stem else []
        )
    return render(
        request,
        "listings/landing_404.html",
        {
            "profession": profession,
            "place_slug": place_slug,
            "professions": Profession.objects.all(),
            "place_suggestions": suggestions,
        },
        status=404,
    )


@require_GET
@vary_on_headers("HX-Request")
@cache_anonymous_page
def search(request, profession: str | None = None, place: str | None = None):
    """The search (``/jobs/``) and its landing pages (``/jobs/<profession>/[in/<place>/]``)."""
    now = timezone.now()
    params = request.GET.copy()
    landing = None
    if profession is not None:
        profession_obj = Profession.objects.filter(slug=profession).first()
        # A town or an area, by the slug its links carry (the search's own place lookup).
        where = resolve_where(place) if place else None
        if profession_obj is None or (place and (where is None or where.value != place)):
            return _landing_404(request, profession=profession_obj, place_slug=place)
        params.setlist("profession", [profession_obj.slug])
        if where is not None:
            params["location"] = where.value
        place_obj = (where.origin or where.area) if where is not None else None
        landing = {"profession": profession_obj, "place": place_obj, "path": request.path}

    reference = reference_in(params.get("q", "")) if profession is None else None
    if reference and (vacancy := vacancy_for_page(reference, now=now, with_places=False)):
        return redirect(vacancy)  # a job reference typed in the search box
    results = search_page(params, now=now, with_facets=True)
    filterset = results.filterset
    query = filterset.query_string()
    if landing and not (set(filterset.active()) - {"profession", "location", "radius"}):
        base_path, base_query = landing["path"], ""
    else:
        base_path, base_query = reverse("listings:search"), query
    links = _page_links(results, base_path, base_query)
    landing_path = landing["path"] if landing else _landing_path(filterset)
    canonical_path = landing_path or reverse("listings:search")
    canonical_query = [_refinement_query(filterset)] if landing_path else []
    if results.page.number > 1:
        canonical_query.append(f"page={results.page.number}")
    if any(canonical_query):
        canonical_path += "?" + "&".join(q for q in canonical_query if q)
    search_path = reverse("listings:search")
    place_alternatives = [
        (label, f"{search_path}?{filterset.query_string(location=value)}")
        for label, value in filterset.place_alternatives[:6]
    ]
    indexable = bool(landing_path) or not filterset.active()

    if landing:
        heading = f"{landing['profession'].name} jobs"
        if landing["place"]:
            heading += f" in {landing['place'].name}"
    else:
        heading = filterset.describe()
    radius = filterset.radius_miles or DEFAULT_RADIUS
    wider = next((r for r in RADIUS_CHOICES if r > radius), RADIUS_CHOICES[-1])
    salary = int(filterset.data["salary_min"]) if filterset.data.get("salary_min") else None
    posted = int(filterset.data["posted"]) if filterset.data.get("posted") else None
    context = {
        "heading": heading,
        "meta_description": _meta_description(heading, results, landing),
        "radius_value": radius,
        "salary_value": salary,
        "posted_value": posted,
        "wider_query": filterset.query_string(radius=wider),
        "results": results,
        "filterset": filterset,
        "page": results.page,
        "landing": landing,
        "now": now,
        "query_string": query,
        "search_description": filterset.describe(),
        "canonical_url": on_site(canonical_path),
        "indexable": indexable and results.total > 0,
        "sort_options": _sort_options(filterset),
        "radius_choices": with_asked(RADIUS_CHOICES, radius),
        "salary_choices": with_asked(SALARY_CHOICES, salary),
        "posted_choices": _posted_choices(posted),
        "default_radius": DEFAULT_RADIUS,
        "location_value": filterset.place.label
        if filterset.place
        else filterset.area.name
        if filterset.area
        else params.get("location", "")[:100],
        "place_alternatives": place_alternatives,
        **links,
    }
    # HTMX swaps in the partial; a history restore (the back button with an empty cache)
    # replaces the whole body, so it gets the full page like any other visit.
    if request.htmx and not request.htmx.history_restore_request:
        response = render(request, "listings/_results.html", context)
        response = push_url(response, links["page_url"](results.page.number))
    else:
        response = render(request, "listings/search.html", context)
    if results.is_partial:
        return response  # counts still to come: the next visitor has them (page_counts)
    # Anonymous visitors may be served this page again until the first of its vacancies closes.
    return keep_page(response, shows=results.rows, now=now)


def _meta_description(heading: str, results, landing: dict | None) -> str:
    total = results.total
    if results.total_is_capped:
        count = f"More than {total - 1:,} live"
    else:
        count = f"{total:,} live" if total else "Live"
    if landing:
        where = f" in and around {landing['place'].name}" if landing["place"] else " across the UK"
        jobs = ngettext("job", "jobs", total or 2)
        return (
            f"{count} {landing['profession'].name} {jobs}{where} from NHS trusts, councils, care "
            "providers and charities. Salaries, closing dates and how to apply."
        )
    vacancies = ngettext("vacancy", "vacancies", total or 2)
    return f"{count} {vacancies}: {heading}. Health and social care jobs across the UK."


def _posted_choices(asked: int | None) -> tuple[tuple[int, str], ...]:
    """The "date posted" options, with the asked number of days among them."""
    days = with_asked(tuple(d for d, _ in POSTED_CHOICES), asked)
    labels = dict(POSTED_CHOICES)
    return tuple((d, labels.get(d) or posted_label(d)) for d in days)


def _sort_options(filterset) -> list[tuple[str, str, bool]]:
    """The sorts that make sense for this search, the chosen one marked."""
    available = [Sort.NEWEST, Sort.CLOSING, Sort.SALARY]
    if filterset.data.get("q"):
        available.insert(0, Sort.RELEVANCE)
    if filterset.place is not None:
        available.append(Sort.DISTANCE)
    return [(value, Sort.LABELS[value], value == filterset.sort_choice) for value in available]


SEARCH_PAGES = {"search", "profession", "profession_place"}


def _results_url(request) -> str:
    """The search this visitor came from (the referring page, when it is ours), else ""."""
    referrer = urlsplit(request.META.get("HTTP_REFERER", "")[:2000])
    if referrer.netloc != request.get_host() or not referrer.path.startswith("/jobs/"):
        return ""
    try:
        match = resolve(referrer.path)
    except Resolver404:
        return ""
    if match.namespace != "listings" or match.url_name not in SEARCH_PAGES:
        return ""
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


@require_GET
def vacancy_detail(request, reference: str, slug: str | None = None):
    """A vacancy's permanent page; a closed one says so, offers similar jobs and is noindex.

    A kept page is served without the database: the vacancy's entry (who it is, whether it
    is live) and the page come from the cache, and the view is counted in memory.
    """
    now = timezone.now()
    entry, vacancy = page_entry(
        reference, lambda: vacancy_for_page(reference, now=now, with_places=False)
    )
    if entry is None:
        return render(
            request, "listings/vacancy_404.html", {"reference": reference[:20]}, status=404
        )
    if slug != entry.slug or reference != entry.reference:
        url = reverse("listings:vacancy", kwargs={"reference": entry.reference, "slug": entry.slug})
        if request.META.get("QUERY_STRING"):
            url += "?" + request.META["QUERY_STRING"]
        return redirect(url, permanent=True)
    is_live = entry.is_live_at(now)
    source = traffic.classify_source(request)
    if is_live and not traffic.is_bot(request):
        traffic.record_view(entry, source=source, now=now)
    results_url = _results_url(request)

    def render_page():
        shown = vacancy or vacancy_for_page(reference, now=now, with_places=False)
        if shown is None:  # gone between the entry and the page
            return render(
                request, "listings/vacancy_404.html", {"reference": reference[:20]}, status=404
            )
        prefetch_related_objects([shown], "places")
        similar = similar_vacancies(shown, now=now)
        context = {
            "vacancy": shown,
            "is_live": is_live,
            "now": now,
            "similar": similar,
            "job_posting": job_posting(shown) if is_live else None,
            "apply_url": f"{reverse('listings:apply', kwargs={'reference': shown.reference})}"
            f"?source={source}",
            "canonical_url": on_site(shown.get_absolute_url()),
            "results_url": results_url,
        }
        response = render(request, "listings/vacancy_detail.html", context)
        if not is_live:
            response["X-Robots-Tag"] = "noindex"
        # Until the first closing time it shows (its own or a similar's) or the day's end, and
        # never once one of them is removed; a write to the vacancy changes the key before.
        return keep_page(response, shows=[shown, *similar], now=now, still=True)

    # Everything the page shows: the vacancy and its employer as last saved, the source its
    # apply link carries, the search "Back to results" returns to, and (through the
    # removals) the live set for similar jobs.
    key = (
        f"vacancy:{entry.pk}:{entry.updated}:{entry.employer_updated}:{is_live}:{source}:"
        f"{results_url}"
    )
    return cached_render(request, key, render_page)


@never_cache
@require_GET
def vacancy_apply(request, reference: str):
    """The tracked apply link: count the click, then go to the employer's form or email.

    A vacancy that has closed sends the seeker back to its page, which says so.
    """
    vacancy = vacancy_for_page(reference, with_places=False)
    if vacancy is None:
        return render(
            request, "listings/vacancy_404.html", {"reference": reference[:20]}, status=404
        )
    if not vacancy.is_live or not (vacancy.apply_url or vacancy.apply_email):
        return redirect(vacancy)
    if not traffic.is_bot(request):
        source = traffic.source_from_param(request.GET.get(traffic.SOURCE_PARAM))
        traffic.record_apply_click(vacancy, source=source or traffic.classify_source(request))
    if vacancy.apply_url:
        response = ApplyRedirect(vacancy.apply_url)
    else:
        subject = quote(f"Application: {vacancy.title} ({vacancy.reference})")
        response = ApplyRedirect(f"mailto:{vacancy.apply_email}?subject={subject}")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
@cache_control(max_age=3600, public=True)
def place_autocomplete(request):
    """``/places/autocomplete/?q=lee``: up to ten places as JSON, for the location box."""
    places = location_suggestions(request.GET.get("q", ""))
    return JsonResponse(
        {
            "results": [
                {
                    "label": p.label,
                    "name": p.name,
                    "county": p.county,
                    "slug": p.value,
                    "kind": p.kind,
                }
                for p in places
            ]
        }
    )
