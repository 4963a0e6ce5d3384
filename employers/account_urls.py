"""Account URLs under ``/accounts/`` that replace or add to ``django.contrib.auth.urls``.

Included before Django's own, so these names (``login``, ``password_reset``) win.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from employers import views

urlpatterns = [
    path("login/", views.ThrottledLoginView.as_view(), name="login"),
    path("signup/", views.signup, name="signup"),
    path("verify/resend/", views.resend_verification, name="verify_email_resend"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="emails/password_reset.txt",
            html_email_template_name="emails/password_reset.html",
            subject_template_name="emails/password_reset_subject.txt",
            extra_email_context={"SITE_NAME": settings.SITE_NAME},
        ),
        name="password_reset",
    ),
]
