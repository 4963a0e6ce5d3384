"""The employer's applications pages, mounted under ``/employer/``.

Every pattern must appear in ``tests/applications/test_authorisation.py``'s matrix.
"""

from django.urls import path

from applications import views

app_name = "applications"

VACANCY = "vacancies/<str:reference>/"
APPLICATION = VACANCY + "applications/<int:application_id>/"

urlpatterns = [
    path(VACANCY + "questions/", views.screening_questions, name="questions"),
    path(VACANCY + "applications/", views.application_list, name="list"),
    path(VACANCY + "applications/bulk/", views.application_bulk, name="bulk"),
    path(VACANCY + "applications/export.csv", views.application_export, name="export"),
    path(VACANCY + "equality/", views.equality_report, name="equality"),
    path(APPLICATION, views.application_detail, name="detail"),
    path(APPLICATION + "status/", views.application_status, name="status"),
    path(APPLICATION + "rating/", views.application_rating, name="rating"),
    path(APPLICATION + "notes/", views.application_note, name="note"),
    path(APPLICATION + "cv/", views.application_cv, name="cv"),
    path(APPLICATION + "message/<slug:kind>/", views.application_message, name="message"),
    path("webhook/", views.webhook, name="webhook"),
]
