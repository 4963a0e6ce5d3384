"""The public, read-only API: vacancies (the search), employers, professions, places, and
related jobs for an article.

Views parse parameters strictly (``jobboard.api.parse``: 400 with field errors), then call the
same selectors as the HTML pages, so a search means the same everywhere. Every list runs a
fixed number of queries, whatever its length.
"""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from employers.models import Employer
from employers.selectors import employer_directory
from jobboard.api import DETAIL_ERRORS, READ_ERRORS, EnvelopeSchema, parse
from listings.api import serializers as s
from listings.filters import VacancyFilterSet
from listings.models import Profession, Vacancy
from listings.page_cache import cached_data, first_closing
from listings.related import related_vacancies, significant_terms
from listings.selectors import (
    add_distances,
    place_suggestions,
    professions_with_live_counts,
    search_total,
    vacancy_for_page,
    vacancy_search,
)


def _query_dict(data: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for name, values in data.items():
        query.setlist(name, values)
    return query


def _paging(params) -> tuple[int, int]:
    """The page size and page number asked for, with their defaults."""
    data = params.validated_data
    return data.get("page_size") or s.DEFAULT_PAGE_SIZE, data.get("page") or 1


def _page(request, params, *, queryset, count: int, extra: dict | None = None) -> dict:
    """One capped page of ``queryset`` with links to its neighbours (absolute URLs)."""
    size, number = _paging(params)
    pages = min(max(1, -(-count // size)), s.MAX_API_PAGES)
    offset = (number - 1) * size
    rows = list(queryset[offset : offset + size]) if number <= pages else []

    def link(n: int) -> str:
        query = request.query_params.copy()
        query["page"] = str(n)
        return s.absolute(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "page": number,
        "pages": pages,
        "page_size": size,
        "next": link(number + 1) if number < pages else None,
        "previous": link(number - 1) if 1 < number <= pages else None,
        **(extra or {}),
        "rows": rows,
    }


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
        responses={200: s.paginated(s.VacancySerializer, "PaginatedVacancyList"), **READ_ERRORS},
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
        filterset = VacancyFilterSet(data=_query_dict(params.filter_data()), now=now)
        size, number = _paging(params)
        page = _page(
            request,
            params,
            queryset=vacancy_search(filters=filterset, depth=number * size),
            count=search_total(filterset),
            extra={"search_url": s.absolute(_search_path(filterset))},
        )
        rows = page.pop("rows")
        if filterset.place is not None:
            add_distances(rows, filterset.place)
        # A plain list: DRF's ReturnList carries its serializer, which the cache cannot keep.
        page["results"] = list(s.VacancySerializer(rows, many=True).data)
        return page, first_closing(rows, now=now)

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


def _search_path(filterset: VacancyFilterSet) -> str:
    query = filterset.query_string()
    return reverse("listings:search") + (f"?{query}" if query else "")


class EmployerViewSet(viewsets.ReadOnlyModelViewSet):
    """Active employers with their live vacancy counts (the public directory)."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    schema = EnvelopeSchema()
    serializer_class = s.EmployerSerializer
    queryset = Employer.objects.none()
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        operation_id="v1_employers_list",
        parameters=[s.EmployerListParams],
        responses={200: s.paginated(s.EmployerSerializer, "PaginatedEmployerList"), **READ_ERRORS},
    )
    def list(self, request):
        params = parse(s.EmployerListParams, request.query_params)
        key = f"api:employers:{request.get_full_path()}"
        return Response(cached_data(request, key, lambda: self._directory_page(request, params)))

    def _directory_page(self, request, params) -> tuple[dict, None]:
        """One page of the directory, kept like the directory page (no closing time bounds it:
        its live counts already lag by up to an expiry run; joining employers move the version)."""
        data = {k: v for k, v in params.filter_data().items() if k not in ("page", "page_size")}
        if data.get("has_live") == ["False"]:
            del data["has_live"]
        filterset = employer_directory(data=_query_dict(data))
        queryset = filterset.qs
        page = _page(request, params, queryset=queryset, count=queryset.count())
        page["results"] = list(s.EmployerSerializer(page.pop("rows"), many=True).data)
        return page, None

    @extend_schema(responses={200: s.EmployerDetailSerializer, **DETAIL_ERRORS})
    def retrieve(self, request, slug=None):
        employer = Employer.objects.active().select_related("town").filter(slug=slug).first()
        if employer is None:
            raise Http404("No such employer.")
        return Response(s.EmployerDetailSerializer(employer).data)


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
    """Place autocomplete: UK places whose name starts with ``q``."""

    serializer_class = s.PlaceSerializer
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        parameters=[s.PlaceParams],
        responses={200: s.PlaceSerializer(many=True), **READ_ERRORS},
        description="Up to `limit` places whose name starts with `q`, alphabetical.",
    )
    def list(self, request):
        params = parse(s.PlaceParams, request.query_params)
        places = place_suggestions(params.validated_data["q"], limit=params.validated_data["limit"])
        return Response(s.PlaceSerializer(places, many=True).data)
