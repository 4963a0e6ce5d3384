"""The API against its own OpenAPI schema: schemathesis generates requests for every operation
(valid and invalid parameters and bodies) and calls the WSGI app in-process.

Fails on any server error, on a status code or content type the schema does not document,
and on a response body that does not match its documented schema. A few hundred cases in
all; requests carry an employer member's token so the write operations run their real code.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from employers import services as employer_services
from tests import factories

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def token(db):
    """A verified employer's member with a draft, a live and a closed vacancy to act on."""
    cache.clear()
    membership = factories.MembershipFactory()
    factories.VacancyFactory(employer=membership.employer)
    factories.LiveVacancyFactory(employer=membership.employer)
    factories.ClosedVacancyFactory(employer=membership.employer)
    factories.LiveVacancyFactory()
    return employer_services.api_token_create(user=membership.user).key


EXAMPLES = {GenerationMode.POSITIVE: 18, GenerationMode.NEGATIVE: 10}


@pytest.fixture
def keep_test_connection():
    """Calling the WSGI app directly would close the test's connection around each request
    (Django's own test client avoids that the same way), losing the test transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def test_api_matches_schema(token, keep_test_connection):
    from jobboard.wsgi import application

    api = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    headers = {"Authorization": f"Token {token}"}
    failures, operations, cases = [], 0, 0
    for result in api.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode, examples in EXAMPLES.items():

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                nonlocal cases
                cases += 1
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                pass  # nothing invalid to send (an operation without parameters)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collect them all
                failures.append(f"{operation.label} ({mode}): {exc}")
    assert not failures, "\n\n".join(failures)
    assert operations >= 18
    assert cases >= 300
