"""Staff views of screening questions and webhooks; applications are read, not edited here.

Candidates' files are never linked from the admin (they have no URL): staff read an
application's details, and the team works on it in the employer area.
"""

from django.contrib import admin
from django.db import models

from applications.models import Application, ApplicationWebhook, ScreeningQuestion


@admin.register(ScreeningQuestion)
class ScreeningQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "vacancy", "position", "kind", "must_be_yes"]
    list_filter = ["kind", "must_be_yes"]
    list_select_related = ["vacancy"]
    search_fields = ["text", "vacancy__reference", "vacancy__title"]
    autocomplete_fields = ["vacancy"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["id", "vacancy", "status", "submitted_at", "source"]
    list_filter = ["status", "source"]
    list_select_related = ["vacancy"]
    search_fields = ["vacancy__reference", "email"]
    show_full_result_count = False
    fields = [
        "vacancy",
        "status",
        "submitted_at",
        "status_changed_at",
        "source",
        "screening_passed",
        "cv_name",
        "cv_content_type",
        "cv_size",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApplicationWebhook)
class ApplicationWebhookAdmin(admin.ModelAdmin):
    list_display = ["employer", "url", "is_active", "updated_at"]
    list_select_related = ["employer"]
    search_fields = ["employer__name", "url"]
    fields = ["employer", "url", "is_active", "created_at", "updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["employer", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False
