"""The meeting page, its agenda changes and the meeting list take a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.meetings.conftest import HTMX
from tests.meetings.factories import (
    AgendaItemFactory,
    AttendeeFactory,
    DecisionFactory,
    MeetingFactory,
    ReadyCaseFactory,
)

pytestmark = pytest.mark.django_db


def meeting_with(cases: int):
    """A meeting with `cases` agenda items (every other one decided), attendees and a ready case to add."""
    meeting = MeetingFactory()
    for specialty in ("pathology", "radiology", "surgery"):
        AttendeeFactory(meeting=meeting, specialty=specialty)
    for number in range(cases):
        item = AgendaItemFactory(meeting=meeting)
        if number % 2 == 0:
            DecisionFactory(agenda_item=item)
    ReadyCaseFactory()
    return meeting


def count(client, method, path, data=None, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, data or {}, **headers)
    assert response.status_code in (200, 302), response.status_code
    return len(queries)


@pytest.mark.parametrize("viewer", ["coordinator_client", "clinician_client"])
def test_the_meeting_page_does_not_grow_with_the_agenda(request, viewer):
    client = request.getfixturevalue(viewer)
    few, many = meeting_with(2), meeting_with(12)
    baseline = count(client, "get", reverse("meetings:detail", args=[few.pk]))
    # session, user, permissions, meeting, its packets (one per kind), attendees, agenda, ready cases,
    # and the read trail: the ready patients offered to a coordinator, one insert of the access events
    assert baseline <= 15
    assert count(client, "get", reverse("meetings:detail", args=[many.pk])) == baseline


def test_an_agenda_move_does_not_grow_with_the_agenda(coordinator_client):
    few, many = meeting_with(3), meeting_with(12)

    def move(meeting) -> int:
        item = meeting.agenda_items.get(position=2)
        path = reverse("meetings:agenda_move", args=[meeting.pk, item.pk])
        return count(coordinator_client, "post", path, {"position": "1"}, **HTMX)

    assert move(few) == move(many)


def test_adding_a_case_does_not_grow_with_the_agenda(coordinator_client):
    few, many = meeting_with(2), meeting_with(12)

    def add(meeting) -> int:
        case = ReadyCaseFactory()
        path = reverse("meetings:agenda_add", args=[meeting.pk])
        return count(
            coordinator_client, "post", path, {"add-case": case.pk, "add-expected_minutes": 5}, **HTMX
        )

    assert add(few) == add(many)


def test_the_packet_status_poll_does_not_grow_with_the_agenda(coordinator_client):
    few, many = meeting_with(2), meeting_with(12)
    baseline = count(coordinator_client, "get", reverse("meetings:packet_status", args=[few.pk]))
    assert count(coordinator_client, "get", reverse("meetings:packet_status", args=[many.pk])) == baseline


def test_the_meeting_list_does_not_grow_with_the_meetings(viewer_client):
    meeting_with(1)
    baseline = count(viewer_client, "get", reverse("meetings:list"))
    for _ in range(5):
        meeting_with(2)
    assert count(viewer_client, "get", reverse("meetings:list")) == baseline
