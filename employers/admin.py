"""Staff views of employers, members and invitations, and employer verification.

Verifying an employer goes through ``employers.services.employer_verify`` so every decision
is recorded as a ``ModerationDecision``; the flag itself is read-only in the form.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count

from employers import services
from employers.models import Employer, Invitation, Membership, User
from listings.admin import StaffEditsShowAtOnce


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "email_verified_at", "is_staff"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name", "email_verified_at"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Employer)
class EmployerAdmin(StaffEditsShowAtOnce, admin.ModelAdmin):
    list_display = [
        "name",
        "sector",
        "region",
        "verified",
        "is_active",
        "vacancy_total",
        "created_at",
    ]
    list_filter = ["verified", "is_active", "sector", "region"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["town"]
    readonly_fields = ["verified", "verified_at", "verified_by", "created_at", "updated_at"]
    inlines = [MembershipInline]
    date_hierarchy = "created_at"
    ordering = ["verified", "created_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["verify_selected", "unverify_selected"]

    def _set_verified(self, request, queryset, verified: bool):
        done = 0
        for employer in queryset:
            try:
                services.employer_verify(
                    employer=employer, moderator=request.user, verified=verified
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), level=messages.WARNING)
            else:
                done += 1
        if done:
            state = "verified" if verified else "no longer verified"
            self.message_user(request, f"{done} employer{'s' if done != 1 else ''} {state}.")

    @admin.action(description="Verify selected employers (they publish without review)")
    def verify_selected(self, request, queryset):
        self._set_verified(request, queryset, True)

    @admin.action(description="Withdraw verification of selected employers")
    def unverify_selected(self, request, queryset):
        self._set_verified(request, queryset, False)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(vacancy_total=Count("vacancies"))

    @admin.display(description="Vacancies", ordering="vacancy_total")
    def vacancy_total(self, obj):
        return obj.vacancy_total


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "employer", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "employer__name"]
    autocomplete_fields = ["user", "employer"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "employer", "role", "created_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "employer__name"]
    autocomplete_fields = ["employer"]
    readonly_fields = ["invited_by", "accepted_by", "accepted_at", "created_at"]
