"""The employer directory API (``/api/v1/employers/``): active employers and their live
vacancy counts, filtered and sorted like the directory page (``/employers/``).

Live counts are a column of the employer (kept by the vacancy services), so a page is one
query whatever its length. A town is shown as the gazetteer's place.
"""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from common.api import (
    DETAIL_ERRORS,
    READ_ERRORS,
    EnvelopeSchema,
    PageParams,
    absolute,
    choice_list,
    page_envelope,
    paginated,
    parse,
    query_dict,
)
from employers.filters import NATION_CHOICES, SORT_CHOICES
from employers.models import Employer, Region, Sector
from employers.selectors import employer_directory
from employers.serializers import EmployerRefSerializer
from listings.api.serializers import PlaceSerializer
from listings.search import cached_data


class EmployerListParams(PageParams):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    sector = choice_list(Sector.choices, "Sector.")
    region = choice_list(Region.choices, "Region.")
    nation = serializers.ChoiceField(choices=NATION_CHOICES, required=False)
    has_live = serializers.BooleanField(
        required=False, default=False, help_text="Only employers with live vacancies."
    )
    sort = serializers.ChoiceField(
        choices=SORT_CHOICES, required=False, help_text="`name` (default) or `vacancies`."
    )


class EmployerSerializer(EmployerRefSerializer):
    town = PlaceSerializer(allow_null=True)
    live_vacancy_count = serializers.IntegerField(read_only=True)
    vacancies_url = serializers.SerializerMethodField(
        help_text="The API's list of this employer's live vacancies."
    )
    website = serializers.URLField(allow_blank=True)

    class Meta:
        model = Employer
        fields = [
            "slug",
            "name",
            "sector",
            "region",
            "town",
            "website",
            "verified",
            "url",
            "live_vacancy_count",
            "vacancies_url",
        ]

    def get_vacancies_url(self, obj: Employer) -> str:
        return absolute(f"{reverse('api:vacancy-list')}?employer={obj.slug}")


class EmployerDetailSerializer(EmployerSerializer):
    about = serializers.CharField(help_text="Markdown, as written by the employer.")

    class Meta(EmployerSerializer.Meta):
        fields = [*EmployerSerializer.Meta.fields, "about"]


class EmployerViewSet(viewsets.ReadOnlyModelViewSet):
    """Active employers with their live vacancy counts (the public directory)."""

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    schema = EnvelopeSchema()
    serializer_class = EmployerSerializer
    queryset = Employer.objects.none()
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        operation_id="v1_employers_list",
        parameters=[EmployerListParams],
        responses={200: paginated(EmployerSerializer, "PaginatedEmployerList"), **READ_ERRORS},
    )
    def list(self, request):
        params = parse(EmployerListParams, request.query_params)
        key = f"api:employers:{request.get_full_path()}"
        return Response(cached_data(request, key, lambda: self._directory_page(request, params)))

    def _directory_page(self, request, params) -> tuple[dict, None]:
        """One page of the directory, kept like the directory page (no closing time bounds it:
        its live counts already lag by up to an expiry run; joining employers move the version)."""
        data = {k: v for k, v in params.filter_data().items() if k not in ("page", "page_size")}
        if data.get("has_live") == ["False"]:
            del data["has_live"]
        filterset = employer_directory(data=query_dict(data))
        queryset = filterset.qs
        page = page_envelope(request, params, queryset=queryset, count=queryset.count())
        page["results"] = list(EmployerSerializer(page.pop("rows"), many=True).data)
        return page, None

    @extend_schema(responses={200: EmployerDetailSerializer, **DETAIL_ERRORS})
    def retrieve(self, request, slug=None):
        employer = Employer.objects.active().select_related("town").filter(slug=slug).first()
        if employer is None:
            raise Http404("No such employer.")
        return Response(EmployerDetailSerializer(employer).data)
