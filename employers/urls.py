"""Employer URLs: the public directory (``/employers/``) and the self-service area (``/employer/``).

Every view under ``employer/`` must appear in ``tests/employers/test_authorisation.py``; the
test fails when one is added without saying who may use it.
"""

from django.urls import path

from employers import views

app_name = "employers"

urlpatterns = [
    path("employers/", views.directory, name="directory"),
    path("employers/<slug:slug>/", views.employer_detail, name="detail"),
    path("employer/", views.dashboard, name="dashboard"),
    path("employer/vacancies/new/", views.vacancy_create, name="vacancy_create"),
    path("employer/vacancies/<str:reference>/edit/", views.vacancy_edit, name="vacancy_edit"),
    path(
        "employer/vacancies/<str:reference>/preview/",
        views.vacancy_preview,
        name="vacancy_preview",
    ),
    path(
        "employer/vacancies/<str:reference>/publish/",
        views.vacancy_publish,
        name="vacancy_publish",
    ),
    path("employer/vacancies/<str:reference>/close/", views.vacancy_close, name="vacancy_close"),
    path("employer/vacancies/<str:reference>/renew/", views.vacancy_renew, name="vacancy_renew"),
    path(
        "employer/vacancies/<str:reference>/withdraw-change/",
        views.vacancy_withdraw_change,
        name="vacancy_withdraw_change",
    ),
    path(
        "employer/vacancies/<str:reference>/duplicate/",
        views.vacancy_duplicate,
        name="vacancy_duplicate",
    ),
    path("employer/vacancies/<str:reference>/delete/", views.vacancy_delete, name="vacancy_delete"),
    path(
        "employer/vacancies/<str:reference>/statistics/",
        views.vacancy_statistics,
        name="vacancy_statistics",
    ),
    path("employer/profile/", views.profile, name="profile"),
    path("employer/team/", views.team, name="team"),
    path(
        "employer/team/members/<int:membership_id>/role/",
        views.team_member_role,
        name="team_member_role",
    ),
    path(
        "employer/team/members/<int:membership_id>/remove/",
        views.team_member_remove,
        name="team_member_remove",
    ),
    path(
        "employer/team/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("employer/team/leave/", views.team_leave, name="team_leave"),
    path("employer/invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("employer/switch/", views.switch_employer, name="switch"),
    path("employer/api-access/", views.api_access, name="api_access"),
    path("employer/api-access/token/", views.api_token_create, name="api_token_create"),
    path("employer/api-access/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("employer/account/close/", views.account_close, name="account_close"),
]
