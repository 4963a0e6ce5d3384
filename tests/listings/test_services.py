"""The vacancy life cycle: every allowed and every forbidden transition of the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from employers.models import Employer
from listings import services
from listings.models import ModerationDecision, Vacancy, VacancyRevision
from listings.tasks import expire_vacancies
from tests import factories

pytestmark = pytest.mark.django_db

S = Vacancy.Status
ALL = [S.DRAFT, S.PENDING_REVIEW, S.LIVE, S.CLOSED, S.EXPIRED, S.REJECTED]


def make(status, **kwargs):
    factory = {
        S.DRAFT: factories.VacancyFactory,
        S.PENDING_REVIEW: factories.PendingVacancyFactory,
        S.LIVE: factories.LiveVacancyFactory,
        S.CLOSED: factories.ClosedVacancyFactory,
        S.EXPIRED: factories.ExpiredVacancyFactory,
        S.REJECTED: factories.VacancyFactory,
    }[status]
    if status == S.REJECTED:
        kwargs.setdefault("status", S.REJECTED)
        kwargs.setdefault("rejection_reason", "Add the pay.")
    return factory(**kwargs)


def state(vacancy) -> tuple:
    vacancy = Vacancy.objects.get(pk=vacancy.pk)
    return (vacancy.status, vacancy.published_at, vacancy.closes_at, vacancy.version)


def in_days(days):
    return timezone.now() + timedelta(days=days)


# Which statuses each transition accepts; every other status must be refused.
TRANSITIONS = {
    "publish": ({S.DRAFT, S.REJECTED}, lambda v, staff: services.vacancy_publish(vacancy=v)),
    "approve": (
        {S.PENDING_REVIEW},
        lambda v, staff: services.vacancy_approve(vacancy=v, moderator=staff),
    ),
    "reject": (
        {S.PENDING_REVIEW},
        lambda v, staff: services.vacancy_reject(vacancy=v, moderator=staff, reason="No pay."),
    ),
    "close": ({S.LIVE}, lambda v, staff: services.vacancy_close(vacancy=v)),
    "renew": (
        {S.CLOSED, S.EXPIRED, S.LIVE},  # a live one is extended
        lambda v, staff: services.vacancy_renew(vacancy=v, closes_at=in_days(40)),
    ),
    "delete_draft": ({S.DRAFT}, lambda v, staff: services.vacancy_delete_draft(vacancy=v)),
    "update": (
        {S.DRAFT, S.PENDING_REVIEW, S.LIVE, S.REJECTED},
        lambda v, staff: services.vacancy_update(vacancy=v, title="Changed"),
    ),
}
EXPECTED_AFTER = {
    "publish": S.LIVE,  # a verified employer
    "approve": S.LIVE,
    "reject": S.REJECTED,
    "close": S.CLOSED,
    "renew": S.LIVE,
}

CASES = [(name, status) for name in TRANSITIONS for status in ALL]


@pytest.mark.parametrize(("name", "status"), CASES, ids=[f"{n}-{s}" for n, s in CASES])
def test_transition_table(name, status, admin_user):
    allowed, run = TRANSITIONS[name]
    vacancy = make(status)
    before = state(vacancy)
    if status in allowed:
        run(vacancy, admin_user)
        if name == "delete_draft":
            assert not Vacancy.objects.filter(pk=vacancy.pk).exists()
        elif name == "update":
            vacancy = Vacancy.objects.get(pk=vacancy.pk)
            assert (vacancy.title, vacancy.status, vacancy.version) == ("Changed", status, 2)
        else:
            assert Vacancy.objects.get(pk=vacancy.pk).status == EXPECTED_AFTER[name]
    else:
        with pytest.raises(ValidationError):
            run(vacancy, admin_user)
        assert state(vacancy) == before
        assert not ModerationDecision.objects.exists()
    # The employer's denormalised live count follows every transition.
    employer = Employer.objects.get(pk=vacancy.employer_id)
    assert employer.live_vacancy_count == Vacancy.objects.live().filter(employer=employer).count()


def test_live_counts_follow_the_life_cycle_and_the_expiry_run():
    employer = factories.EmployerFactory(verified=True)
    other = factories.LiveVacancyFactory(employer=employer)
    draft = factories.VacancyFactory(employer=employer)

    def count():
        return Employer.objects.get(pk=employer.pk).live_vacancy_count

    assert count() == 1
    services.vacancy_publish(vacancy=draft)
    assert count() == 2
    services.vacancy_close(vacancy=draft)
    assert count() == 1
    services.vacancy_renew(vacancy=draft, closes_at=in_days(3))
    assert count() == 2
    # Its closing time passes with nobody touching it: the next expiry run recounts.
    Vacancy.objects.filter(pk=other.pk).update(closes_at=in_days(-1) + timedelta(hours=23))
    assert count() == 2
    expire_vacancies.apply()
    assert count() == 1
    assert services.employers_live_counts_refresh() == 0  # nothing left to correct


@pytest.mark.parametrize("status", ALL)
def test_any_vacancy_can_be_duplicated_into_a_draft(status):
    vacancy = make(status, view_count=12, apply_click_count=3)
    vacancy.places.set([factories.place("leeds"), factories.place("york")])
    copy = services.vacancy_duplicate(vacancy=vacancy)
    assert copy.pk != vacancy.pk and copy.reference != vacancy.reference
    assert copy.status == S.DRAFT
    assert (copy.published_at, copy.closes_at, copy.view_count, copy.apply_click_count) == (
        None,
        None,
        0,
        0,
    )
    assert copy.title == vacancy.title
    assert {p.slug for p in copy.places.all()} == {"leeds", "york"}
    assert state(vacancy)[0] == status


class TestPublish:
    def test_verified_employer_goes_live_now(self):
        vacancy = make(S.DRAFT)
        now = timezone.now()
        services.vacancy_publish(vacancy=vacancy, now=now)
        vacancy.refresh_from_db()
        assert (vacancy.status, vacancy.published_at) == (S.LIVE, now)

    def test_unverified_employer_goes_to_review(self):
        vacancy = make(S.DRAFT, employer=factories.EmployerFactory(verified=False))
        services.vacancy_publish(vacancy=vacancy)
        vacancy.refresh_from_db()
        assert (vacancy.status, vacancy.published_at) == (S.PENDING_REVIEW, None)

    def test_republishing_a_rejected_vacancy_clears_the_reason(self):
        vacancy = make(S.REJECTED)
        services.vacancy_publish(vacancy=vacancy)
        vacancy.refresh_from_db()
        assert vacancy.rejection_reason == ""

    def test_unconfirmed_email_is_refused(self):
        vacancy = make(S.DRAFT)
        with pytest.raises(ValidationError, match="Confirm your email"):
            services.vacancy_publish(
                vacancy=vacancy, user=factories.UserFactory(email_verified_at=None)
            )
        assert state(vacancy)[0] == S.DRAFT

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"apply_url": "", "apply_email": ""}, "apply_url"),
            ({"places": []}, "places"),
            ({"closes_at": None}, "closes_at"),
        ],
    )
    def test_missing_details_are_named(self, change, field):
        vacancy = make(S.DRAFT, **change)
        with pytest.raises(ValidationError) as exc:
            services.vacancy_publish(vacancy=vacancy)
        assert field in exc.value.message_dict
        assert state(vacancy)[0] == S.DRAFT

    def test_closing_date_in_the_past_is_refused(self):
        vacancy = make(S.DRAFT, closes_at=in_days(-1))
        with pytest.raises(ValidationError):
            services.vacancy_publish(vacancy=vacancy)

    def test_closing_date_allows_the_whole_last_day_and_no_more(self, settings):
        now = timezone.now()
        last_day = timezone.localtime(now + timedelta(days=settings.VACANCY_MAX_OPEN_DAYS))
        end_of_last_day = last_day.replace(hour=23, minute=59, second=0, microsecond=0)
        ok = make(S.DRAFT, closes_at=end_of_last_day)
        services.vacancy_publish(vacancy=ok, now=now)
        too_late = make(S.DRAFT, closes_at=end_of_last_day + timedelta(minutes=2))
        with pytest.raises(ValidationError, match="at most"):
            services.vacancy_publish(vacancy=too_late, now=now)


class TestModeration:
    def test_approve_records_who_and_when(self, admin_user):
        vacancy = make(S.PENDING_REVIEW)
        now = timezone.now()
        services.vacancy_approve(vacancy=vacancy, moderator=admin_user, now=now)
        vacancy.refresh_from_db()
        assert (vacancy.status, vacancy.published_at) == (S.LIVE, now)
        decision = ModerationDecision.objects.get()
        assert (decision.action, decision.moderator, decision.vacancy) == (
            "approve",
            admin_user,
            vacancy,
        )

    def test_re_approval_keeps_the_first_publication(self, admin_user):
        """A vacancy that was public keeps its "Posted" date, so alerts never resend it."""
        first = in_days(-10)
        vacancy = make(S.PENDING_REVIEW, published_at=first)
        services.vacancy_approve(vacancy=vacancy, moderator=admin_user)
        assert state(vacancy)[:2] == (S.LIVE, first)

    def test_approve_emails_the_team_with_the_link(
        self, admin_user, django_capture_on_commit_callbacks, settings
    ):
        vacancy = make(S.PENDING_REVIEW)
        factories.MembershipFactory(employer=vacancy.employer, user__email="boss@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            services.vacancy_approve(vacancy=vacancy, moderator=admin_user)
        vacancy.refresh_from_db()
        (message,) = mail.outbox
        assert message.to == ["boss@example.org"]
        assert message.subject == f"Your vacancy is live: {vacancy.title} ({vacancy.reference})"
        assert f"{settings.SITE_URL}{vacancy.get_absolute_url()}" in message.body

    def test_approving_new_wording_applies_it_and_keeps_the_vacancy_up(
        self, admin_user, django_capture_on_commit_callbacks
    ):
        vacancy = make(S.LIVE, employer=factories.EmployerFactory(verified=False))
        factories.MembershipFactory(employer=vacancy.employer, user__email="boss@example.org")
        before = state(vacancy)
        services.vacancy_update(
            vacancy=vacancy, title="Senior Social Worker", places=[factories.place("york")]
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.vacancy_approve(vacancy=vacancy, moderator=admin_user)
        fresh = Vacancy.objects.get(pk=vacancy.pk)
        assert (fresh.status, fresh.published_at) == (S.LIVE, before[1])
        assert (fresh.title, fresh.slug) == ("Senior Social Worker", "senior-social-worker")
        assert list(fresh.places.values_list("slug", flat=True)) == ["york"]
        assert not VacancyRevision.objects.exists()
        assert ModerationDecision.objects.get().action == "approve"
        assert mail.outbox[0].subject.startswith("Your changes are live")

    def test_rejecting_new_wording_discards_it_and_keeps_the_vacancy_up(
        self, admin_user, django_capture_on_commit_callbacks
    ):
        vacancy = make(S.LIVE, employer=factories.EmployerFactory(verified=False))
        factories.MembershipFactory(employer=vacancy.employer, user__email="boss@example.org")
        services.vacancy_update(vacancy=vacancy, description="Visit my spam site")
        with django_capture_on_commit_callbacks(execute=True):
            services.vacancy_reject(vacancy=vacancy, moderator=admin_user, reason="No links.")
        fresh = Vacancy.objects.get(pk=vacancy.pk)
        assert (fresh.status, fresh.description) == (S.LIVE, vacancy.description)
        assert not VacancyRevision.objects.exists()
        assert ModerationDecision.objects.get().reason == "No links."
        (message,) = mail.outbox
        assert message.subject.startswith("Changes not approved")
        assert "No links." in message.body and "still on the site" in message.body

    def test_approve_refuses_a_passed_closing_date(self, admin_user):
        vacancy = make(S.PENDING_REVIEW, closes_at=in_days(-1))
        with pytest.raises(ValidationError):
            services.vacancy_approve(vacancy=vacancy, moderator=admin_user)
        assert state(vacancy)[0] == S.PENDING_REVIEW

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_reject_needs_a_reason(self, admin_user, reason):
        vacancy = make(S.PENDING_REVIEW)
        with pytest.raises(ValidationError):
            services.vacancy_reject(vacancy=vacancy, moderator=admin_user, reason=reason)
        assert state(vacancy)[0] == S.PENDING_REVIEW
        assert not ModerationDecision.objects.exists()

    def test_reject_emails_the_team_with_the_edit_link(
        self, admin_user, django_capture_on_commit_callbacks, settings
    ):
        vacancy = make(S.PENDING_REVIEW)
        factories.MembershipFactory(employer=vacancy.employer, user__email="boss@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            services.vacancy_reject(vacancy=vacancy, moderator=admin_user, reason="Add the pay.")
        vacancy.refresh_from_db()
        assert (vacancy.status, vacancy.rejection_reason) == (S.REJECTED, "Add the pay.")
        assert ModerationDecision.objects.get().reason == "Add the pay."
        message = mail.outbox[0]
        assert message.to == ["boss@example.org"]
        assert "Add the pay." in message.body
        assert f"{settings.SITE_URL}/employer/vacancies/{vacancy.reference}/edit/" in message.body


class TestCloseAndRenew:
    def test_close_ends_it_now(self):
        vacancy = make(S.LIVE)
        now = timezone.now()
        services.vacancy_close(vacancy=vacancy, now=now)
        vacancy.refresh_from_db()
        assert (vacancy.status, vacancy.closed_at, vacancy.closes_at) == (S.CLOSED, now, now)
        assert not Vacancy.objects.live().filter(pk=vacancy.pk).exists()

    def test_renew_keeps_counters_and_reference(self):
        vacancy = make(S.EXPIRED, view_count=50, apply_click_count=5)
        closes = in_days(10)
        services.vacancy_renew(vacancy=vacancy, closes_at=closes)
        renewed = Vacancy.objects.get(pk=vacancy.pk)
        assert (renewed.status, renewed.closes_at, renewed.expired_at) == (S.LIVE, closes, None)
        assert (renewed.view_count, renewed.apply_click_count) == (50, 5)
        assert renewed.reference == vacancy.reference
        assert Vacancy.objects.live().filter(pk=vacancy.pk).exists()

    def test_renew_by_an_unverified_employer_goes_live_at_once(self):
        """Its approved wording was public already: a new date is a fact, never a 404."""
        vacancy = make(S.CLOSED, employer=factories.EmployerFactory(verified=False))
        published = vacancy.published_at
        services.vacancy_renew(vacancy=vacancy, closes_at=in_days(10))
        assert state(vacancy)[:2] == (S.LIVE, published)
        assert Vacancy.objects.live().filter(pk=vacancy.pk).exists()

    def test_a_live_vacancy_near_its_closing_date_is_extended(self):
        vacancy = make(
            S.LIVE, closes_at=in_days(2), employer=factories.EmployerFactory(verified=False)
        )
        closes = in_days(30)
        services.vacancy_renew(vacancy=vacancy, closes_at=closes)
        assert state(vacancy)[:3] == (S.LIVE, vacancy.published_at, closes)

    def test_extending_needs_a_later_date(self):
        vacancy = make(S.LIVE, closes_at=in_days(20))
        with pytest.raises(ValidationError, match="after the current closing date"):
            services.vacancy_renew(vacancy=vacancy, closes_at=in_days(10))
        assert state(vacancy)[2] == vacancy.closes_at

    def test_a_draft_cannot_be_renewed(self):
        with pytest.raises(ValidationError):
            services.vacancy_renew(vacancy=make(S.DRAFT), closes_at=in_days(10))

    def test_renew_too_long_after_closing_is_refused(self, settings):
        gone = in_days(-(settings.VACANCY_RENEW_WITHIN_DAYS + 1))
        vacancy = make(
            S.CLOSED, published_at=gone - timedelta(days=5), closes_at=gone, closed_at=gone
        )
        with pytest.raises(ValidationError, match="Duplicate"):
            services.vacancy_renew(vacancy=vacancy, closes_at=in_days(10))
        assert state(vacancy)[0] == S.CLOSED

    @pytest.mark.parametrize("days", [-1, 365])
    def test_renew_needs_a_valid_closing_date(self, days):
        vacancy = make(S.CLOSED)
        with pytest.raises(ValidationError):
            services.vacancy_renew(vacancy=vacancy, closes_at=in_days(days))
        assert state(vacancy)[0] == S.CLOSED


class TestUpdate:
    def test_stale_version_is_a_conflict(self):
        vacancy = make(S.DRAFT)
        services.vacancy_update(vacancy=vacancy, expected_version=1, title="First")
        with pytest.raises(ValidationError) as exc:
            services.vacancy_update(vacancy=vacancy, expected_version=1, title="Second")
        assert exc.value.code == "conflict"
        assert Vacancy.objects.get(pk=vacancy.pk).title == "First"

    def test_owned_fields_cannot_be_set(self):
        vacancy = make(S.DRAFT)
        with pytest.raises(ValidationError, match="cannot be set"):
            services.vacancy_update(vacancy=vacancy, status=S.LIVE)
        with pytest.raises(ValidationError, match="cannot be set"):
            services.vacancy_create(employer=vacancy.employer, view_count=10**6)

    def test_invalid_content_saves_nothing(self):
        vacancy = make(S.DRAFT)
        with pytest.raises(ValidationError):
            services.vacancy_update(vacancy=vacancy, salary_min=50_000, salary_max=1)
        assert Vacancy.objects.get(pk=vacancy.pk).salary_min == vacancy.salary_min

    def test_live_closing_date_stays_within_the_limit(self):
        vacancy = make(S.LIVE)
        before = state(vacancy)
        with pytest.raises(ValidationError):
            services.vacancy_update(vacancy=vacancy, closes_at=in_days(400))
        assert state(vacancy) == before

    def test_unverified_employer_changing_facts_applies_them_at_once(self):
        vacancy = make(S.LIVE, employer=factories.EmployerFactory(verified=False))
        services.vacancy_update(
            vacancy=vacancy, title=vacancy.title, salary_min=36_000, closes_at=in_days(5)
        )
        fresh = Vacancy.objects.get(pk=vacancy.pk)
        assert (fresh.status, fresh.salary_min) == (S.LIVE, 36_000)
        assert not VacancyRevision.objects.exists()

    def test_unverified_employer_new_wording_waits_while_the_approved_version_stays_live(self):
        vacancy = make(S.LIVE, employer=factories.EmployerFactory(verified=False))
        before = Vacancy.objects.get(pk=vacancy.pk)
        services.vacancy_update(
            vacancy=vacancy, description="Visit my spam site", salary_max=50_000
        )
        fresh = Vacancy.objects.get(pk=vacancy.pk)
        assert (fresh.status, fresh.published_at) == (S.LIVE, before.published_at)
        assert fresh.description == before.description  # seekers keep the approved words
        assert fresh.salary_max == 50_000  # a fact: at once
        assert Vacancy.objects.live().filter(pk=vacancy.pk).exists()
        revision = VacancyRevision.objects.get(vacancy=vacancy)
        assert revision.description == "Visit my spam site"
        assert revision.title == before.title

    def test_unverified_employer_changing_how_to_apply_waits_for_review(self):
        vacancy = make(S.LIVE, employer=factories.EmployerFactory(verified=False))
        before = Vacancy.objects.get(pk=vacancy.pk)
        services.vacancy_update(
            vacancy=vacancy, apply_method="email", apply_url="", apply_email="jobs@example.org"
        )
        fresh = Vacancy.objects.get(pk=vacancy.pk)
        # Seekers keep applying the approved way: never a method without its address.
        assert (fresh.apply_method, fresh.apply_url, fresh.apply_email) == (
            before.apply_method,
            before.apply_url,
            before.apply_email,
        )
        revision = VacancyRevision.objects.get(vacancy=vacancy)
        assert (revision.apply_method, revision.apply_email) == ("email", "jobs@example.org")

    def test_unverified_employer_changing_places_waits_for_review(self):
        vacancy = make(S.LIVE, employer=factories.EmployerFactory(verified=False))
        services.vacancy_update(vacancy=vacancy, places=[factories.place("leeds")])
        assert not VacancyRevision.objects.exists()
        services.vacancy_update(vacancy=vacancy, places=[factories.place("york")])
        assert state(vacancy)[0] == S.LIVE
        assert list(vacancy.places.values_list("slug", flat=True)) == ["leeds"]
        revision = VacancyRevision.objects.get(vacancy=vacancy)
        assert list(revision.places.values_list("slug", flat=True)) == ["york"]

    def test_a_later_edit_replaces_the_waiting_wording_and_the_approved_one_withdraws_it(self):
        vacancy = make(S.LIVE, employer=factories.EmployerFactory(verified=False))
        approved = vacancy.title
        services.vacancy_update(vacancy=vacancy, title="Senior Social Worker")
        services.vacancy_update(vacancy=vacancy, description="Longer words")
        revision = VacancyRevision.objects.get(vacancy=vacancy)  # still one
        assert (revision.title, revision.description) == ("Senior Social Worker", "Longer words")
        services.vacancy_update(
            vacancy=vacancy,
            title=approved,
            description=Vacancy.objects.get(pk=vacancy.pk).description,
        )
        assert not VacancyRevision.objects.exists()

    def test_line_endings_are_not_a_change_of_wording(self):
        """Browsers send textarea text with CRLF; an API client sent it with LF."""
        employer = factories.EmployerFactory(verified=False)
        vacancy = make(S.LIVE, employer=employer, description="Line one.\n\n- a\n- b")
        services.vacancy_update(
            vacancy=vacancy, description="Line one.\r\n\r\n- a\r\n- b", closes_at=in_days(9)
        )
        assert not VacancyRevision.objects.exists()
        assert Vacancy.objects.get(pk=vacancy.pk).description == "Line one.\n\n- a\n- b"
        created = services.vacancy_create(
            employer=employer, title="T", description="A\r\nB", profession=vacancy.profession
        )
        assert created.description == "A\nB"

    def test_a_live_vacancy_keeps_its_wording_complete(self):
        vacancy = make(S.LIVE)
        with pytest.raises(ValidationError):
            services.vacancy_update(vacancy=vacancy, description="   ")
        assert Vacancy.objects.get(pk=vacancy.pk).description == vacancy.description

    def test_verified_employer_edit_applies_a_waiting_revision_too(self):
        vacancy = make(S.LIVE, employer=factories.EmployerFactory(verified=False))
        services.vacancy_update(vacancy=vacancy, title="New title")
        Employer.objects.filter(pk=vacancy.employer_id).update(verified=True)
        services.vacancy_update(vacancy=vacancy, salary_min=30_000)
        fresh = Vacancy.objects.get(pk=vacancy.pk)
        assert (fresh.title, fresh.salary_min, fresh.slug) == ("New title", 30_000, "new-title")
        assert not VacancyRevision.objects.exists()

    def test_verified_employer_edits_stay_live(self):
        vacancy = make(S.LIVE)
        services.vacancy_update(vacancy=vacancy, description="Better words")
        assert state(vacancy)[0] == S.LIVE

    def test_draft_that_was_published_cannot_be_deleted(self):
        vacancy = make(S.DRAFT, published_at=in_days(-3))
        with pytest.raises(ValidationError):
            services.vacancy_delete_draft(vacancy=vacancy)
        assert Vacancy.objects.filter(pk=vacancy.pk).exists()
