"""``/sitemap.xml``: an index of sections, each split into pages of at most ``LIMIT`` URLs.

Sections: live vacancies (lastmod: their last change), employers, profession landing pages
and profession-in-place landing pages that have live vacancies (lastmod: their newest
vacancy), and the fixed pages. The protocol caps a sitemap at 50,000 URLs; pages of 10,000
keep every file small and the index grows a page per 10,000 instead.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from employers.models import Employer
from listings.models import Profession, Vacancy

LIMIT = 10_000


class SiteSitemap(Sitemap):
    """URLs on ``settings.SITE_URL``, whatever host the crawler asked."""

    limit = LIMIT

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class VacancySitemap(SiteSitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Vacancy.objects.live().only("id", "reference", "slug", "updated_at").order_by("id")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return Vacancy.objects.live().aggregate(latest=Max("updated_at"))["latest"]


class EmployerSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return Employer.objects.listed().only("id", "slug", "updated_at").order_by("id")

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        return Employer.objects.listed().aggregate(latest=Max("updated_at"))["latest"]


def _live_filter(prefix: str = "") -> Q:
    now = timezone.now()
    return Q(
        **{
            f"{prefix}status": Vacancy.Status.LIVE,
            f"{prefix}published_at__lte": now,
            f"{prefix}closes_at__gt": now,
        }
    )


class ProfessionSitemap(SiteSitemap):
    """``/jobs/<profession>/``: every profession (an empty one still says what it is)."""

    changefreq = "daily"
    priority = 0.7

    def items(self):
        return Profession.objects.annotate(
            newest=Max("vacancies__updated_at", filter=_live_filter("vacancies__"))
        ).order_by("sort_order", "id")

    def lastmod(self, item):
        return item.newest

    def get_latest_lastmod(self):
        return Vacancy.objects.live().aggregate(latest=Max("updated_at"))["latest"]


class LandingPlaceSitemap(SiteSitemap):
    """``/jobs/<profession>/in/<place>/`` for each pair that has live vacancies."""

    changefreq = "daily"
    priority = 0.6

    def items(self):
        # A vacancy placed at a postcode is listed under the postcode's nearest town.
        through = Vacancy.places.through
        return (
            through.objects.filter(_live_filter("vacancy__"))
            .filter(Q(place__kind="town") | Q(place__town__isnull=False))
            .annotate(town_slug=Coalesce("place__town__slug", "place__slug"))
            .values("vacancy__profession__slug", "town_slug")
            .annotate(newest=Max("vacancy__updated_at"))
            .order_by("vacancy__profession__slug", "town_slug")
        )

    def location(self, item) -> str:
        return reverse(
            "listings:profession_place",
            kwargs={"profession": item["vacancy__profession__slug"], "place": item["town_slug"]},
        )

    def lastmod(self, item):
        return item["newest"]

    def get_latest_lastmod(self):
        return Vacancy.objects.live().aggregate(latest=Max("updated_at"))["latest"]


class PagesSitemap(SiteSitemap):
    changefreq = "daily"
    priority = 0.9

    def items(self) -> list[str]:
        return ["home", "listings:search", "employers:directory"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {
    "pages": PagesSitemap,
    "vacancies": VacancySitemap,
    "employers": EmployerSitemap,
    "professions": ProfessionSitemap,
    "landing": LandingPlaceSitemap,
}
