from django.urls import path

from employers import views

app_name = "employers"

urlpatterns = [
    path("employers/", views.directory, name="directory"),
    path("employers/<slug:slug>/", views.employer_detail, name="detail"),
    path("employer/", views.dashboard, name="dashboard"),
]
