"""Applications' URLs. The candidate's: applying under the vacancy's apply URL (which still
redirects for jobs applied for elsewhere), ``/me/applications/`` and the CV download (for the
candidate and the vacancy's employer's team). The team's, under ``/employer/``: a vacancy's
applications, one application and what the team does with it, screening questions, the
export, the equality report and the webhook.

Every pattern is in an authorisation matrix: ``employer/`` ones in
``tests/applications/test_team_authorisation.py``, the others in ``test_authorisation.py``.
"""

from django.urls import path

from applications import candidate_views, views

app_name = "candidates"

VACANCY = "employer/vacancies/<str:reference>/"
APPLICATION = VACANCY + "applications/<int:application_id>/"

urlpatterns = [
    path("vacancies/<str:reference>/apply/", candidate_views.apply, name="apply"),
    path("vacancies/<str:reference>/apply/details/", candidate_views.details, name="details"),
    path("vacancies/<str:reference>/apply/cv/", candidate_views.documents, name="documents"),
    path("vacancies/<str:reference>/apply/sent/", candidate_views.sent, name="sent"),
    path("vacancies/<str:reference>/apply/equality/", candidate_views.equality, name="equality"),
    path("me/applications/", candidate_views.mine, name="mine"),
    path("me/applications/<int:pk>/withdraw/", candidate_views.withdraw, name="withdraw"),
    path(
        "me/applications/saved-cv/delete/",
        candidate_views.saved_cv_delete,
        name="saved_cv_delete",
    ),
    path("applications/<int:pk>/cv/", candidate_views.cv_download, name="cv"),
    # The employer's team.
    path(VACANCY + "questions/", views.screening_questions, name="questions"),
    path(VACANCY + "applications/", views.application_list, name="list"),
    path(VACANCY + "applications/bulk/", views.application_bulk, name="bulk"),
    path(VACANCY + "applications/export.csv", views.application_export, name="export"),
    path(VACANCY + "equality/", views.equality_report, name="equality_report"),
    path(APPLICATION, views.application_detail, name="detail"),
    path(APPLICATION + "status/", views.application_status, name="status"),
    path(APPLICATION + "rating/", views.application_rating, name="rating"),
    path(APPLICATION + "notes/", views.application_note, name="note"),
    path(APPLICATION + "message/<slug:kind>/", views.application_message, name="message"),
    path("employer/webhook/", views.webhook, name="webhook"),
]
