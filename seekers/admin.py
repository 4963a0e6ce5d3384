"""Staff views of seekers and the review queue of reported jobs.

A report's decision goes through ``seekers.services.vacancy_report_review``; the vacancy
itself is acted on from its own admin page (reject, close) as any other moderation.
"""

from django.contrib import admin, messages
from django.utils.html import format_html

from seekers import services
from seekers.models import Seeker, VacancyReport


@admin.register(Seeker)
class SeekerAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(VacancyReport)
class VacancyReportAdmin(admin.ModelAdmin):
    """The queue: open reports first, oldest first."""

    list_display = ["created_at", "vacancy_link", "reason", "outcome", "reviewed_by"]
    list_filter = ["outcome", "reason"]
    search_fields = ["vacancy__reference", "vacancy__title", "details"]
    readonly_fields = [
        "vacancy",
        "reason",
        "details",
        "email",
        "created_at",
        "outcome",
        "reviewed_at",
        "reviewed_by",
    ]
    actions = ["mark_acted", "mark_dismissed"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("vacancy", "reviewed_by")

    def get_ordering(self, request):
        return ["-outcome", "created_at"]  # open, then dismissed, then acted

    def has_add_permission(self, request):
        return False

    @admin.display(description="Vacancy")
    def vacancy_link(self, report):
        return format_html(
            '<a href="{}">{} ({})</a>',
            report.vacancy.get_absolute_url(),
            report.vacancy.title,
            report.vacancy.reference,
        )

    def _review(self, request, queryset, outcome):
        for report in queryset:
            services.vacancy_report_review(report=report, outcome=outcome, by=request.user)
        messages.success(request, f"{queryset.count()} report(s) marked.")

    @admin.action(description="Mark as acted on")
    def mark_acted(self, request, queryset):
        self._review(request, queryset, VacancyReport.Outcome.ACTED)

    @admin.action(description="Mark as dismissed")
    def mark_dismissed(self, request, queryset):
        self._review(request, queryset, VacancyReport.Outcome.DISMISSED)
