"""Property-based check of the public API against its own OpenAPI schema (schemathesis, no network:
requests go straight to Django's WSGI application). Every public endpoint must never answer 5xx and
every answer must conform to the schema (status code documented, body matching the documented shape)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

PUBLIC = [
    ("GET", "/api/v1/units/"),
    ("GET", "/api/v1/units/{id}/"),
    ("GET", "/api/v1/units/boundaries/"),
    ("GET", "/api/v1/frameworks/"),
    ("GET", "/api/v1/frameworks/{code}/"),
    ("POST", "/api/v1/evaluate/"),
]


@pytest.fixture
def public_api(an_giang):
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    # Like Django's test Client: the WSGI handler must not close the test's database connection at the
    # end of each request (on PostgreSQL that would end the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("public_api").include(
    lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in PUBLIC
)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_public_api_conforms_to_its_schema(case):
    # Every check except "a schema-valid request is accepted": framework codes, indicator codes, parent
    # codes and page numbers are data, so a well-typed but unknown one rightly answers a documented 4xx.
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    assert response.status_code < 500
    if response.status_code >= 400:
        content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type")
        assert "application/json" in str(content_type)
