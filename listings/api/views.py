"""The public, read-only API: vacancies (the search), professions, places, and related jobs
for an article. The employer directory's API is ``employers.api``.

Views parse parameters strictly (``common.api.parse``: 400 with field errors), then call the
same selectors as the HTML pages, so a search means the same everywhere. Every list runs a
fixed number of queries, whatever its length.
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from common.api import (
    DETAIL_ERRORS,
    MAX_API_PAGES,
    READ_ERRORS,
    EnvelopeSchema,
    paginated,
    parse,
)
from common.api import page_envelope as _page
from common.api import paging as _paging
from common.api import query_dict as _query_dict
from listings.api import serializers as s
from listings.models import Profession, Vacancy
from listings.related import related_vacancies, significant_terms
from listings.search import (
    Search,
    cached_data,
    keep_data,
    parse_search,
    place_suggestions,
    professions_with_live_counts,
    search_page,
)
from listings.selectors import vacancy_for_page


class VacancyViewSet(viewsets.ReadOnlyModelViewSet):
    """Live vacancies: the search, one vacancy by reference, and related jobs for an article."""

    lookup_field = "reference"
    lookup_value_regex = "[0-9A-Za-z]{1,16}"
    schema = EnvelopeSchema()
    serializer_class = s.VacancySerializer
    queryset = Vacancy.objects.none()
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        operation_id="v1_vacancies_list",
        parameters=[s.VacancyListParams],
        responses={200: paginated(s.VacancySerializer, "PaginatedVacancyList"), **READ_ERRORS},
        description="The search: the same parameters, filters and sorts as `/jobs/` (see "
        "docs/linking.md), with page numbers capped at 50.",
    )
    def list(self, request):
        params = parse(s.VacancyListParams, request.query_params)
        key = f"api:vacancies:{request.get_full_path()}"
        return Response(cached_data(request, key, lambda: self._search_page(request, params)))

    def _search_page(self, request, params) -> tuple[dict, datetime | None]:
        """One page of the search, and the first closing time it shows."""
        now = timezone.now()
        search = parse_search(_query_dict(params.filter_data()), now=now)
        size, number = _paging(params)
        results = search_page(
            search, number=number, size=size, max_pages=MAX_API_PAGES, past_the_end="empty"
        )
        page = _page(
            request,
            params,
            rows=results.rows,
            count=results.total,
            extra={"search_url": s.absolute(_search_path(search)), **_did_you_mean(results)},
        )
        rows = page.pop("rows")
        # A plain list: DRF's ReturnList carries its serializer, which the cache cannot keep.
        page["results"] = list(s.VacancySerializer(rows, many=True).data)
        return keep_data(page, shows=rows, now=now)

    @extend_schema(responses={200: s.VacancyDetailSerializer, **DETAIL_ERRORS})
    def retrieve(self, request, reference=None):
        """A vacancy with a public page: live, or closed/expired (``is_live`` false)."""
        vacancy = vacancy_for_page((reference or "")[:16])
        if vacancy is None:
            raise Http404("No such vacancy.")
        return Response(s.VacancyDetailSerializer(vacancy).data)

    @extend_schema(
        methods=["GET"],
        parameters=[s.RelatedParams],
        responses={200: s.RelatedResponseSerializer, **READ_ERRORS},
        description="Live vacancies that best match an article's words, best first; "
        "optionally narrowed by any search parameter (such as `location` and `radius`).",
    )
    @extend_schema(
        methods=["POST"],
        request=s.RelatedBody,
        responses={200: s.RelatedResponseSerializer, **READ_ERRORS},
        description="The same with the article's whole text and its tags in a JSON body.",
    )
    @action(detail=False, methods=["get", "post"], permission_classes=[AllowAny])
    def related(self, request):
        if request.method == "POST":
            body = parse(s.RelatedBody, request.data)
            data = body.validated_data
            text, tags = data["text"], data.get("tags", [])
            filters = {k: str(data[k]) for k in ("location", "radius") if data.get(k)}
        else:
            params = parse(s.RelatedParams, request.query_params)
            data = params.validated_data
            text, tags = data["text"], []
            filters = _query_dict(
                {k: v for k, v in params.filter_data().items() if k not in ("text", "limit")}
            )
        rows = list(related_vacancies(text=text, tags=tags, filters=filters, limit=data["limit"]))
        return Response(
            {
                "terms": [term for term, _ in significant_terms(text, tags=tags)],
                "results": s.RelatedVacancySerializer(rows, many=True).data,
            }
        )


def _search_path(filterset: Search) -> str:
    query = filterset.query_string()
    return reverse("listings:search") + (f"?{query}" if query else "")


def _did_you_mean(results) -> dict:
    """The corrected keywords of a search that found little, and that search on the site."""
    suggestion = results.suggestion
    if suggestion is None:
        return {}
    url = s.absolute(f"{reverse('listings:search')}?{suggestion.query_string}")
    return {"did_you_mean": {"q": suggestion.q, "search_url": url}}


class ProfessionViewSet(viewsets.ReadOnlyModelViewSet):
    """The professions the article site links to, with live vacancy counts."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    serializer_class = s.ProfessionSerializer
    filter_backends: list = []
    pagination_class = None

    queryset = Profession.objects.none()

    @extend_schema(responses={200: s.ProfessionSerializer(many=True), 429: READ_ERRORS[429]})
    def list(self, request):
        return Response(cached_data(request, "api:professions", self._with_counts))

    def _with_counts(self) -> tuple[list, None]:
        """Every profession and its live count, kept like the counts they come from."""
        professions = professions_with_live_counts()
        data = list(self.get_serializer(professions, many=True).data)
        return data, None

    @extend_schema(responses={200: s.ProfessionSerializer, **DETAIL_ERRORS})
    def retrieve(self, request, slug=None):
        for profession in professions_with_live_counts():
            if profession.slug == slug:
                return Response(self.get_serializer(profession).data)
        raise Http404("No such profession.")


class PlaceViewSet(viewsets.GenericViewSet):
    """Location autocomplete: postcodes, towns and areas starting with ``q``."""

    serializer_class = s.LocationSuggestionSerializer
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        parameters=[s.PlaceParams],
        responses={200: s.LocationSuggestionSerializer(many=True), **READ_ERRORS},
        description="Up to `limit` postcodes, towns and areas starting with `q`, most likely "
        "first; pass a suggestion's `slug` as the search's `location`.",
    )
    def list(self, request):
        params = parse(s.PlaceParams, request.query_params)
        places = place_suggestions(params.validated_data["q"], limit=params.validated_data["limit"])
        return Response(s.LocationSuggestionSerializer(places, many=True).data)
