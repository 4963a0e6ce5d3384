"""The self-service area and the accounts pages through the test client."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from rest_framework.authtoken.models import Token

from employers import selectors
from employers.models import Employer, Membership, User
from employers.permissions import SESSION_KEY
from listings.models import TrafficSource, Vacancy, VacancyRevision, VacancyTraffic
from tests import factories

pytestmark = pytest.mark.django_db


def vacancy_data(**overrides) -> dict:
    data = {
        "title": "Care Worker - Nights",
        "profession": factories.profession("care-worker").pk,
        "places": "Leeds, Bradford",
        "description": "Support people to live well at home.\n\n- Paid training",
        "workplace": "on_site",
        "contract_type": "permanent",
        "working_pattern": "full_time",
        "hours_per_week": "37.5",
        "salary_min": "24000",
        "salary_max": "26000",
        "salary_period": "year",
        "closes_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        "apply_url": "https://example.org/apply",
        "apply_email": "",
        "next": "edit",
    }
    data.update(overrides)
    return data


class TestVacancyCreate:
    def test_valid_form_saves_a_draft_with_places(self, owner_client, employer, owner):
        response = owner_client.post(reverse("employers:vacancy_create"), vacancy_data())
        vacancy = Vacancy.objects.get(employer=employer)
        assert response.status_code == 302
        assert response["Location"] == reverse("employers:vacancy_edit", args=[vacancy.reference])
        assert vacancy.status == Vacancy.Status.DRAFT
        assert vacancy.created_by == owner
        assert sorted(p.slug for p in vacancy.places.all()) == ["bradford", "leeds"]
        closes = timezone.localtime(vacancy.closes_at)
        assert (closes.hour, closes.minute) == (23, 59)

    def test_save_and_preview_goes_to_the_preview(self, owner_client, employer):
        response = owner_client.post(
            reverse("employers:vacancy_create"), vacancy_data(next="preview")
        )
        vacancy = Vacancy.objects.get(employer=employer)
        assert response["Location"] == reverse(
            "employers:vacancy_preview", args=[vacancy.reference]
        )

    def test_form_page_renders(self, owner_client):
        response = owner_client.get(reverse("employers:vacancy_create"))
        assert response.status_code == 200
        assert b'list="place-options"' in response.content


class TestVacancyEdit:
    def test_edit_saves_and_bumps_version(self, owner_client, draft_vacancy):
        url = reverse("employers:vacancy_edit", args=[draft_vacancy.reference])
        page = owner_client.get(url)
        assert page.status_code == 200
        assert f'name="version" value="{draft_vacancy.version}"'.encode() in page.content
        response = owner_client.post(
            url, vacancy_data(title="Senior Care Worker", version=draft_vacancy.version)
        )
        assert response.status_code == 302
        draft_vacancy.refresh_from_db()
        assert draft_vacancy.title == "Senior Care Worker"
        assert draft_vacancy.version == 2

    def test_a_colleague_saving_first_is_a_clear_conflict(self, owner_client, draft_vacancy):
        url = reverse("employers:vacancy_edit", args=[draft_vacancy.reference])
        stale_version = draft_vacancy.version
        Vacancy.objects.filter(pk=draft_vacancy.pk).update(title="Colleague's title", version=2)
        response = owner_client.post(url, vacancy_data(title="Mine", version=stale_version))
        assert response.status_code == 409
        assert "Someone else saved this vacancy" in response.content.decode()
        assert "Open the latest version" in response.content.decode()
        # Their words are kept in the form so nothing typed is lost.
        assert 'value="Mine"' in response.content.decode()
        draft_vacancy.refresh_from_db()
        assert draft_vacancy.title == "Colleague's title"

    def test_editing_a_live_vacancy_of_an_unverified_employer_never_takes_it_down(
        self, owner_client, client, employer
    ):
        Employer.objects.filter(pk=employer.pk).update(verified=False)
        vacancy = factories.LiveVacancyFactory(employer=employer, title="Care Worker - Nights")
        public = vacancy.get_absolute_url()
        url = reverse("employers:vacancy_edit", args=[vacancy.reference])
        page = owner_client.get(url).content.decode()
        # The rule is said before saving.
        assert "This vacancy stays live while you edit it." in page
        assert "checked by our team first" in page
        assert "as soon as you save" in page
        data = vacancy_data(
            places="Leeds",
            profession=vacancy.profession_id,
            description=vacancy.description.replace("\n", "\r\n"),
            salary_min="25000",
            version=vacancy.version,
        )
        # Facts only (pay): at once.
        assert owner_client.post(url, data).status_code == 302
        vacancy.refresh_from_db()
        assert (vacancy.status, vacancy.salary_min) == (Vacancy.Status.LIVE, 25000)
        assert not VacancyRevision.objects.exists()
        # New wording: waits, and the approved version stays up.
        data.update(title="Senior Care Worker - Nights", version=vacancy.version)
        response = owner_client.post(url, data, follow=True)
        assert "waiting for our team to check it" in response.content.decode()
        vacancy.refresh_from_db()
        assert vacancy.status == Vacancy.Status.LIVE
        seen = client.get(public)
        assert seen.status_code == 200
        assert "Senior Care Worker" not in seen.content.decode()
        # The editor goes on from the new wording, and can withdraw it.
        page = owner_client.get(url).content.decode()
        assert 'value="Senior Care Worker - Nights"' in page
        assert "Your new wording is waiting for review" in page
        owner_client.post(reverse("employers:vacancy_withdraw_change", args=[vacancy.reference]))
        assert not VacancyRevision.objects.exists()
        assert client.get(public).status_code == 200

    def test_a_date_only_edit_of_an_api_created_vacancy_is_not_a_change_of_wording(
        self, owner_client, owner, employer
    ):
        """The API sent LF line endings; the browser sends the same text back with CRLF."""
        from rest_framework.test import APIClient

        Employer.objects.filter(pk=employer.pk).update(verified=True)
        api = APIClient()
        api.force_authenticate(owner)
        created = api.post(
            "/api/v1/employer/vacancies/",
            {
                "title": "Support Worker",
                "profession": "support-worker",
                "description": "We support adults.\n\n- Paid training\n- Free parking",
                "places": ["leeds"],
                "apply_url": "https://example.org/apply",
                "closes_at": (timezone.now() + timedelta(days=10)).isoformat(),
            },
            format="json",
        ).json()
        api.post(f"/api/v1/employer/vacancies/{created['reference']}/publish/")
        Employer.objects.filter(pk=employer.pk).update(verified=False)
        vacancy = Vacancy.objects.get(reference=created["reference"])
        assert vacancy.status == Vacancy.Status.LIVE
        url = reverse("employers:vacancy_edit", args=[vacancy.reference])
        form = owner_client.get(url).context["form"]
        data = {
            name: form[name].value()
            for name in form.fields
            if form[name].value() not in (None, False)
        }
        data["description"] = data["description"].replace("\n", "\r\n")
        data["closes_on"] = (timezone.localdate() + timedelta(days=20)).isoformat()
        data["next"] = "edit"
        assert owner_client.post(url, data).status_code == 302
        vacancy.refresh_from_db()
        assert timezone.localtime(vacancy.closes_at).date() == timezone.localdate() + timedelta(
            days=20
        )
        assert not VacancyRevision.objects.exists()
        assert "\r" not in vacancy.description

    def test_closed_vacancy_edit_goes_to_renew(self, owner_client, employer):
        closed = factories.ClosedVacancyFactory(employer=employer)
        response = owner_client.get(reverse("employers:vacancy_edit", args=[closed.reference]))
        assert response["Location"] == reverse("employers:vacancy_renew", args=[closed.reference])

    def test_lowercase_reference_is_found(self, owner_client, draft_vacancy):
        url = reverse("employers:vacancy_edit", args=[draft_vacancy.reference.lower()])
        assert owner_client.get(url).status_code == 200


class TestPreviewAndPublish:
    def test_preview_renders_the_seeker_page_with_actions(self, owner_client, draft_vacancy):
        response = owner_client.get(
            reverse("employers:vacancy_preview", args=[draft_vacancy.reference])
        )
        assert response.status_code == 200
        names = [t.name for t in response.templates]
        assert "listings/vacancy_detail.html" in names
        assert response.context["preview"] is True
        content = response.content.decode()
        assert "this is how seekers will see your vacancy" in content
        assert escape(draft_vacancy.title) in content
        assert reverse("employers:vacancy_publish", args=[draft_vacancy.reference]) in content

    def test_preview_lists_what_stops_publishing(self, owner_client, employer):
        vacancy = factories.VacancyFactory(employer=employer, apply_url="", places=[])
        response = owner_client.get(reverse("employers:vacancy_preview", args=[vacancy.reference]))
        content = response.content.decode()
        assert "Before you can publish" in content
        assert "Choose at least one place." in content
        assert reverse("employers:vacancy_publish", args=[vacancy.reference]) not in content

    def test_verified_employer_publishes_live(self, owner_client, draft_vacancy):
        response = owner_client.post(
            reverse("employers:vacancy_publish", args=[draft_vacancy.reference])
        )
        assert response.status_code == 302
        draft_vacancy.refresh_from_db()
        assert draft_vacancy.status == Vacancy.Status.LIVE

    def test_preview_says_submit_for_review_when_it_goes_to_review(
        self, owner_client, employer, draft_vacancy
    ):
        url = reverse("employers:vacancy_preview", args=[draft_vacancy.reference])
        assert ">Publish</button>" in owner_client.get(url).content.decode()
        Employer.objects.filter(pk=employer.pk).update(verified=False)
        page = owner_client.get(url).content.decode()
        assert ">Submit for review</button>" in page and ">Publish</button>" not in page

    def test_unverified_employer_goes_to_review(self, owner_client, employer, draft_vacancy):
        Employer.objects.filter(pk=employer.pk).update(verified=False)
        owner_client.post(reverse("employers:vacancy_publish", args=[draft_vacancy.reference]))
        draft_vacancy.refresh_from_db()
        assert draft_vacancy.status == Vacancy.Status.PENDING_REVIEW

    def test_unconfirmed_email_cannot_publish(self, owner_client, owner, draft_vacancy):
        User.objects.filter(pk=owner.pk).update(email_verified_at=None)
        response = owner_client.post(
            reverse("employers:vacancy_publish", args=[draft_vacancy.reference]), follow=True
        )
        draft_vacancy.refresh_from_db()
        assert draft_vacancy.status == Vacancy.Status.DRAFT
        assert "Confirm your email address before publishing." in response.content.decode()

    def test_publish_needs_post(self, owner_client, draft_vacancy):
        url = reverse("employers:vacancy_publish", args=[draft_vacancy.reference])
        assert owner_client.get(url).status_code == 405


class TestCloseRenewDuplicateDelete:
    def test_close_asks_then_closes(self, owner_client, live_vacancy):
        url = reverse("employers:vacancy_close", args=[live_vacancy.reference])
        page = owner_client.get(url).content.decode()
        assert "Close the vacancy" in page and "Filled through this board" in page
        owner_client.post(url, {"outcome": "filled-elsewhere"})
        live_vacancy.refresh_from_db()
        assert live_vacancy.status == Vacancy.Status.CLOSED
        assert live_vacancy.outcome == "filled-elsewhere"

    @pytest.mark.parametrize("data", [{}, {"outcome": "expired"}, {"outcome": "sold"}])
    def test_close_without_how_it_ended_is_refused_and_changes_nothing(
        self, owner_client, live_vacancy, data
    ):
        url = reverse("employers:vacancy_close", args=[live_vacancy.reference])
        response = owner_client.post(url, data)
        assert response.status_code == 400
        assert "error-message" in response.content.decode()
        live_vacancy.refresh_from_db()
        assert live_vacancy.status == Vacancy.Status.LIVE and live_vacancy.outcome == ""

    def test_dashboard_tells_how_vacancies_ended(self, owner_client, employer):
        factories.ClosedVacancyFactory(employer=employer, outcome="filled-here")
        factories.ClosedVacancyFactory(employer=employer, outcome="filled-here")
        factories.ClosedVacancyFactory(employer=employer, outcome="withdrawn")
        factories.ExpiredVacancyFactory(employer=employer, outcome="expired")
        response = owner_client.get(reverse("employers:dashboard"))
        outcomes = dict(response.context["outcomes"])
        assert outcomes == {
            "Filled through this board": 2,
            "Filled elsewhere": 0,
            "Withdrawn": 1,
            "Expired": 1,
        }
        assert "How your vacancies ended" in response.content.decode()

    def test_renew_keeps_counters(self, owner_client, employer):
        closed = factories.ClosedVacancyFactory(employer=employer, view_count=40)
        day = timezone.localdate() + timedelta(days=20)
        response = owner_client.post(
            reverse("employers:vacancy_renew", args=[closed.reference]),
            {"closes_on": day.isoformat()},
        )
        assert response.status_code == 302
        closed.refresh_from_db()
        assert closed.status == Vacancy.Status.LIVE
        assert closed.view_count == 40
        assert timezone.localtime(closed.closes_at).date() == day

    def test_the_reminder_link_extends_a_live_vacancy_in_one_step(self, owner_client, employer):
        from listings.notifications import renew_url

        vacancy = factories.LiveVacancyFactory(
            employer=employer, closes_at=timezone.now() + timedelta(days=2)
        )
        url = reverse("employers:vacancy_renew", args=[vacancy.reference])
        assert renew_url(vacancy).endswith(url)
        page = owner_client.get(url)
        text = page.content.decode()
        assert "Only a closed or expired vacancy" not in text
        assert "Extend the vacancy" in text
        suggested = page.context["form"]["closes_on"].value()
        # One button: the form comes filled in with a later date.
        response = owner_client.post(url, {"closes_on": suggested.isoformat()})
        assert response.status_code == 302
        vacancy.refresh_from_db()
        assert vacancy.status == Vacancy.Status.LIVE
        assert timezone.localtime(vacancy.closes_at).date() == suggested
        assert suggested > timezone.localdate() + timedelta(days=2)

    def test_renewing_a_closed_vacancy_of_an_unverified_employer_keeps_it_public(
        self, owner_client, client, employer
    ):
        Employer.objects.filter(pk=employer.pk).update(verified=False)
        closed = factories.ClosedVacancyFactory(employer=employer)
        day = timezone.localdate() + timedelta(days=20)
        owner_client.post(
            reverse("employers:vacancy_renew", args=[closed.reference]),
            {"closes_on": day.isoformat()},
        )
        closed.refresh_from_db()
        assert closed.status == Vacancy.Status.LIVE
        assert client.get(closed.get_absolute_url()).status_code == 200

    @pytest.mark.parametrize("days", [-1, 400])
    def test_renew_refuses_bad_dates(self, owner_client, employer, days):
        closed = factories.ClosedVacancyFactory(employer=employer)
        day = timezone.localdate() + timedelta(days=days)
        response = owner_client.post(
            reverse("employers:vacancy_renew", args=[closed.reference]),
            {"closes_on": day.isoformat()},
        )
        assert response.status_code == 400
        closed.refresh_from_db()
        assert closed.status == Vacancy.Status.CLOSED

    def test_duplicate_opens_the_copy(self, owner_client, live_vacancy):
        response = owner_client.post(
            reverse("employers:vacancy_duplicate", args=[live_vacancy.reference])
        )
        copy = Vacancy.objects.exclude(pk=live_vacancy.pk).get()
        assert response["Location"] == reverse("employers:vacancy_edit", args=[copy.reference])
        assert copy.status == Vacancy.Status.DRAFT

    def test_delete_removes_a_draft(self, owner_client, draft_vacancy):
        owner_client.post(reverse("employers:vacancy_delete", args=[draft_vacancy.reference]))
        assert not Vacancy.objects.filter(pk=draft_vacancy.pk).exists()

    def test_delete_keeps_a_published_vacancy(self, owner_client, live_vacancy):
        url = reverse("employers:vacancy_delete", args=[live_vacancy.reference])
        assert "cannot be" in owner_client.get(url).content.decode()
        owner_client.post(url)
        assert Vacancy.objects.filter(pk=live_vacancy.pk).exists()


class TestDashboard:
    def test_counts_search_sort_and_traffic(
        self, owner_client, employer, django_assert_max_num_queries
    ):
        now = timezone.now()
        live = factories.LiveVacancyFactory(employer=employer, title="Night Nurse")
        factories.LiveVacancyFactory(
            employer=employer, title="Day Nurse", closes_at=now + timedelta(days=2)
        )
        factories.VacancyFactory(employer=employer, title="Cook")
        factories.ExpiredVacancyFactory(employer=employer)
        factories.VacancyFactory.create(
            employer=employer,
            status="rejected",
            rejection_reason="Add the salary.",
            title="Cleaner",
        )
        factories.LiveVacancyFactory(title="Somebody else's")
        VacancyTraffic.objects.create(
            vacancy=live, day=now.date(), source=TrafficSource.ARTICLE_SITE, views=7, apply_clicks=2
        )
        VacancyTraffic.objects.create(
            vacancy=live, day=now.date(), source=TrafficSource.SEARCH_ENGINE, views=3
        )
        with django_assert_max_num_queries(16):
            response = owner_client.get(reverse("employers:dashboard"))
        counts = response.context["counts"]
        assert counts["all"] == 5
        assert counts["live"] == 2
        assert counts["closing_soon"] == 1
        assert counts["draft"] == 1
        assert counts["expired"] == 1
        assert counts["rejected"] == 1
        content = response.content.decode()
        assert "Somebody else" not in content
        assert "Add the salary." in content
        assert "Article site" in content
        rows = {v.title: v for v in response.context["vacancies"]}
        assert rows["Night Nurse"].sources[0]["views"] == 7

        nurses = owner_client.get(reverse("employers:dashboard"), {"q": "nurse", "sort": "title"})
        assert [v.title for v in nurses.context["vacancies"]] == ["Day Nurse", "Night Nurse"]
        drafts = owner_client.get(reverse("employers:dashboard"), {"status": "draft"})
        assert [v.title for v in drafts.context["vacancies"]] == ["Cook"]

    def test_each_tab_counts_what_it_lists(self, owner_client, employer):
        """The tab counts (one grouped query) and the tabs' lists (one filter per tab) are
        worked out apart: they must agree for every kind of vacancy."""
        now = timezone.now()
        factories.LiveVacancyFactory(employer=employer)
        factories.LiveVacancyFactory(employer=employer, closes_at=now + timedelta(days=2))
        factories.LiveVacancyFactory(employer=employer, closes_at=now - timedelta(hours=1))
        factories.VacancyFactory(employer=employer)
        factories.PendingVacancyFactory(employer=employer)
        factories.ExpiredVacancyFactory(employer=employer, outcome="expired")
        factories.ClosedVacancyFactory(employer=employer, outcome="filled-here")
        factories.ClosedVacancyFactory(employer=employer, outcome="withdrawn")
        factories.VacancyFactory(employer=employer, status="rejected", rejection_reason="No.")
        factories.LiveVacancyFactory(title="Somebody else's")

        counts = owner_client.get(reverse("employers:dashboard")).context["counts"]
        assert counts["all"] == 9
        for status in selectors.BUCKET_LABELS:
            listed = owner_client.get(reverse("employers:dashboard"), {"status": status})
            assert counts[status] == len(listed.context["vacancies"]), status
        assert (counts["live"], counts["closing_soon"], counts["expired"]) == (2, 1, 2)
        assert counts["rejected"] == 1
        assert counts["ended_filled_here"] == counts["ended_withdrawn"] == 1
        assert counts["ended_expired"] == 1

    def test_every_kind_of_row_is_shown_from_one_query(self, owner_client, employer):
        """The rows load only the columns they show: a copy, a pending revision, a rejection
        and an ended vacancy each read nothing more."""
        factories.LiveVacancyFactory(employer=employer)
        with CaptureQueriesContext(connection) as before:
            owner_client.get(reverse("employers:dashboard"))
        original = factories.ClosedVacancyFactory(employer=employer, outcome="filled-elsewhere")
        copy = factories.VacancyFactory(employer=employer, copied_from=original)
        factories.VacancyFactory(employer=employer, status="rejected", rejection_reason="Pay?")
        revised = factories.LiveVacancyFactory(employer=employer)
        VacancyRevision.objects.create(vacancy=revised, title="New wording")
        with CaptureQueriesContext(connection) as after:
            content = owner_client.get(reverse("employers:dashboard")).content.decode()
        assert len(after) == len(before)
        assert f"Copy of {original.reference}" in content and copy.reference in content
        assert "New wording waiting for review" in content
        assert "Pay?" in content and "(filled elsewhere)" in content

    def test_query_count_does_not_grow_with_rows(self, owner_client, employer):
        def count_queries():
            with CaptureQueriesContext(connection) as queries:
                assert owner_client.get(reverse("employers:dashboard")).status_code == 200
            return len(queries)

        factories.LiveVacancyFactory(employer=employer)
        few = count_queries()
        for _ in range(15):
            vacancy = factories.LiveVacancyFactory(employer=employer)
            VacancyTraffic.objects.create(
                vacancy=vacancy, day=timezone.localdate(), source=TrafficSource.WIDGET, views=1
            )
        assert count_queries() == few

    def test_hostile_parameters_do_not_break_it(self, owner_client):
        response = owner_client.get(
            reverse("employers:dashboard"),
            {"status": "nope", "sort": "DROP TABLE", "page": "10" * 20, "q": "x" * 5000},
        )
        assert response.status_code == 200

    def test_the_switcher_lists_the_employers_one_can_switch_to(self, owner_client, owner):
        factories.MembershipFactory(user=owner, employer__name="Avon Care", role="recruiter")
        gone = factories.MembershipFactory(user=owner, employer__name="Beta Homes").employer
        Employer.objects.filter(pk=gone.pk).update(is_active=False)
        response = owner_client.get(reverse("employers:dashboard"))
        names = [m.employer.name for m in response.context["memberships"]]
        assert "Beta Homes" not in names
        assert names == sorted(names, key=str.casefold) and "Avon Care" in names
        assert len(names) == 2

    def test_switching_employer(self, owner_client, owner):
        other = factories.MembershipFactory(user=owner, role="recruiter").employer
        response = owner_client.post(reverse("employers:switch"), {"employer": other.pk})
        assert response.status_code == 302
        assert owner_client.session[SESSION_KEY] == other.pk
        assert owner_client.get(reverse("employers:dashboard")).context["employer"] == other

    def test_cannot_switch_to_a_stranger(self, owner_client):
        stranger = factories.EmployerFactory()
        assert (
            owner_client.post(reverse("employers:switch"), {"employer": stranger.pk}).status_code
            == 404
        )
        assert owner_client.post(reverse("employers:switch"), {"employer": "x"}).status_code == 404

    def test_vacancy_of_my_other_employer_switches_to_it(self, owner_client, owner):
        other = factories.MembershipFactory(user=owner, role="recruiter").employer
        vacancy = factories.VacancyFactory(employer=other)
        response = owner_client.get(reverse("employers:vacancy_edit", args=[vacancy.reference]))
        assert response.status_code == 200
        assert owner_client.session[SESSION_KEY] == other.pk


class TestProfileAndTeam:
    def test_profile_saves(self, owner_client, employer):
        response = owner_client.post(
            reverse("employers:profile"),
            {
                "name": "Harbour Care",
                "sector": "charity",
                "region": "north_west",
                "town": "Manchester",
                "website": "https://harbour.example.org",
                "about": "We care.",
            },
        )
        assert response.status_code == 302
        employer.refresh_from_db()
        assert employer.name == "Harbour Care"
        assert employer.town.slug == "manchester"

    def test_profile_bad_input_changes_nothing(self, owner_client, employer):
        response = owner_client.post(
            reverse("employers:profile"),
            {"name": "", "sector": "pirates", "region": "x", "town": "Atlantis", "website": "nope"},
        )
        assert response.status_code == 400
        employer.refresh_from_db()
        assert employer.name.startswith("Riverside Care")

    def test_invite_sends_an_email(
        self, owner_client, employer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = owner_client.post(
                reverse("employers:team"), {"email": "New.Person@Example.org", "role": "recruiter"}
            )
        assert response.status_code == 302
        assert employer.invitations.get().email == "new.person@example.org"
        assert mail.outbox[-1].to == ["new.person@example.org"]

    def test_last_owner_cannot_demote_or_remove_themself(self, owner_client, owner, employer):
        membership = Membership.objects.get(user=owner)
        owner_client.post(
            reverse("employers:team_member_role", args=[membership.pk]), {"role": "recruiter"}
        )
        response = owner_client.post(
            reverse("employers:team_member_remove", args=[membership.pk]), follow=True
        )
        membership.refresh_from_db()
        assert membership.role == "owner"
        assert "The last owner cannot" in response.content.decode()

    def test_last_owner_cannot_leave(self, owner_client, owner):
        owner_client.post(reverse("employers:team_leave"))
        assert Membership.objects.filter(user=owner).exists()

    def test_recruiter_can_leave(self, recruiter_client, recruiter):
        recruiter_client.post(reverse("employers:team_leave"))
        assert not Membership.objects.filter(user=recruiter).exists()


class TestApiAccess:
    def test_create_shows_the_key_once_then_revoke(self, owner_client, owner):
        response = owner_client.post(reverse("employers:api_token_create"))
        token = Token.objects.get(user=owner)
        assert token.key in response.content.decode()
        assert response["Cache-Control"] == "no-store"
        page = owner_client.get(reverse("employers:api_access")).content.decode()
        assert token.key not in page
        assert token.key[:4] in page
        owner_client.post(reverse("employers:api_token_create"))
        assert Token.objects.get(user=owner).key != token.key
        owner_client.post(reverse("employers:api_token_revoke"))
        assert not Token.objects.filter(user=owner).exists()


class TestAccounts:
    def signup_data(self, **overrides):
        data = {
            "first_name": "Sam",
            "last_name": "Patel",
            "email": "Sam@Brightwater.example.org",
            "password": "a-long-and-unusual-passphrase",
            "employer_name": "Brightwater Care",
            "sector": "independent",
            "region": "yorkshire",
            "town": "York",
        }
        data.update(overrides)
        return data

    def test_signup_creates_user_employer_and_owner(
        self, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("signup"), self.signup_data())
        assert response["Location"] == reverse("signup_sent")
        user = User.objects.get(email="sam@brightwater.example.org")
        membership = Membership.objects.get(user=user)
        assert membership.role == "owner"
        assert membership.employer.name == "Brightwater Care"
        assert membership.employer.verified is False
        assert membership.employer.town.slug == "york"
        assert user.email_verified_at is None
        assert len(mail.outbox) == 1
        # Not signed in yet: the emailed link confirms the address, then they sign in.
        assert client.get(reverse("employers:dashboard")).status_code == 302

    def test_signup_with_bad_input_saves_nothing(self, client):
        response = client.post(
            reverse("signup"),
            self.signup_data(
                email="not-an-email", password="123", sector="pirates", town="Atlantis"
            ),
        )
        assert response.status_code == 200
        assert not User.objects.exists()
        assert not Employer.objects.exists()
        form = response.context["form"]
        assert {"email", "password", "sector", "town"} <= set(form.errors)

    def test_signup_with_a_taken_email_answers_as_a_new_one_and_emails_the_owner(
        self, client, owner, django_capture_on_commit_callbacks
    ):
        """Sign-up does not tell whether an account exists: the same redirect and page, the
        password hashed and one email queued either way; the owner hears how to sign in."""
        from django.contrib.auth import hashers

        from outbox.models import OutboxMessage

        hasher = type(hashers.get_hasher())
        hashed = []
        real = hasher.encode

        def counting(self, *args, **kwargs):
            hashed.append(1)
            return real(self, *args, **kwargs)

        answers = {}
        for label, email in (("new", "fresh@brightwater.example.org"), ("taken", owner.email)):
            visitor = type(client)()
            hashed.clear()
            queued = OutboxMessage.objects.count()
            with (
                pytest.MonkeyPatch.context() as patch,
                django_capture_on_commit_callbacks(execute=True),
            ):
                patch.setattr(hasher, "encode", counting)
                response = visitor.post(reverse("signup"), self.signup_data(email=email.upper()))
            page = visitor.get(response["Location"]).content.decode()
            answers[label] = (
                response.status_code,
                response["Location"],
                page.replace(email.lower(), "ADDRESS"),
                len(hashed),
                OutboxMessage.objects.count() - queued,
            )
        assert answers["new"] == answers["taken"]
        assert answers["taken"][3] == 1  # one password hash each
        assert Employer.objects.count() == 2  # the owner's and the new one only
        to_owner = [m for m in mail.outbox if m.to == [owner.email]]
        assert len(to_owner) == 1
        assert "already has one" in to_owner[0].body

    def test_password_reset_answers_the_same_for_an_unknown_address(
        self, client, owner, django_capture_on_commit_callbacks
    ):
        answers = {}
        for label, email in (("known", owner.email), ("unknown", "nobody@example.org")):
            with (
                CaptureQueriesContext(connection) as queries,
                django_capture_on_commit_callbacks(execute=False) as callbacks,
            ):
                response = client.post(reverse("password_reset"), {"email": email})
            answers[label] = (
                response.status_code,
                response["Location"],
                len(queries),
                len(callbacks),
            )
            for callback in callbacks:
                callback()
        assert answers["known"] == answers["unknown"]
        assert [m.to for m in mail.outbox] == [[owner.email]]

    def test_two_signups_with_the_same_name_get_distinct_slugs(self, client):
        client.post(reverse("signup"), self.signup_data())
        client.logout()
        client.post(reverse("signup"), self.signup_data(email="other@example.org"))
        assert sorted(Employer.objects.values_list("slug", flat=True)) == [
            "brightwater-care",
            "brightwater-care-2",
        ]

    def test_verify_link_confirms_once(self, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("signup"), self.signup_data())
        link = re.search(r"https?://\S+/accounts/verify/\S+/", mail.outbox[0].body).group(0)
        path = link.split("://", 1)[1].split("/", 1)[1]
        assert "Confirm my email address" in client.get("/" + path).content.decode()
        assert client.post("/" + path).status_code == 302
        user = User.objects.get()
        assert user.email_verified
        again = client.post("/" + path)
        assert again.status_code == 400
        assert "already been used" in again.content.decode()

    def test_tampered_verify_link(self, client):
        response = client.post(reverse("verify_email", args=["abc:def:ghi"]))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()

    def test_login_by_email_any_case(self, client, owner):
        response = client.post(
            reverse("login"),
            {"username": owner.email.upper(), "password": "correct horse battery staple"},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("employers:dashboard")

    def test_password_reset_email_matches_the_site(
        self, client, owner, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("password_reset"), {"email": owner.email})
        assert response["Location"] == reverse("password_reset_done")
        message = mail.outbox[0]
        assert "Reset your" in message.subject
        assert "/accounts/reset/" in message.body
        assert "Choose a new password" in message.alternatives[0][0]

    @pytest.mark.parametrize(
        "name",
        ["password_reset", "password_reset_done", "password_reset_complete", "signup", "login"],
    )
    def test_account_pages_render(self, client, name):
        assert client.get(reverse(name)).status_code == 200

    def test_password_change_page(self, owner_client):
        assert owner_client.get(reverse("password_change")).status_code == 200


class TestDirectoryAndProfile:
    def test_profile_has_organization_json_ld_and_live_vacancies(self, client, employer):
        employer.about = "We <script>alert(1)</script> **care**."
        employer.website = "https://example.org"
        employer.save()
        factories.LiveVacancyFactory(employer=employer, title="Live one")
        factories.VacancyFactory(employer=employer, title="Draft one")
        response = client.get(employer.get_absolute_url())
        content = response.content.decode()
        assert "Live one" in content
        assert "Draft one" not in content
        assert "<strong>care</strong>" in content
        assert "<script>alert" not in content
        data = re.search(
            r'<script type="application/ld\+json">(.*?)</script>', content, re.S
        ).group(1)
        parsed = json.loads(data)
        assert parsed["@type"] == "Organization"
        assert parsed["name"] == employer.name
        assert parsed["sameAs"] == ["https://example.org"]

    def test_unknown_or_inactive_employer_is_404(self, client, employer):
        assert client.get(reverse("employers:detail", args=["nobody"])).status_code == 404
        Employer.objects.filter(pk=employer.pk).update(is_active=False)
        assert client.get(employer.get_absolute_url()).status_code == 404


class TestFirstImpressions:
    def test_the_empty_dashboard_of_a_sole_owner_shows_the_next_steps(self, owner_client):
        page = owner_client.get(reverse("employers:dashboard")).content.decode()
        assert "Get started" in page
        assert "Post your first job" in page and "Add your logo" in page
        assert "Vacancies by status" not in page  # no row of empty status pills
        assert "Leave this employer" not in page  # the last owner cannot leave anyway

    def test_a_busy_dashboard_keeps_its_tabs_and_a_recruiter_may_leave(
        self, recruiter_client, employer
    ):
        factories.LiveVacancyFactory(employer=employer)
        page = recruiter_client.get(reverse("employers:dashboard")).content.decode()
        assert "Vacancies by status" in page and "Get started" not in page
        assert "Leave this employer" in page

    def test_a_copy_is_marked_in_the_dashboard(self, owner_client, live_vacancy):
        owner_client.post(reverse("employers:vacancy_duplicate", args=[live_vacancy.reference]))
        page = owner_client.get(reverse("employers:dashboard")).content.decode()
        assert page.count(f"Copy of {live_vacancy.reference}") == 1

    def test_the_two_kinds_of_verified_are_named_apart(self, owner_client, owner, employer):
        User.objects.filter(pk=owner.pk).update(email_verified_at=None)
        Employer.objects.filter(pk=employer.pk).update(verified=False)
        page = owner_client.get(reverse("employers:dashboard")).content.decode()
        assert "Organisation not verified yet" in page
        assert "Confirm your email address." in page
        assert ">Not yet verified<" not in page and ">Verified<" not in page

    def test_the_profile_form_speaks_plainly(self, owner_client):
        page = owner_client.get(reverse("employers:profile")).content.decode()
        assert "---------" not in page
        assert "Markdown" not in page and "sanitised" not in page
        assert "Choose a sector" in page and "start a line with - for a list" in page

    def test_the_employer_card_keeps_the_about_texts_list(self, client, employer):
        Employer.objects.filter(pk=employer.pk).update(
            about="We care for people at home.\n\n- Paid training\n- Free parking"
        )
        vacancy = factories.LiveVacancyFactory(employer=employer)
        page = client.get(vacancy.get_absolute_url()).content.decode()
        card = page[page.index('class="employer-card"') :]
        assert "<li>Paid training</li>" in card and "<li>Free parking</li>" in card

    def test_profile_text_is_stored_with_one_kind_of_line_ending(self, owner_client, employer):
        form = owner_client.get(reverse("employers:profile")).context["form"]
        data = {n: form[n].value() or "" for n in ("name", "sector", "region", "website")}
        data.update(about="One.\r\n\r\n- two", town="")
        assert owner_client.post(reverse("employers:profile"), data).status_code == 302
        employer.refresh_from_db()
        assert employer.about == "One.\n\n- two"
