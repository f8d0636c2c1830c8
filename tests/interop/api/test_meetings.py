"""GET /api/meetings and GET /api/meetings/{id}: the agenda in order with its decisions, each case audited."""

import pytest

from cases import roles
from cases.models import AccessEvent
from tests.factories import UserFactory
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    user = UserFactory(username="reader", role=roles.COORDINATOR)
    client.force_login(user)
    return user


def test_the_meetings_are_listed_without_patient_data_or_audit(reader, client):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting)
    body = client.get("/api/meetings").json()
    assert [row["id"] for row in body] == [meeting.pk]
    assert body[0]["board_name"] == meeting.board_name
    assert not AccessEvent.objects.exists()


def test_a_meeting_comes_with_its_agenda_and_decisions(reader, client):
    meeting = MeetingFactory()
    second = AgendaItemFactory(meeting=meeting, position=2)
    first = AgendaItemFactory(meeting=meeting, position=1)
    DecisionFactory(agenda_item=first, plan="Surveillance.")
    body = client.get(f"/api/meetings/{meeting.pk}").json()
    assert [item["case_id"] for item in body["agenda"]] == [first.case_id, second.case_id]
    assert body["agenda"][0]["decision"]["plan"] == "Surveillance."
    assert body["agenda"][0]["decision"]["follows_guideline"] is True
    assert body["agenda"][1]["decision"] is None
    assert body["agenda"][0]["mrn"] == first.case.patient.mrn


def test_each_case_on_the_agenda_is_audited(reader, client):
    meeting = MeetingFactory()
    items = [AgendaItemFactory(meeting=meeting, position=position) for position in (1, 2)]
    client.get(f"/api/meetings/{meeting.pk}")
    events = AccessEvent.objects.filter(user=reader)
    assert {(event.case_id, event.action) for event in events} == {
        (item.case_id, AccessEvent.Action.API_READ) for item in items
    }
