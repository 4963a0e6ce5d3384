"""Account URLs under ``/accounts/`` that replace or add to ``django.contrib.auth.urls``.

Included before Django's own, so these names (``login``, ``password_reset``) win.
"""

from django.urls import path

from employers import views

urlpatterns = [
    path("login/", views.ThrottledLoginView.as_view(), name="login"),
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("verify/resend/", views.resend_verification, name="verify_email_resend"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path(
        "password_reset/",
        views.PasswordResetView.as_view(),
        name="password_reset",
    ),
]
