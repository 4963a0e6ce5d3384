"""RSS 2.0 and Atom feeds for any search: the search's own query string on the feed URL.

``/jobs/feed/rss/?profession=social-worker&location=leeds`` lists what
``/jobs/?profession=social-worker&location=leeds`` shows, in the same order, through the
same search (``listings.search``); like the HTML search it forgives odd parameters.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape

from common.links import on_site
from common.markdown import to_plain_text
from listings.search import Search, parse_search, place_label, search_vacancies
from listings.wording import salary_text

FEED_SIZE = 50


class SearchRssFeed(Feed):
    """The newest (or best-matching) live vacancies of one search, as RSS 2.0."""

    feed_type = Rss201rev2Feed
    view_name = "feed-rss"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "public, max-age=600"
        return response

    def get_object(self, request, *args, **kwargs) -> Search:
        return parse_search(request.GET, now=timezone.now())

    def title(self, obj: Search) -> str:
        return f"{obj.describe()} · {settings.SITE_NAME}"

    def link(self, obj: Search) -> str:
        query = obj.query_string()
        return on_site(reverse("listings:search") + (f"?{query}" if query else ""))

    def feed_url(self, obj: Search) -> str:
        query = obj.query_string()
        return on_site(reverse(self.view_name) + (f"?{query}" if query else ""))

    def description(self, obj: Search) -> str:
        return f"Live health and social care vacancies: {obj.describe()}."

    subtitle = description

    def items(self, obj: Search):
        return list(search_vacancies(obj, depth=FEED_SIZE)[:FEED_SIZE])

    def item_title(self, item) -> str:
        return f"{item.title}, {item.employer.name}"

    def item_description(self, item) -> str:
        places = ", ".join(place_label(place) for place in item.places.all())
        salary = salary_text(item)
        closes = timezone.localtime(item.closes_at).strftime("%-d %B %Y")
        summary = to_plain_text(item.description, limit=400)
        # Feed readers show a description as HTML: plain text is escaped for it here, once.
        return escape(f"{places}. {salary}. Closes {closes}. {summary}")

    def item_link(self, item) -> str:
        return on_site(item.get_absolute_url())

    def item_guid(self, item) -> str:
        return self.item_link(item)

    item_guid_is_permalink = True

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item) -> str:
        return item.employer.name

    def item_categories(self, item) -> list[str]:
        return [item.profession.name]


class SearchAtomFeed(SearchRssFeed):
    """The same search as Atom 1.0."""

    feed_type = Atom1Feed
    view_name = "feed-atom"
