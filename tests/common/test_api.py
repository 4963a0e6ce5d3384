"""The helpers every API view shares: strict parsing, a service's refusal as an API error,
capped page envelopes, and JSON answers for unknown paths."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from common.api import (
    MAX_API_PAGES,
    Conflict,
    PageParams,
    page_envelope,
    parse,
    query_dict,
    service_error,
)


class NameParams(PageParams):
    name = serializers.CharField(max_length=5)
    tags = serializers.ListField(child=serializers.CharField(), required=False)


def test_parse_names_each_bad_field():
    with pytest.raises(serializers.ValidationError) as caught:
        parse(NameParams, {"name": "far too long", "page": "0"})
    assert set(caught.value.detail) == {"name", "page"}


def test_parsed_parameters_become_a_query_dict_without_empties():
    params = parse(NameParams, query_dict({"name": ["Ann"], "tags": ["a", "b"], "page": ["2"]}))
    data = params.filter_data()
    assert data == {"name": ["Ann"], "tags": ["a", "b"], "page": ["2"]}
    assert query_dict(data).getlist("tags") == ["a", "b"]
    assert parse(NameParams, {"name": "Ann", "tags": []}).filter_data() == {"name": ["Ann"]}


@pytest.mark.parametrize(
    ("error", "detail"),
    [
        (
            ValidationError({"closes_at": ["Too late."], NON_FIELD_ERRORS: ["Not now."]}),
            {"closes_at": ["Too late."], "non_field_errors": ["Not now."]},
        ),
        (ValidationError("Not allowed."), {"non_field_errors": ["Not allowed."]}),
    ],
)
def test_a_service_refusal_is_a_400_in_the_field_shape(error, detail):
    exc = service_error(error)
    assert isinstance(exc, serializers.ValidationError)
    assert exc.status_code == 400
    assert exc.detail == detail


def test_a_version_conflict_is_a_409():
    exc = service_error(ValidationError("A colleague saved first.", code="conflict"))
    assert isinstance(exc, Conflict) and exc.status_code == 409
    assert str(exc.detail) == "A colleague saved first."


def _request(path: str) -> Request:
    return Request(APIRequestFactory().get(path))


def test_a_page_links_to_its_neighbours_with_absolute_urls():
    request = _request("/api/v1/things/?name=Ann&page=2&page_size=2")
    params = parse(NameParams, request.query_params)
    page = page_envelope(request, params, queryset=list(range(5)), count=5, extra={"x": 1})
    assert page["rows"] == [2, 3]
    assert (page["count"], page["page"], page["pages"], page["page_size"]) == (5, 2, 3, 2)
    assert page["next"] == "http://127.0.0.1:8000/api/v1/things/?name=Ann&page=3&page_size=2"
    assert page["previous"] == "http://127.0.0.1:8000/api/v1/things/?name=Ann&page=1&page_size=2"
    assert page["x"] == 1


def test_pages_are_capped_and_past_the_end_is_empty():
    request = _request("/api/v1/things/?name=Ann&page=3")
    params = parse(NameParams, request.query_params)
    huge = page_envelope(request, params, queryset=range(10_000), count=10_000)
    assert huge["pages"] == MAX_API_PAGES
    past = page_envelope(request, params, queryset=range(5), count=5)
    assert past["rows"] == [] and past["next"] is None and past["previous"] is None


@pytest.mark.django_db
def test_unknown_api_paths_answer_json(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}
    assert client.get("/api/v1/vacancies/ABC/xyz").status_code == 404


@pytest.mark.django_db
def test_a_missing_slash_is_a_redirect_that_keeps_the_method(client):
    missing_slash = client.get("/api/v1/vacancies?profession=social-worker")
    assert missing_slash.status_code == 308
    assert missing_slash["Location"] == "/api/v1/vacancies/?profession=social-worker"
    posted = client.post("/api/v1/vacancies/related", {"text": "nurse"})
    assert posted.status_code == 308 and posted["Location"] == "/api/v1/vacancies/related/"
