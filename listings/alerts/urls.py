"""Job alert pages, under ``/alerts/``."""

from django.urls import path

from listings.alerts import views

app_name = "alerts"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("check-your-email/", views.check_email, name="check_email"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("resubscribe/<str:token>/", views.resubscribe, name="resubscribe"),
]
