"""Discovery and the article site: feeds, the sitemap, robots.txt and the embed widget.

Included from ``jobboard/urls.py`` before the seeker pages, so ``/jobs/feed/...`` is never
read as a profession landing page.
"""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_page
from django.views.generic import TemplateView

from listings.embed import embed_jobs
from listings.feeds import SearchAtomFeed, SearchRssFeed
from listings.sitemaps import SITEMAPS

SITEMAP_CACHE_SECONDS = 60 * 30

urlpatterns = [
    path("jobs/feed/rss/", SearchRssFeed(), name="feed-rss"),
    path("jobs/feed/atom/", SearchAtomFeed(), name="feed-atom"),
    path(
        "sitemap.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(SITEMAP_CACHE_SECONDS)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="listings/robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("embed/jobs/", embed_jobs, name="embed-jobs"),
]
