"""What every API view shares: strict parsing of parameters and bodies into 400s with field
errors, a service's ``ValidationError`` in the same shape, the error responses the schema
documents, capped page envelopes, and JSON answers for unknown paths. See docs/api.md.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse, QueryDict
from django.http.response import HttpResponseRedirectBase
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import APIException

from common.links import on_site

MAX_API_PAGES = 50
MAX_PAGE_SIZE = 50
DEFAULT_PAGE_SIZE = 20
# Values of one repeatable parameter (``?sector=a&sector=b``) the API reads at most.
MAX_VALUES_PER_PARAMETER = 20

ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='Field errors: `{"field": ["message", ...]}`, or `{"detail": "..."}`.',
)
READ_ERRORS = {400: ERROR, 429: ERROR}
DETAIL_ERRORS = {404: ERROR, 429: ERROR}
WRITE_ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR, 409: ERROR, 429: ERROR}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed this since you read it."
    default_code = "conflict"


class EnvelopeSchema(AutoSchema):
    """For list views that answer with their own page envelope rather than a bare array."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class PermanentRedirectKeepingMethod(HttpResponseRedirectBase):
    status_code = 308


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """Any other path under ``/api/``: a JSON 404, as every API answer is JSON.

    A path that only lacks its trailing slash is redirected with 308, which keeps the method
    and body (the catch-all would otherwise stop Django's own slash-appending redirect).
    """
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_not_found:
            query = request.META.get("QUERY_STRING", "")
            return PermanentRedirectKeepingMethod(
                request.path + "/" + (f"?{query}" if query else "")
            )
    return JsonResponse({"detail": "Not found."}, status=404)


# API modules name it ``absolute``: an absolute URL on this site's public address.
absolute = on_site


def parse(serializer_class, data, **context) -> serializers.Serializer:
    """Validate query parameters or a body; a 400 naming each bad field if anything is wrong."""
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer


def service_error(exc: DjangoValidationError) -> APIException:
    """A service's refusal as the API's error: field errors where it names fields, else
    ``non_field_errors``; a version conflict is a 409."""
    if getattr(exc, "code", None) == "conflict":
        return Conflict(detail=" ".join(exc.messages))
    if hasattr(exc, "error_dict"):
        detail = {
            ("non_field_errors" if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    else:
        detail = {"non_field_errors": exc.messages}
    return serializers.ValidationError(detail)


# --- parameters and pages -----------------------------------------------------------------
class QueryParams(serializers.Serializer):
    """Query parameters; valid ones can be handed on as a FilterSet's input."""

    def filter_data(self) -> dict[str, list[str]]:
        """The validated parameters as lists of strings, like a QueryDict, without empties."""
        data = {}
        for name, value in self.validated_data.items():
            if value in ("", None, []):
                continue
            data[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        return data


class PageParams(QueryParams):
    """Page numbers with a hard cap: past it the API answers 400, never a slow deep page."""

    page = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_API_PAGES,
        help_text=f"Page number, 1 to {MAX_API_PAGES}. Past the last page of results the "
        "list is empty; past the cap the answer is 400: narrow the search instead.",
    )
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=f"Results per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
    )


def choice_list(
    choices, help_text: str, *, max_length: int = MAX_VALUES_PER_PARAMETER
) -> serializers.ListField:
    """A repeatable parameter whose values come from ``choices``."""
    return serializers.ListField(
        child=serializers.ChoiceField(choices=choices),
        required=False,
        max_length=max_length,
        help_text=help_text + " Repeat the parameter for several (any of them matches).",
    )


def query_dict(data: dict[str, list[str]]) -> QueryDict:
    """Parsed parameters (``QueryParams.filter_data()``) as the QueryDict a FilterSet reads."""
    query = QueryDict(mutable=True)
    for name, values in data.items():
        query.setlist(name, values)
    return query


def paging(params: PageParams) -> tuple[int, int]:
    """The page size and page number asked for, with their defaults."""
    data = params.validated_data
    return data.get("page_size") or DEFAULT_PAGE_SIZE, data.get("page") or 1


def page_envelope(
    request,
    params: PageParams,
    *,
    count: int,
    queryset=None,
    rows: list | None = None,
    extra: dict | None = None,
) -> dict:
    """One capped page of ``queryset`` (or its ``rows``, already read) with links to its
    neighbours (absolute URLs).

    The rows are under ``"rows"``, for the caller to serialise as ``"results"``.
    """
    size, number = paging(params)
    pages = min(max(1, -(-count // size)), MAX_API_PAGES)
    offset = (number - 1) * size
    if rows is None:
        rows = list(queryset[offset : offset + size]) if number <= pages else []

    def link(n: int) -> str:
        query = request.query_params.copy()
        query["page"] = str(n)
        return absolute(f"{request.path}?{query.urlencode()}")

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


class DidYouMeanSerializer(serializers.Serializer):
    """A correction offered for misspelt keywords."""

    q = serializers.CharField()
    search_url = serializers.URLField()


def paginated(serializer_class, name: str):
    """The envelope of a page of results, for the schema."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(help_text="Results in the whole search."),
            "page": serializers.IntegerField(),
            "pages": serializers.IntegerField(
                help_text=f"Pages available (at most {MAX_API_PAGES})."
            ),
            "page_size": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "search_url": serializers.URLField(
                required=False, help_text="The same search on the site (vacancy lists only)."
            ),
            "did_you_mean": DidYouMeanSerializer(
                required=False,
                help_text="Present when the keywords found little and look misspelt: the "
                "corrected keywords and that search on the site (vacancy lists only).",
            ),
            "results": serializer_class(many=True),
        },
    )
