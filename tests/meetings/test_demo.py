"""The demo meeting: upcoming, a full core panel, every ready demo case on the agenda; safe to repeat."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from meetings.demo import DEMO_BOARD, next_board_time, seed_demo_meeting
from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def test_the_demo_meeting_is_upcoming_with_attendees_and_the_ready_demo_cases(demo_cases, coordinator):
    meeting = seed_demo_meeting()
    assert meeting.board_name == DEMO_BOARD and meeting.starts_at > timezone.now()
    assert {"pathology", "radiology"} <= set(meeting.attendees.values_list("specialty", flat=True))
    ready = sorted(case.patient.mrn for case in demo_cases.values() if case.status == "ready")
    on_agenda = meeting.agenda_items.order_by("position").values_list("case__patient__mrn", flat=True)
    assert list(on_agenda) == ready and len(ready) == 9
    assert meeting.created_by == coordinator


def test_seeding_again_changes_nothing(demo_cases, coordinator):
    first = seed_demo_meeting(coordinator)
    again = seed_demo_meeting(coordinator)
    assert first.pk == again.pk and Meeting.objects.count() == 1
    assert again.attendees.count() == 6 and again.agenda_items.count() == 9


def test_seed_demo_adds_the_demo_meeting_by_the_demo_coordinator_and_says_so(settings):
    settings.DEBUG = True
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    meeting = Meeting.objects.get()
    assert meeting.board_name == DEMO_BOARD and meeting.created_by.username == "coordinator"
    assert meeting.agenda_items.count() == 9 and meeting.attendees.count() == 6
    assert f"Demo meeting: {meeting}" in output.getvalue()
    call_command("seed_demo", stdout=io.StringIO())
    assert Meeting.objects.get().pk == meeting.pk


def test_the_board_meets_next_thursday_afternoon():
    wednesday = timezone.make_aware(datetime.datetime(2026, 11, 25, 9, 0))
    thursday = timezone.make_aware(datetime.datetime(2026, 11, 26, 9, 0))
    assert timezone.localtime(next_board_time(wednesday)).strftime("%a %d %H:%M") == "Thu 26 16:00"
    assert timezone.localtime(next_board_time(thursday)).strftime("%a %d %H:%M") == "Thu 03 16:00"
