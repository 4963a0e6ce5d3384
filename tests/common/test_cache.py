"""The versioned cache and page reuse, apart from any domain rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from common.cache import CacheVersion, PageReuse, VersionedValues, keep_until


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_a_bump_waits_for_the_commit(django_capture_on_commit_callbacks):
    version = CacheVersion("test:version")
    assert version.current() == 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version.bump()
    assert version.current() == 1
    callbacks[0]()
    assert version.current() == 2


@pytest.mark.django_db
def test_values_are_shared_until_the_version_moves(django_capture_on_commit_callbacks):
    version = CacheVersion("test:version")
    values = VersionedValues(version, "test:values", ttl=60)
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert values.get_or_compute("a", compute) == 1
    assert values.get_or_compute("a", compute) == 1
    assert values.kept("a") == 1 and values.kept("b") is None
    with django_capture_on_commit_callbacks(execute=True):
        version.bump()
    assert values.kept("a") is None
    assert values.get_or_compute("a", compute) == 2
    assert values.recompute("a", compute) == 3 and values.kept("a") == 3


def test_a_page_is_reused_for_anonymous_visitors_only(settings):
    settings.SEARCH_PAGE_CACHE = True
    reuse = PageReuse(CacheVersion("test:version"), "test:page", data_ttl=60)
    rendered = []

    @reuse.view
    def view(request):
        rendered.append(1)
        until = timezone.now() + timedelta(hours=1)
        return keep_until(HttpResponse(f"page {len(rendered)}"), until, longest=60)

    factory = RequestFactory()
    assert view(factory.get("/x/")).content == b"page 1"
    assert view(factory.get("/x/")).content == b"page 1"
    signed_in = factory.get("/x/")
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    assert view(signed_in).content == b"page 2"
    assert view(factory.get("/x/?utm_source=news")).content == b"page 3"


def test_nothing_is_kept_past_its_hard_limit(settings):
    settings.SEARCH_PAGE_CACHE = True
    reuse = PageReuse(CacheVersion("test:version"), "test:page", data_ttl=60)
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}, timezone.now() - timedelta(seconds=1)  # already past

    request = RequestFactory().get("/api/x/")
    assert reuse.data(request, "k", compute) == {"n": 1}
    assert reuse.data(request, "k", compute) == {"n": 2}


@pytest.mark.django_db
def test_a_version_is_read_once_per_request_and_a_bump_is_seen(
    monkeypatch, django_capture_on_commit_callbacks
):
    from common import cache as kept

    version = kept.CacheVersion("test:once")
    reads = []
    original = cache.get_or_set
    monkeypatch.setattr(cache, "get_or_set", lambda *a, **k: reads.append(a) or original(*a, **k))
    kept._request_started()
    try:
        assert version.current() == version.current() == 1
        assert len(reads) == 1
        with django_capture_on_commit_callbacks(execute=True):
            version.bump()
        assert version.current() == 2  # read again after this request's own bump
    finally:
        kept._run_after_response()
    assert len(reads) == 2
