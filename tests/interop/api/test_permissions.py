"""The API's permission matrix: every endpoint × every role, as the pages' (tests/nanets)."""

import json

import pytest
from django.test import Client

from cases import roles
from cases.models import Case
from interop.api.tokens import issue_token
from tests.factories import CaseFactory, UserFactory
from tests.interop.api.bodies import new_case_body
from tests.meetings.factories import AgendaItemFactory

pytestmark = pytest.mark.django_db

READERS = {roles.VIEWER, roles.CLINICIAN, roles.COORDINATOR, roles.ADMINISTRATOR}
ENDPOINTS = ["/api/cases", "/api/cases/{case}", "/api/meetings", "/api/meetings/{meeting}"]
ROLES = [roles.VIEWER, roles.CLINICIAN, roles.COORDINATOR, roles.ADMINISTRATOR, roles.AUDITOR]


@pytest.fixture
def item():
    return AgendaItemFactory(case=CaseFactory())


def url(endpoint: str, item) -> str:
    return endpoint.format(case=item.case_id, meeting=item.meeting_id)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_gets_401(endpoint, item):
    assert Client().get(url(endpoint, item)).status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_what_its_pages_show(endpoint, role, item, client):
    client.force_login(UserFactory(username="someone", role=role))
    response = client.get(url(endpoint, item))
    assert response.status_code == (200 if role in READERS else 403), response.content


def test_the_auditor_reads_the_trail_not_the_record(item, client):
    client.force_login(UserFactory(username="privacy", role=roles.AUDITOR))
    response = client.get(f"/api/cases/{item.case_id}")
    assert response.status_code == 403
    assert item.case.patient.mrn not in response.text


def test_unknown_case_and_meeting_are_404(client):
    client.force_login(UserFactory(username="someone", role=roles.VIEWER))
    assert client.get("/api/cases/999999").status_code == 404
    assert client.get("/api/meetings/999999").status_code == 404


WRITERS = {roles.CLINICIAN, roles.ADMINISTRATOR}


def create(client: Client, mrn: str):
    body = json.dumps(new_case_body(mrn=mrn))
    return client.post("/api/cases", body, content_type="application/json")


def test_anonymous_may_not_create_a_case():
    assert create(Client(), "API-ANON").status_code == 401
    assert not Case.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_creates_cases_as_its_pages_allow(role):
    user = UserFactory(username="someone", role=role)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user=user)}")
    response = create(client, f"API-{role}"[:32])
    assert response.status_code == (201 if role in WRITERS else 403), response.content
    assert Case.objects.filter(patient__mrn=f"API-{role}"[:32]).exists() == (role in WRITERS)
