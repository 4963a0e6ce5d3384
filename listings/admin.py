"""Staff views of professions, places, vacancies and alerts."""

from django.contrib import admin

from listings.models import JobAlert, Place, Profession, Vacancy


@admin.register(Profession)
class ProfessionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "sort_order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "nation", "lat", "lng", "slug"]
    list_filter = ["nation"]
    search_fields = ["name", "county", "slug"]


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "reference",
        "employer",
        "profession",
        "status",
        "published_at",
        "closes_at",
        "view_count",
        "apply_click_count",
    ]
    list_filter = ["status", "profession", "contract_type", "working_pattern", "workplace"]
    list_select_related = ["employer", "profession"]
    search_fields = ["title", "reference", "employer__name"]
    autocomplete_fields = ["employer", "places"]
    readonly_fields = [
        "reference",
        "salary_annual_min",
        "salary_annual_max",
        "view_count",
        "apply_click_count",
        "created_by",
        "created_at",
        "updated_at",
        "version",
    ]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(JobAlert)
class JobAlertAdmin(admin.ModelAdmin):
    list_display = ["email", "query", "frequency", "confirmed_at", "paused", "last_sent_at"]
    list_filter = ["frequency", "paused"]
    search_fields = ["email", "query"]
