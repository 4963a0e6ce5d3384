"""A statement stopped by the web's statement timeout gives a 503 "busy" page, not a 500."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection

# Committed, so the blocking session sees the table in use; the gazetteer is restored after.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_query_past_the_statement_timeout_gives_a_busy_page(client, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    params = connection.get_connection_params()
    blocker = psycopg.connect(
        dbname=params["dbname"],
        user=params.get("user"),
        host=params.get("host"),
        port=params.get("port"),
        password=params.get("password"),
        autocommit=False,
    )
    try:
        # Another session holds the vacancy table, so the search's count has to wait for it.
        blocker.execute("SET lock_timeout = '5s'")
        blocker.execute("LOCK TABLE listings_vacancy IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 300")
        response = client.get("/jobs/")
    finally:
        blocker.rollback()
        blocker.close()
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"The site is busy" in response.content
    # The connection is usable again once the lock is gone.
    assert client.get("/jobs/").status_code == 200
