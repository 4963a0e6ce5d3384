"""The alert emails, rendered: confirmation, "already subscribed", and the digest."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.http import QueryDict

from common.emails import build_email
from common.links import absolute_url, on_site
from listings.alerts.matching import describe_search
from listings.alerts.tokens import make_token
from listings.models import JobAlert, Vacancy
from listings.search import place_label
from listings.wording import has_salary, salary_text


def alert_links(alert: JobAlert) -> dict[str, str]:
    """Absolute links for emails: confirm, manage, unsubscribe and the full search."""

    def url(name: str, purpose: str) -> str:
        return absolute_url(name, make_token(alert, purpose))

    return {
        "confirm_url": url("alerts:confirm", "confirm"),
        "manage_url": url("alerts:manage", "manage"),
        "unsubscribe_url": url("alerts:unsubscribe", "unsubscribe"),
        "search_url": search_url(alert.query),
    }


def search_url(query: str) -> str:
    """The absolute address of the search page showing ``query``."""
    return absolute_url("listings:search", query=query)


def untyped_description(query: str) -> str:
    """The saved search in the site's own words, leaving out the keywords the requester typed.

    A confirmation goes to an address nobody has confirmed yet, so it must not carry text a
    stranger chose (anyone could otherwise send an advert to anyone through it). Professions,
    places and other choices are described from the site's own lists; keywords are only
    mentioned. The confirmation page, which the address's owner opens, shows the whole search.
    """
    params = QueryDict(query, mutable=True)
    typed = any(value.strip() for value in params.pop("q", []))
    described = describe_search(params.urlencode())
    return f"{described}, with the keywords you typed" if typed else described


def confirmation_message(alert: JobAlert) -> EmailMultiAlternatives:
    """The email with the link that switches a new sign-up on."""
    return build_email(
        template="alert_confirm",
        context={
            "alert": alert,
            "description": untyped_description(alert.query),
            "confirmation_days": settings.ALERT_CONFIRMATION_DAYS,
            **alert_links(alert),
        },
        to=[alert.email],
    )


def already_subscribed_message(alert: JobAlert) -> EmailMultiAlternatives:
    """The email to an address that signed up again for an alert it already has."""
    return build_email(
        template="alert_already_subscribed",
        context={
            "alert": alert,
            "description": untyped_description(alert.query),
            **alert_links(alert),
        },
        to=[alert.email],
    )


def digest_item(vacancy: Vacancy) -> dict:
    """One listed vacancy of a digest; no salary line when the vacancy gives none."""
    return {
        "vacancy": vacancy,
        "url": on_site(vacancy.get_absolute_url()),
        "places": ", ".join(place_label(place) for place in vacancy.places.all()),
        "salary": salary_text(vacancy) if has_salary(vacancy) else "",
    }


def digest_message(
    alert: JobAlert, *, vacancies: list[Vacancy], total: int, description: str
) -> EmailMultiAlternatives:
    """A digest listing ``vacancies`` of the ``total`` new ones, with one-click unsubscribe."""
    links = alert_links(alert)
    listed = [digest_item(vacancy) for vacancy in vacancies]
    return build_email(
        template="alert_digest",
        context={
            "alert": alert,
            "description": description,
            "vacancies": listed,
            "total": total,
            "unlisted": max(0, total - len(listed)),
            **links,
        },
        to=[alert.email],
        headers={
            "List-Unsubscribe": f"<{links['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
