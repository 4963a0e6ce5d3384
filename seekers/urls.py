"""The seeker's URLs: ``/me/...`` (stable: emails and the article site link to them) and
``/report-a-job/<reference>/``. ``/me/applications/`` is served by ``applications.candidate_urls``."""

from django.urls import path

from seekers import views

app_name = "seekers"

urlpatterns = [
    path("me/", views.home, name="home"),
    path("me/sign-in/", views.sign_in, name="sign_in"),
    path("me/sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("me/sign-in/link/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("me/saved/", views.saved, name="saved"),
    path("me/saved/state/", views.saved_state, name="saved_state"),
    path("me/saved/import/", views.saved_import, name="saved_import"),
    path("me/saved/<str:reference>/save/", views.save, name="save"),
    path("me/saved/<str:reference>/remove/", views.unsave, name="unsave"),
    path("me/alerts/", views.alerts, name="alerts"),
    path("me/alerts/<int:alert_id>/", views.alert_change, name="alert_change"),
    path("me/alerts/<int:alert_id>/search/", views.alert_edit, name="alert_edit"),
    path("me/privacy/", views.privacy, name="privacy"),
    path("me/password/", views.password, name="password"),
    path("me/privacy/download/", views.privacy_download, name="privacy_download"),
    path("me/privacy/delete/", views.privacy_delete, name="privacy_delete"),
    path("report-a-job/<str:reference>/", views.report, name="report"),
]
