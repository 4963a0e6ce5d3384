"""The API's root: the ``/api/v1/`` router, the OpenAPI schema and its browsable docs.

Also the few helpers every API view shares: strict parsing of parameters and bodies into
400s with field errors, turning a service's ``ValidationError`` into the same shape, and the
error responses the schema documents. See docs/api.md.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.http.response import HttpResponseRedirectBase
from django.urls import Resolver404, include, path, re_path, resolve
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.routers import DefaultRouter

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


def build_router() -> DefaultRouter:
    """Every API resource, registered once; the employer endpoints live under ``employer/``."""
    from employers.api import EmployerVacancyViewSet
    from listings.api.views import (
        EmployerViewSet,
        PlaceViewSet,
        ProfessionViewSet,
        VacancyViewSet,
    )

    router = DefaultRouter()
    router.register("vacancies", VacancyViewSet, basename="vacancy")
    router.register("employers", EmployerViewSet, basename="employer")
    router.register("professions", ProfessionViewSet, basename="profession")
    router.register("places", PlaceViewSet, basename="place")
    router.register("employer/vacancies", EmployerVacancyViewSet, basename="employer-vacancy")
    return router


class DocsSwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar package's own files; its script is a separate request."""

    title = "API documentation"


class DocsRedocView(SpectacularRedocView):
    """ReDoc from the sidecar package's files, without the web fonts the stock page loads."""

    template_name = "api/redoc.html"
    title = "API reference"


def _docs_csp(view):
    """The docs pages' bundles inject inline styles and a worker; allow those there only."""
    from csp.decorators import csp_update

    return csp_update(
        {"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"], "img-src": ["data:"]}
    )(view)


urlpatterns = [
    path("api/v1/", include((build_router().urls, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        _docs_csp(DocsSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        _docs_csp(DocsRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    re_path(r"^api/", api_not_found),
]
