"""Staff views of professions, places, vacancies and alerts, and the moderation queue.

Moderation goes through the services, so approving or rejecting here applies the same rules
as everywhere else and records a ``ModerationDecision`` (who, what, when and why).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.timesince import timesince

from listings import services
from listings.forms import NotStatedSelect, ShiftPatternsField
from listings.models import (
    JobAlert,
    ModerationDecision,
    Place,
    Profession,
    Vacancy,
    VacancyForReview,
)
from listings.search import search_changed


class StaffEditsShowAtOnce:
    """Staff edits and deletions here bypass the services: move the search version after
    each, as the services do, so cached pages and counts (some kept for minutes) drop them."""

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        search_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        search_changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        search_changed()  # after the object and its many-to-many fields (places)


class RejectionForm(forms.Form):
    reason = forms.CharField(
        label="Reason (sent to the employer)",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        max_length=2000,
        help_text="Say what must change before the vacancy can go live.",
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Give the employer a reason for the rejection.")
        return reason


class ModerationActions:
    """Approve and reject actions shared by the review queue and the full vacancy list."""

    @admin.action(description="Approve selected vacancies (they go live now)")
    def approve_selected(self, request, queryset):
        approved, refused = 0, []
        for vacancy in queryset.order_by("created_at", "id"):
            try:
                services.vacancy_approve(vacancy=vacancy, moderator=request.user)
            except ValidationError as exc:
                refused.append(f"{vacancy.reference}: {' '.join(exc.messages)}")
            else:
                approved += 1
        if approved:
            self.message_user(
                request, f"Approved {approved} vacanc{'y' if approved == 1 else 'ies'}."
            )
        for problem in refused:
            self.message_user(request, f"Not approved {problem}", level=messages.ERROR)

    @admin.action(description="Reject selected vacancies (asks for a reason)")
    def reject_selected(self, request, queryset):
        form = RejectionForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            rejected, refused = 0, []
            for vacancy in queryset.order_by("created_at", "id"):
                try:
                    services.vacancy_reject(
                        vacancy=vacancy, moderator=request.user, reason=form.cleaned_data["reason"]
                    )
                except ValidationError as exc:
                    refused.append(f"{vacancy.reference}: {' '.join(exc.messages)}")
                else:
                    rejected += 1
            if rejected:
                self.message_user(
                    request,
                    f"Rejected {rejected} vacanc{'y' if rejected == 1 else 'ies'}; "
                    "the employers are emailed the reason.",
                )
            for problem in refused:
                self.message_user(request, f"Not rejected {problem}", level=messages.ERROR)
            return None
        return TemplateResponse(
            request,
            "admin/listings/reject_vacancies.html",
            {
                **self.admin_site.each_context(request),
                "title": "Reject vacancies",
                "opts": self.model._meta,
                "queryset": queryset.select_related("employer"),
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "action": "reject_selected",
            },
        )


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


@admin.register(VacancyForReview)
class ReviewQueueAdmin(ModerationActions, admin.ModelAdmin):
    """Vacancies waiting for review, oldest first, with approve and reject actions."""

    list_display = [
        "title",
        "reference",
        "employer_link",
        "employer_verified",
        "profession",
        "age",
        "closes_at",
        "preview_link",
    ]
    list_display_links = None
    list_select_related = ["employer", "profession"]
    search_fields = ["title", "reference", "employer__name"]
    ordering = ["created_at", "id"]
    actions = ["approve_selected", "reject_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Vacancy.Status.PENDING_REVIEW)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Decisions go through the actions; a moderator never edits an employer's words.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Employer", ordering="employer__name")
    def employer_link(self, obj):
        url = reverse("admin:employers_employer_change", args=[obj.employer_id])
        return format_html('<a href="{}">{}</a>', url, obj.employer.name)

    @admin.display(description="Verified employer", boolean=True)
    def employer_verified(self, obj):
        return obj.employer.verified

    @admin.display(description="Age", ordering="created_at")
    def age(self, obj):
        return timesince(obj.created_at)

    @admin.display(description="Text")
    def preview_link(self, obj):
        url = reverse("admin:listings_vacancy_change", args=[obj.pk])
        return format_html('<a href="{}">Read it</a>', url)


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    """The record of who moderated what and when; it cannot be edited."""

    list_display = ["created_at", "action", "moderator", "employer", "vacancy", "reason"]
    list_filter = ["action"]
    list_select_related = ["moderator", "employer", "vacancy"]
    search_fields = ["employer__name", "vacancy__reference", "moderator__email", "reason"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VacancyAdminForm(forms.ModelForm):
    """Shift patterns as tick boxes, and yes / no / not stated for the facts that may be unsaid."""

    shifts = ShiftPatternsField(label="Shift patterns")

    class Meta:
        model = Vacancy
        fields = "__all__"  # noqa: DJ007 - the admin shows every field; readonly_fields guard
        widgets = {
            "overtime_offered": NotStatedSelect,
            "dbs_update_service": NotStatedSelect,
            "mileage_paid": NotStatedSelect,
        }


@admin.register(Vacancy)
class VacancyAdmin(StaffEditsShowAtOnce, ModerationActions, admin.ModelAdmin):
    form = VacancyAdminForm
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
    list_filter = [
        "status",
        "profession",
        "contract_type",
        "working_pattern",
        "workplace",
        "pay_band",
        "visa_sponsorship",
        "registration",
        "outcome",
    ]
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
        # The life cycle changes only through the services (the actions above).
        "status",
        "rejection_reason",
        "outcome",
    ]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["approve_selected", "reject_selected"]


@admin.register(JobAlert)
class JobAlertAdmin(admin.ModelAdmin):
    list_display = ["email", "query", "frequency", "confirmed_at", "paused", "last_sent_at"]
    list_filter = ["frequency", "paused"]
    search_fields = ["email", "query"]
