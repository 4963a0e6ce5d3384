"""Counting vacancy views and apply clicks, and where they came from.

A view or click is counted in the web process's memory (per vacancy, day and source) and the
counts are written in one batch once ``settings.VIEW_COUNT_FLUSH_SECONDS`` have passed since
the last batch, after the response that found them due (and when the process exits): a page
served from the cache waits on no write to the 1.2 GB vacancy table. A batch is two writes
whatever its size: an increment of each vacancy's counters and an upsert (``INSERT ... ON
CONFLICT DO UPDATE``) of each day's ``VacancyTraffic`` row per source, so concurrent workers
never lose a count and the table grows by one row per vacancy, day and source. On PostgreSQL
the two are one statement, committed without waiting for the disk; a crash loses at most the
counts of the last few seconds, never corrupts them.

Applications made on the board and hires among them go into the same rows through the same
upsert (``record_applications``), but at once and in the caller's transaction: they are
counted with the application's own change, against the day and source of its submission, so
they commit or roll back with it and the funnel needs no count over the applications.
"""

from __future__ import annotations

import atexit
import logging
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from common.cache import after_response
from common.db import on_postgresql
from listings.models import TrafficSource, Vacancy, VacancyTraffic

logger = logging.getLogger(__name__)

SEARCH_ENGINE_HOSTS = (
    "google.",
    "bing.com",
    "duckduckgo.com",
    "search.yahoo.",
    "yahoo.com",
    "ecosia.org",
    "baidu.com",
    "yandex.",
    "search.brave.com",
    "startpage.com",
    "qwant.com",
)
BOT_AGENT = re.compile(
    r"bot\b|bot/|crawler|spider|slurp|facebookexternalhit|preview|curl/|wget/|python-requests",
    re.IGNORECASE,
)
SOURCE_PARAM = "source"


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _article_hosts() -> set[str]:
    return {_host(origin) for origin in settings.ARTICLE_SITE_ORIGINS if _host(origin)}


def _is_search_engine(host: str) -> bool:
    return any(
        host.startswith(marker) or f".{marker}" in f".{host}" or host.endswith(marker)
        for marker in SEARCH_ENGINE_HOSTS
    )


def classify_source(request) -> str:
    """Where a visit came from, as a ``TrafficSource`` value.

    In order: an explicit ``utm_medium``/``src`` (widget, email alert, API), a ``utm_source``
    naming the article site, then the referer's host (the article site's origins in
    ``settings.ARTICLE_SITE_ORIGINS``, search engines, this site itself counted as direct,
    any other site), and no referer at all is direct.
    """
    params = request.GET
    # The visit's campaign kept by jobboard.middleware when this request carries none.
    visit = getattr(request, "utm", None) or {}
    medium = (params.get("utm_medium") or visit.get("utm_medium", "")).lower()
    utm_source = (params.get("utm_source") or visit.get("utm_source", "")).lower()
    if medium == "widget" or params.get("src", "").lower() == "widget":
        return TrafficSource.WIDGET
    if medium == "email" or utm_source in {"alert", "job-alert", "jobalert"}:
        return TrafficSource.ALERT
    if medium == "api" or utm_source == "api":
        return TrafficSource.API
    article_hosts = _article_hosts()
    if utm_source and (utm_source in article_hosts or utm_source in {"article", "articles"}):
        return TrafficSource.ARTICLE_SITE
    referer_host = _host(request.headers.get("Referer", ""))
    if not referer_host:
        return TrafficSource.DIRECT
    if referer_host in article_hosts:
        return TrafficSource.ARTICLE_SITE
    if _is_search_engine(referer_host):
        return TrafficSource.SEARCH_ENGINE
    if referer_host == request.get_host().split(":")[0].lower():
        return TrafficSource.DIRECT
    return TrafficSource.OTHER


def source_from_param(value: str | None) -> str | None:
    """A source carried on the apply link (``?source=widget``), if it is a known one."""
    return value if value in TrafficSource.values else None


def is_bot(request) -> bool:
    """Crawlers and link previews do not count as people looking at a job."""
    return bool(BOT_AGENT.search(request.headers.get("User-Agent", "")))


COUNTERS = ("views", "apply_clicks", "applications", "hires")


def _upsert_tail(table: str, counters) -> str:
    """The upsert's conflict clause: each named counter of the day's row grows by the new
    row's value, so concurrent writers add up and never overwrite one another."""
    return "ON CONFLICT (vacancy_id, day, source) DO UPDATE SET " + ", ".join(
        f"{name} = {table}.{name} + excluded.{name}" for name in counters
    )


def _upsert_traffic(vacancy_id: int, day: date, source: str, **counts: int) -> None:
    """Add ``counts`` (counter name -> amount, none negative; the others 0) to one (vacancy,
    day, source) row, creating it at those amounts; one statement on PostgreSQL and SQLite."""
    table = connection.ops.quote_name(VacancyTraffic._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (vacancy_id, day, source, {', '.join(COUNTERS)}) "  # noqa: S608 - table and column names from the model
            f"VALUES (%s, %s, %s, {', '.join(['%s'] * len(COUNTERS))}) "
            + _upsert_tail(table, [name for name in COUNTERS if name in counts]),
            [vacancy_id, day, source, *(counts.get(name, 0) for name in COUNTERS)],
        )


# (vacancy id, day, source) -> [views, clicks], waiting for the next batch.
_pending: dict[tuple[int, date, str], list[int]] = {}
_pending_lock = threading.Lock()
_last_batch = [time.monotonic()]


def _record(vacancy_id: int, *, source: str, now, views: int, clicks: int) -> None:
    if source not in TrafficSource.values:
        source = TrafficSource.OTHER
    day = timezone.localdate(now or timezone.now())
    with _pending_lock:
        counts = _pending.setdefault((vacancy_id, day, source), [0, 0])
        counts[0] += views
        counts[1] += clicks
        due = time.monotonic() - _last_batch[0] >= settings.VIEW_COUNT_FLUSH_SECONDS
    if due:
        after_response(flush_counts)


def flush_counts() -> int:
    """Write the counts waiting in this process in one batch; return how many rows it had.

    Counts that could not be written wait for the next batch.
    """
    with _pending_lock:
        batch = dict(_pending)
        _pending.clear()
        _last_batch[0] = time.monotonic()
    if not batch:
        return 0
    # In one order everywhere: workers flushing overlapping batches lock rows alike.
    rows = sorted((pk, day, source, v, c) for (pk, day, source), (v, c) in batch.items())
    try:
        if on_postgresql():
            _write_in_one_statement(rows)
        else:
            with transaction.atomic():
                for pk, day, source, views, clicks in rows:
                    Vacancy.objects.filter(pk=pk).update(
                        view_count=F("view_count") + views,
                        apply_click_count=F("apply_click_count") + clicks,
                    )
                    _upsert_traffic(pk, day, source, views=views, apply_clicks=clicks)
    except Exception:  # noqa: BLE001 - counting must never break a page
        logger.warning("could not write view counts; keeping them for later", exc_info=True)
        with _pending_lock:
            for key, (views, clicks) in batch.items():
                counts = _pending.setdefault(key, [0, 0])
                counts[0] += views
                counts[1] += clicks
        return 0
    return len(rows)


def _write_in_one_statement(rows: list[tuple]) -> None:
    """The batch as one PostgreSQL statement: the counters' ``UPDATE`` (one per vacancy) as a
    data-modifying CTE feeding the upsert, without waiting for the disk (``set_config(...,
    true)`` lasts for this statement's transaction only).

    Every web worker flushes its own batch, and their batches share the popular vacancies.
    An ``UPDATE ... FROM`` locks rows in whatever order its join produces them, so two
    workers could each hold a row the other wants (a deadlock, seen under load); the
    vacancies are therefore locked first, in id order (``locked``), which the update joins.
    A traffic row belongs to one vacancy, so its upsert is serialised by that lock."""
    vacancies = connection.ops.quote_name(Vacancy._meta.db_table)
    table = connection.ops.quote_name(VacancyTraffic._meta.db_table)
    values = ", ".join(
        ["(%s::bigint, %s::date, %s::varchar, %s::integer, %s::integer)"] * len(rows)
    )
    params = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)), "
            f"batch (vacancy_id, day, source, views, clicks) AS (VALUES {values}), "
            f"locked AS MATERIALIZED (SELECT id FROM {vacancies} "  # noqa: S608 - table names from the models
            "WHERE id IN (SELECT vacancy_id FROM batch) ORDER BY id FOR UPDATE), "
            f"counted AS (UPDATE {vacancies} AS v SET view_count = v.view_count + b.views, "
            "apply_click_count = v.apply_click_count + b.clicks FROM (SELECT vacancy_id, "
            "SUM(views) AS views, SUM(clicks) AS clicks FROM batch GROUP BY vacancy_id) AS b "
            "JOIN locked ON locked.id = b.vacancy_id "
            "WHERE v.id = b.vacancy_id RETURNING v.id) "
            f"INSERT INTO {table} (vacancy_id, day, source, views, apply_clicks) "
            "SELECT batch.vacancy_id, batch.day, batch.source, batch.views, batch.clicks "
            "FROM batch JOIN counted ON counted.id = batch.vacancy_id, quick "
            f"{_upsert_tail(table, ('views', 'apply_clicks'))}",
            params,
        )


atexit.register(flush_counts)


def record_view(vacancy, *, source: str, now=None) -> None:
    """Count one view of ``vacancy`` (anything with its ``pk``) from ``source``."""
    _record(vacancy.pk, source=source, now=now, views=1, clicks=0)


def record_apply_click(vacancy, *, source: str, now=None) -> None:
    """Count one click on ``vacancy``'s apply link from ``source``."""
    _record(vacancy.pk, source=source, now=now, views=0, clicks=1)


def counted_source(source: str) -> str:
    """The ``TrafficSource`` an application's ``source`` is counted under: none is direct
    (as the funnel has always shown it), an unknown one other."""
    if not source:
        return TrafficSource.DIRECT
    return source if source in TrafficSource.values else TrafficSource.OTHER


def record_applications(changes: Iterable[tuple[int, datetime, str, int, int]]) -> None:
    """Count submitted applications and hires: each change is ``(vacancy_id, submitted_at,
    source, applications, hires)``, the amounts +1, 0 or -1 (a hire undone); one never
    submitted counts nowhere.

    Written at once in the caller's transaction, one statement per (vacancy, day, source),
    in a fixed order, so two transactions counting the same rows never deadlock. A rise is the
    views' upsert; a fall is an ``UPDATE`` by ``F()`` of the row the submission made, which
    never takes a counter below zero (a count that is not there is logged, not invented).
    """
    totals: dict[tuple[int, date, str], list[int]] = defaultdict(lambda: [0, 0])
    for vacancy_id, submitted_at, source, applications, hires in changes:
        if submitted_at is None:  # never submitted, so never counted
            continue
        key = (vacancy_id, timezone.localdate(submitted_at), counted_source(source))
        totals[key][0] += applications
        totals[key][1] += hires
    for key in sorted(totals):
        amounts = dict(zip(("applications", "hires"), totals[key], strict=True))
        rises = {name: n for name, n in amounts.items() if n > 0}
        falls = {name: -n for name, n in amounts.items() if n < 0}
        if rises:
            _upsert_traffic(*key, **rises)
        if falls:
            vacancy_id, day, source = key
            changed = VacancyTraffic.objects.filter(
                vacancy_id=vacancy_id,
                day=day,
                source=source,
                **{f"{name}__gte": n for name, n in falls.items()},
            ).update(**{name: F(name) - n for name, n in falls.items()})
            if not changed:
                logger.warning("no %s to take back on %s", ", ".join(falls), key)
