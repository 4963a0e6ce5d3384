"""The API's root: the ``/api/v1/`` router, the OpenAPI schema and its browsable docs.

The helpers every API view shares (parsing, error shapes, page envelopes) are in
``common.api``. See docs/api.md.
"""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from applications.api import (
    EmployerApplicationViewSet,
    InterviewBookingCancelView,
    InterviewSlotsView,
    InterviewSlotView,
    ScreeningQuestionsView,
)
from common.api import api_not_found
from employers.api import EmployerViewSet
from listings.api.employer_vacancies import EmployerVacancyViewSet
from listings.api.views import PlaceViewSet, ProfessionViewSet, VacancyViewSet


def build_router() -> DefaultRouter:
    """Every API resource, registered once; the employer endpoints live under ``employer/``."""
    router = DefaultRouter()
    router.register("vacancies", VacancyViewSet, basename="vacancy")
    router.register("employers", EmployerViewSet, basename="employer")
    router.register("professions", ProfessionViewSet, basename="profession")
    router.register("places", PlaceViewSet, basename="place")
    router.register("employer/vacancies", EmployerVacancyViewSet, basename="employer-vacancy")
    router.register(
        "employer/applications", EmployerApplicationViewSet, basename="employer-application"
    )
    return router


class DocsSwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar package's own files; its script is a separate request.

    Its page is ours (``api/swagger_ui.html``): a language, a main landmark and a stylesheet
    that brings the stock colours to WCAG AA contrast.
    """

    template_name = "api/swagger_ui.html"
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
    path(
        "api/v1/employer/vacancies/<str:reference>/screening-questions/",
        ScreeningQuestionsView.as_view(),
        name="api-screening-questions",
    ),
    path(
        "api/v1/employer/vacancies/<str:reference>/interview-slots/",
        InterviewSlotsView.as_view(),
        name="api-interview-slots",
    ),
    path(
        "api/v1/employer/vacancies/<str:reference>/interview-slots/<int:slot_id>/",
        InterviewSlotView.as_view(),
        name="api-interview-slot",
    ),
    path(
        "api/v1/employer/vacancies/<str:reference>/interview-slots/<int:slot_id>/cancel/",
        InterviewBookingCancelView.as_view(),
        name="api-interview-slot-cancel",
    ),
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
