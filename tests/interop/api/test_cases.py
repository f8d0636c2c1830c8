"""GET /api/cases (search, filters, pages, audit per row) and GET /api/cases/{id} (facts and pathway)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import roles
from cases.models import AccessEvent, Case
from cases.views.case_list import PAGE_SIZE
from tests.factories import CaseFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    user = UserFactory(username="reader", role=roles.VIEWER)
    client.force_login(user)
    return user


def test_the_list_searches_by_name_and_filters_like_the_page(reader, client):
    doe = CaseFactory(patient=PatientFactory(family_name="Doe"), classification="nec")
    CaseFactory(patient=PatientFactory(family_name="Roe"), classification="g3_net")
    CaseFactory(patient=PatientFactory(family_name="Doe-Closed"), status="closed")
    found = client.get("/api/cases", {"q": "doe"}).json()
    assert [row["id"] for row in found["results"]] == [doe.pk]
    assert found["results"][0]["mrn"] == doe.patient.mrn
    assert [row["id"] for row in client.get("/api/cases", {"classification": "nec"}).json()["results"]] == [
        doe.pk
    ]
    closed = client.get("/api/cases", {"status": "closed"}).json()["results"]
    assert [row["family_name"] for row in closed] == ["Doe-Closed"]


def test_the_list_is_paginated(reader, client):
    CaseFactory.create_batch(PAGE_SIZE + 2)
    first = client.get("/api/cases").json()
    second = client.get("/api/cases", {"page": 2}).json()
    assert (first["count"], first["pages"], len(first["results"])) == (PAGE_SIZE + 2, 2, PAGE_SIZE)
    assert (second["page"], len(second["results"])) == (2, 2)
    assert not {row["id"] for row in first["results"]} & {row["id"] for row in second["results"]}


def test_each_listed_case_is_audited_as_an_api_list_read(reader, client):
    cases = CaseFactory.create_batch(3)
    client.get("/api/cases")
    events = AccessEvent.objects.filter(user=reader)
    assert {(event.case_id, event.patient_id, event.action) for event in events} == {
        (case.pk, case.patient_id, AccessEvent.Action.API_LIST) for case in cases
    }


def test_the_list_takes_as_many_queries_for_many_cases_as_for_one(reader, client):
    CaseFactory()
    with CaptureQueriesContext(connection) as one:
        client.get("/api/cases")
    CaseFactory.create_batch(10)
    with CaptureQueriesContext(connection) as many:
        client.get("/api/cases")
    assert len(many) == len(one)
    # session, user, permissions (2), count, the page's rows, the audit insert, the session's save (3)
    assert len(many) <= 10


def test_a_complete_case_comes_with_its_facts_and_pathway(reader, client, demo_cases):
    case = demo_cases["P01"]
    body = client.get(f"/api/cases/{case.pk}").json()
    assert body["id"] == case.pk
    assert body["facts"]["primary_site"] == case.primary_site
    assert body["pathway"]["contract"]
    assert body["pathway"]["recommendations"]
    assert body["missing"] == [] and body["contradictions"] == []


def test_an_incomplete_case_lists_the_missing_facts_and_no_pathway(reader, client):
    case = CaseFactory()
    body = client.get(f"/api/cases/{case.pk}").json()
    assert body["pathway"] is None
    assert body["missing"]
    assert {"field", "label", "step"} == set(body["missing"][0])


def test_reading_a_case_is_audited_as_an_api_read(reader, client):
    case = CaseFactory()
    client.get(f"/api/cases/{case.pk}")
    event = AccessEvent.objects.get(user=reader)
    assert (event.case_id, event.patient_id, event.action) == (
        case.pk,
        case.patient_id,
        AccessEvent.Action.API_READ,
    )


def test_a_refused_read_is_not_audited(client):
    client.force_login(UserFactory(username="privacy", role=roles.AUDITOR))
    case = CaseFactory()
    assert client.get(f"/api/cases/{case.pk}").status_code == 403
    assert not AccessEvent.objects.exists()
    assert Case.objects.count() == 1
