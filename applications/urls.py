"""The employer's team's URLs, under ``/employer/``: a vacancy's applications, one
application and what the team does with it, screening questions, interview slots, the
export, the equality report and the webhook. The candidate's are in ``candidate_urls``.

Every pattern must be in ``tests/applications/test_team_authorisation.py``'s matrix.
"""

from django.urls import path

from applications import views

app_name = "applications"

VACANCY = "employer/vacancies/<str:reference>/"
APPLICATION = VACANCY + "applications/<int:application_id>/"

urlpatterns = [
    path(VACANCY + "questions/", views.screening_questions, name="questions"),
    path(VACANCY + "applications/", views.application_list, name="list"),
    path(VACANCY + "applications/bulk/", views.application_bulk, name="bulk"),
    path(VACANCY + "applications/export.csv", views.application_export, name="export"),
    path(VACANCY + "applications/slots/", views.interview_slots, name="slots"),
    path(
        VACANCY + "applications/slots/<int:slot_id>/remove/",
        views.interview_slot_remove,
        name="slot_remove",
    ),
    path(
        VACANCY + "applications/slots/<int:slot_id>/cancel/",
        views.interview_booking_cancel,
        name="slot_cancel",
    ),
    path(VACANCY + "equality/", views.equality_report, name="equality_report"),
    path(APPLICATION, views.application_detail, name="detail"),
    path(APPLICATION + "status/", views.application_status, name="status"),
    path(APPLICATION + "rating/", views.application_rating, name="rating"),
    path(APPLICATION + "notes/", views.application_note, name="note"),
    path(APPLICATION + "message/<slug:kind>/", views.application_message, name="message"),
    path("employer/webhook/", views.webhook, name="webhook"),
]
