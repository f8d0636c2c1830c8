"""Schemathesis against the OpenAPI schema, bounded: no 500 and no response outside the schema."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from cases import roles
from interop.api.tokens import issue_token
from tests.factories import CaseFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory, DecisionFactory

pytestmark = pytest.mark.django_db
# Each operation gets this many generated calls: bounded, so the suite stays fast.
EXAMPLES_PER_OPERATION = 15


@pytest.fixture
def test_connection_kept_open():
    """Keep the test's own database connection through each WSGI call, as Django's test client does.

    The WSGI handler closes "old" connections when a request starts and ends; inside the test's
    transaction that is the test's connection, and on PostgreSQL every later query would fail.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token():
    item = AgendaItemFactory(case=CaseFactory())
    DecisionFactory(agenda_item=item)
    # A clinician may call every operation, POST /api/cases included, so none answers only 403.
    return issue_token(user=UserFactory(username="schemathesis", role=roles.CLINICIAN))


def test_every_operation_answers_within_its_schema(token, test_connection_kept_open):
    # Loaded in the test (schemathesis' pytest fixture loader does not run under this pytest).
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5

    for operation in operations:
        answers_within_the_schema(operation, token)


def answers_within_the_schema(operation, token):
    """Bounded generated calls of one operation: no 500, no response outside the schema."""
    # Schema-valid facts may still contradict each other or break a workup rule (a JSON schema cannot
    # state cross-field rules): a 422 for them is right, so creation is not held to "valid = accepted".
    excluded = [positive_data_acceptance] if operation.method.upper() == "POST" else []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def call(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=excluded)

    call()
