from django.urls import path

from listings import views

app_name = "listings"

urlpatterns = [
    path("jobs/", views.search, name="search"),
    path("jobs/<slug:profession>/", views.search, name="profession"),
    path("jobs/<slug:profession>/in/<slug:place>/", views.search, name="profession_place"),
    path("vacancies/<str:reference>/apply/", views.vacancy_apply, name="apply"),
    path("vacancies/<str:reference>/<slug:slug>/", views.vacancy_detail, name="vacancy"),
    path("vacancies/<str:reference>/", views.vacancy_detail, name="vacancy_short"),
    path("places/autocomplete/", views.place_autocomplete, name="place_autocomplete"),
]
