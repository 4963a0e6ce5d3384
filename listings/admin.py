"""Staff views of professions, places, vacancies and alerts, and the moderation queue.

Moderation goes through the services, so approving or rejecting here applies the same rules
as everywhere else and records a ``ModerationDecision`` (who, what, when and why).
"""

import difflib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from common.forms import https_urls
from listings import services
from listings.forms import NotStatedSelect, ShiftPatternsField
from listings.models import (
    REVIEWED_FIELDS,
    JobAlert,
    ModerationDecision,
    Place,
    Profession,
    Vacancy,
    VacancyForReview,
    VacancyRevision,
)
from listings.search import place_label, search_changed


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

    @admin.action(
        description="Approve selected (new vacancies go live; new wording replaces the old)"
    )
    def approve_selected(self, request, queryset):
        approved, refused = 0, []
        for vacancy in queryset.order_by("id"):
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
            for vacancy in queryset.order_by("id"):
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


class ReviewKindFilter(admin.SimpleListFilter):
    title = "what waits"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [("new", "A new vacancy"), ("change", "New wording of a live vacancy")]

    def queryset(self, request, queryset):
        if self.value() == "new":
            return queryset.filter(status=Vacancy.Status.PENDING_REVIEW)
        if self.value() == "change":
            return queryset.exclude(status=Vacancy.Status.PENDING_REVIEW)
        return queryset


class EmployerVerifiedFilter(admin.SimpleListFilter):
    title = "organisation"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("no", "Not verified yet"), ("yes", "Verified by staff")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(employer__verified=self.value() == "yes")
        return queryset


class FirstVacancyFilter(admin.SimpleListFilter):
    title = "employer's first vacancy"
    parameter_name = "first"

    def lookups(self, request, model_admin):
        return [("yes", "Its first vacancy"), ("no", "It has published before")]

    def queryset(self, request, queryset):
        published_before = Exists(
            Vacancy.objects.filter(
                employer=OuterRef("employer"), published_at__isnull=False
            ).exclude(pk=OuterRef("pk"))
        )
        if self.value() == "yes":
            return queryset.filter(~published_before, published_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(Q(published_before) | Q(published_at__isnull=False))
        return queryset


def _line_diff(before: str, after: str) -> str:
    """Two texts line by line: removed lines in <del>, added ones in <ins>, the rest as is."""
    rows = []
    for line in difflib.ndiff((before or "").splitlines(), (after or "").splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "- ":
            rows.append(format_html('<del class="diff-del">{}</del>', text or " "))
        elif tag == "+ ":
            rows.append(format_html('<ins class="diff-ins">{}</ins>', text or " "))
        elif tag == "  ":
            rows.append(format_html('<span class="diff-same">{}</span>', text or " "))
    return mark_safe("\n".join(rows))  # noqa: S308 - every part is escaped by format_html


def review_changes(vacancy: Vacancy) -> list[dict]:
    """What a revision changes, field by field, with a line diff: the reviewer's view."""
    revision = VacancyRevision.objects.filter(vacancy=vacancy).first()
    if revision is None:
        return []
    labels = {name: Vacancy._meta.get_field(name).verbose_name for name in REVIEWED_FIELDS}
    changes = []
    for name in REVIEWED_FIELDS:
        before, after = getattr(vacancy, name), getattr(revision, name)
        if before != after:
            changes.append(
                {"label": labels[name], "diff": _line_diff(str(before or ""), str(after or ""))}
            )
    # The one place label: a shared name says which one it is ("Newport, Wales").
    before = ", ".join(place_label(p) for p in vacancy.places.all())
    after = ", ".join(place_label(p) for p in revision.places.all())
    if before != after:
        changes.append({"label": "places", "diff": _line_diff(before, after)})
    return changes


# When something started waiting: new wording when it was saved, a vacancy when it was sent.
WAITING_SINCE = Coalesce("pending_revision__updated_at", "updated_at")


@admin.register(VacancyForReview)
class ReviewQueueAdmin(ModerationActions, admin.ModelAdmin):
    """New vacancies and new wording of live ones waiting for review, newest first.

    Filters (with counts) find a new employer's first vacancy; the search takes a reference;
    "Review" shows the text, or what a change changes, with the decision buttons.
    """

    list_display = [
        "title",
        "reference",
        "what",
        "employer_link",
        "employer_verified",
        "profession",
        "age",
        "closes_at",
        "review_link",
    ]
    list_display_links = None
    list_select_related = ["employer", "profession", "pending_revision"]
    list_filter = [ReviewKindFilter, EmployerVerifiedFilter, FirstVacancyFilter]
    search_fields = ["=reference", "title", "employer__name"]
    show_facets = admin.ShowFacets.ALWAYS
    actions = ["approve_selected", "reject_selected"]

    def get_ordering(self, request):
        # Newest first, so a new employer's first vacancy is on top, not after 100 rows.
        return [WAITING_SINCE.desc(), "-id"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(Q(status=Vacancy.Status.PENDING_REVIEW) | Q(pending_revision__isnull=False))
        )

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="{}_{}_review".format(*info),
            ),
            *super().get_urls(),
        ]

    def review_view(self, request, pk):
        """One vacancy as the reviewer needs it: the changes of a revision, or the text."""
        vacancy = (
            self.get_queryset(request)
            .select_related("employer", "profession")
            .filter(pk=pk)
            .first()
        )
        if vacancy is None:
            raise Http404("Nothing of this vacancy waits for review.")
        return TemplateResponse(
            request,
            "admin/listings/review_vacancy.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Review {vacancy.title} ({vacancy.reference})",
                "opts": self.model._meta,
                "vacancy": vacancy,
                "changes": review_changes(vacancy),
                "is_change": vacancy.status != Vacancy.Status.PENDING_REVIEW,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Decisions go through the actions; a moderator never edits an employer's words.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="What waits")
    def what(self, obj):
        if obj.status == Vacancy.Status.PENDING_REVIEW:
            return "New vacancy"
        return "New wording (the approved version is live)"

    @admin.display(description="Employer", ordering="employer__name")
    def employer_link(self, obj):
        url = reverse("admin:employers_employer_change", args=[obj.employer_id])
        return format_html('<a href="{}">{}</a>', url, obj.employer.name)

    @admin.display(description="Verified organisation", boolean=True)
    def employer_verified(self, obj):
        return obj.employer.verified

    @admin.display(description="Waiting for", ordering=WAITING_SINCE)
    def age(self, obj):
        try:
            return timesince(obj.pending_revision.updated_at)
        except VacancyRevision.DoesNotExist:
            return timesince(obj.updated_at)

    @admin.display(description="Review")
    def review_link(self, obj):
        url = reverse("admin:listings_vacancyforreview_review", args=[obj.pk])
        return format_html('<a href="{}">Review {}</a>', url, obj.reference)


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
        formfield_callback = https_urls
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
