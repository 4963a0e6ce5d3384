"""Job alert pages, under ``/alerts/``."""

from django.urls import path

from listings import alert_views

app_name = "alerts"

urlpatterns = [
    path("subscribe/", alert_views.subscribe, name="subscribe"),
    path("check-your-email/", alert_views.check_email, name="check_email"),
    path("confirm/<str:token>/", alert_views.confirm, name="confirm"),
    path("manage/<str:token>/", alert_views.manage, name="manage"),
    path("unsubscribe/<str:token>/", alert_views.unsubscribe, name="unsubscribe"),
]
