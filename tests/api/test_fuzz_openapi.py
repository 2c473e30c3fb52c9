"""The API is fuzzed from its own OpenAPI description: whatever a client sends, the answer is
a documented status with a JSON body — never a 500, never an undocumented shape.

Schemathesis generates requests from /api/v1/openapi.json (valid and invalid parameters,
odd strings, large numbers) and sends them through Django's WSGI application.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _allow_fuzzing_hosts(settings):
    settings.ALLOWED_HOSTS = ["*"]


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_the_api_never_fails_whatever_it_is_sent(case):
    response = case.call()
    assert response.status_code < 500, (response.status_code, case.path, case.query)
    if response.content:
        assert response.headers["content-type"][0].startswith("application/json"), (
            response.status_code, response.content[:300])
        response.json()
    case.validate_response(response)
