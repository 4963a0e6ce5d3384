"""Bad input never answers 500: control characters, deep or huge JSON, a database away."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from common.parsers import MAX_DEPTH, nesting_depth
from jobboard.middleware import DatabaseUnavailableMiddleware

pytestmark = pytest.mark.django_db

RELATED = "/api/v1/vacancies/related/"


@pytest.mark.parametrize(
    "path",
    [
        "/vacancies/%00/",
        "/vacancies/%00/apply/",
        "/vacancies/AB%0012/some-slug/",
        "/jobs/%01/",
        "/employers/%7f/",
        "/api/v1/vacancies/%00/",
    ],
)
def test_a_control_character_in_the_path_names_nothing(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["q=%00", "location=le%00eds", "%00=1", "profession=a&q=x%00"])
def test_a_nul_in_the_query_string_is_cleaned_not_a_500(client, query):
    assert client.get(f"/jobs/?{query}").status_code == 200
    assert client.get(f"/api/v1/vacancies/?{query}").status_code in (200, 400)
    assert client.get(f"/employers/?{query}").status_code == 200


def test_ordinary_addresses_still_work(client):
    assert client.get("/jobs/?q=care+worker&location=leeds").status_code == 200


def test_deeply_nested_json_is_a_400_on_the_anonymous_related_endpoint(client):
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 5000 + "1" + "}" * 5000):
        response = client.post(RELATED, body, content_type="application/json")
        assert response.status_code == 400, response.content[:200]
        assert "nests deeper" in response.json()["detail"]


def test_a_huge_json_body_is_a_400(client):
    body = json.dumps({"text": "care " * 300_000})
    response = client.post(RELATED, body, content_type="application/json")
    assert response.status_code == 400
    assert "larger than" in response.json()["detail"]


def test_a_reasonable_body_is_still_read(client):
    body = json.dumps({"text": "We need a social worker in Leeds", "tags": ["social work"]})
    assert client.post(RELATED, body, content_type="application/json").status_code == 200


def test_nesting_depth_ignores_brackets_inside_strings():
    assert nesting_depth(b'{"a": "[[[[[[", "b": [1, {"c": "\\"]]]"}]}') == 3
    assert nesting_depth(b"[" * (MAX_DEPTH + 5)) > MAX_DEPTH


def _view_meeting_a_database_outage(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


@pytest.mark.parametrize(
    ("path", "kind"), [("/jobs/", "text/html"), ("/api/v1/vacancies/", "application/json")]
)
def test_a_database_outage_is_a_503_with_retry_after(path, kind):
    request = RequestFactory().get(path)
    middleware = DatabaseUnavailableMiddleware(_view_meeting_a_database_outage)
    try:
        _view_meeting_a_database_outage(request)
    except OperationalError as exc:
        response = middleware.process_exception(request, exc)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Content-Type"].startswith(kind)


def test_the_503_middleware_is_installed_after_the_statement_timeout_one(settings):
    order = settings.MIDDLEWARE
    assert order.index("jobboard.middleware.DatabaseUnavailableMiddleware") > order.index(
        "jobboard.middleware.StatementTimeoutMiddleware"
    )
    assert order[1] == "jobboard.middleware.RejectControlCharactersMiddleware"
