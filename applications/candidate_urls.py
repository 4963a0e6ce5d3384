"""Applications' URLs. The candidate's: applying under the vacancy's apply URL (which still
redirects for jobs applied for elsewhere), ``/me/applications/`` and the CV download (for the
candidate and the vacancy's employer's team). ``/me/applications/<id>/interview/`` is where an
invited candidate chooses their interview time. The team's pages, under ``/employer/``, are in
``applications/urls.py``.

Every pattern is in an authorisation matrix: ``employer/`` ones in
``tests/applications/test_team_authorisation.py``, the others in ``test_authorisation.py``.
"""

from django.urls import path

from applications import candidate_views

app_name = "candidates"

urlpatterns = [
    path("vacancies/<str:reference>/apply/", candidate_views.apply, name="apply"),
    path("vacancies/<str:reference>/apply/details/", candidate_views.details, name="details"),
    path("vacancies/<str:reference>/apply/cv/", candidate_views.documents, name="documents"),
    path("vacancies/<str:reference>/apply/sent/", candidate_views.sent, name="sent"),
    path("vacancies/<str:reference>/apply/equality/", candidate_views.equality, name="equality"),
    path("me/applications/", candidate_views.mine, name="mine"),
    path("me/applications/<int:pk>/withdraw/", candidate_views.withdraw, name="withdraw"),
    path("me/applications/<int:pk>/interview/", candidate_views.interview, name="interview"),
    path(
        "me/applications/saved-cv/delete/",
        candidate_views.saved_cv_delete,
        name="saved_cv_delete",
    ),
    path("applications/<int:pk>/cv/", candidate_views.cv_download, name="cv"),
]
