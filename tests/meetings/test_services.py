"""meetings.services: agenda order without gaps, refusals, decisions that mark the case discussed, stamps."""

import datetime
import inspect

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case
from meetings import services
from meetings.decisions import PathwayOption, decisions_for_case
from meetings.models import AgendaItem, Decision, Meeting
from tests.factories import CaseFactory
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory, ReadyCaseFactory

pytestmark = pytest.mark.django_db


def test_every_service_takes_keyword_arguments_only():
    public = {
        name: function
        for name, function in inspect.getmembers(services, inspect.isfunction)
        if function.__module__ == services.__name__ and not name.startswith("_")
    }
    assert {"create_meeting", "add_case_to_agenda", "record_decision", "request_packet"} <= public.keys()
    for name, function in public.items():
        kinds = {parameter.kind for parameter in inspect.signature(function).parameters.values()}
        assert kinds <= {inspect.Parameter.KEYWORD_ONLY}, name


def order(meeting: Meeting) -> list[int]:
    """The case ids in agenda order, checking that positions are 1..n."""
    items = list(meeting.agenda_items.order_by("position"))
    assert [item.position for item in items] == list(range(1, len(items) + 1))
    return [item.case_id for item in items]


@pytest.fixture
def agenda(coordinator):
    """A meeting with five ready cases on its agenda (A..E)."""
    meeting = MeetingFactory()
    cases = [ReadyCaseFactory() for _ in range(5)]
    for case in cases:
        services.add_case_to_agenda(user=coordinator, meeting_id=meeting.pk, case_id=case.pk)
    return meeting, [case.pk for case in cases]


def test_create_meeting_needs_a_location_or_a_video_link(coordinator):
    starts = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError, match="location or a video link"):
        services.create_meeting(user=coordinator, board_name="Board", starts_at=starts)
    meeting = services.create_meeting(
        user=coordinator, board_name="Board", starts_at=starts, video_link="https://video.example.org/x"
    )
    assert (meeting.created_by, meeting.updated_by) == (coordinator, coordinator)


def test_adding_appends_with_the_cases_question_and_stamps(coordinator):
    meeting = MeetingFactory()
    first = services.add_case_to_agenda(
        user=coordinator, meeting_id=meeting.pk, case_id=ReadyCaseFactory(board_question="Q1?").pk
    )
    second = services.add_case_to_agenda(
        user=coordinator,
        meeting_id=meeting.pk,
        case_id=ReadyCaseFactory().pk,
        board_question="Own question?",
        expected_minutes=12,
    )
    assert (first.position, first.board_question, first.expected_minutes) == (1, "Q1?", 5)
    assert (second.position, second.board_question, second.expected_minutes) == (2, "Own question?", 12)
    assert first.created_by == coordinator and first.updated_by == coordinator
    meeting.refresh_from_db()
    assert meeting.updated_by == coordinator


@pytest.mark.parametrize("status", ["draft", "discussed", "closed"])
def test_only_ready_cases_go_on_the_agenda(coordinator, status):
    meeting = MeetingFactory()
    with pytest.raises(ValidationError, match="ready for the board"):
        services.add_case_to_agenda(
            user=coordinator, meeting_id=meeting.pk, case_id=CaseFactory(status=status).pk
        )
    assert not meeting.agenda_items.exists()


def test_a_case_goes_on_an_agenda_once(coordinator):
    meeting, cases = MeetingFactory(), ReadyCaseFactory()
    services.add_case_to_agenda(user=coordinator, meeting_id=meeting.pk, case_id=cases.pk)
    with pytest.raises(ValidationError, match="already on the agenda"):
        services.add_case_to_agenda(user=coordinator, meeting_id=meeting.pk, case_id=cases.pk)


def test_expected_minutes_are_bounded(coordinator):
    meeting = MeetingFactory()
    with pytest.raises(ValidationError):
        services.add_case_to_agenda(
            user=coordinator, meeting_id=meeting.pk, case_id=ReadyCaseFactory().pk, expected_minutes=0
        )
    with pytest.raises(ValidationError):
        services.add_case_to_agenda(
            user=coordinator, meeting_id=meeting.pk, case_id=ReadyCaseFactory().pk, expected_minutes=61
        )


@pytest.mark.parametrize(
    ("case_index", "to_position", "expected"),
    [
        (0, 5, [1, 2, 3, 4, 0]),
        (4, 1, [4, 0, 1, 2, 3]),
        (2, 2, [0, 2, 1, 3, 4]),
        (2, 3, [0, 1, 2, 3, 4]),
        (1, 99, [0, 2, 3, 4, 1]),  # past the end: last
        (3, -4, [3, 0, 1, 2, 4]),  # before the start: first
    ],
)
def test_move_to_a_position(coordinator, agenda, case_index, to_position, expected):
    meeting, cases = agenda
    item = meeting.agenda_items.get(case_id=cases[case_index])
    moved = services.move_agenda_item(
        user=coordinator, meeting_id=meeting.pk, item_id=item.pk, to_position=to_position
    )
    assert order(meeting) == [cases[index] for index in expected]
    assert moved.position == expected.index(case_index) + 1


def test_shift_up_and_down_from_where_the_item_is_now(coordinator, agenda):
    meeting, cases = agenda
    item = meeting.agenda_items.get(case_id=cases[2])
    services.shift_agenda_item(user=coordinator, meeting_id=meeting.pk, item_id=item.pk, by=-1)
    services.shift_agenda_item(user=coordinator, meeting_id=meeting.pk, item_id=item.pk, by=-1)
    # Already first: stays.
    services.shift_agenda_item(user=coordinator, meeting_id=meeting.pk, item_id=item.pk, by=-1)
    assert order(meeting) == [cases[2], cases[0], cases[1], cases[3], cases[4]]
    services.shift_agenda_item(user=coordinator, meeting_id=meeting.pk, item_id=item.pk, by=1)
    assert order(meeting) == [cases[0], cases[2], cases[1], cases[3], cases[4]]
    moved = AgendaItem.objects.get(pk=item.pk)
    assert moved.updated_by == coordinator


def test_moving_an_item_of_another_meeting_is_refused(coordinator, agenda):
    meeting, _ = agenda
    stranger = AgendaItemFactory()
    with pytest.raises(ValidationError, match="no longer on this agenda"):
        services.move_agenda_item(user=coordinator, meeting_id=meeting.pk, item_id=stranger.pk, to_position=1)


def test_removing_closes_the_gap(coordinator, agenda):
    meeting, cases = agenda
    services.remove_agenda_item(
        user=coordinator, meeting_id=meeting.pk, item_id=meeting.agenda_items.get(case_id=cases[1]).pk
    )
    assert order(meeting) == [cases[0], cases[2], cases[3], cases[4]]


def test_a_decided_case_stays_on_the_agenda(coordinator, agenda):
    meeting, cases = agenda
    item = meeting.agenda_items.get(case_id=cases[0])
    DecisionFactory(agenda_item=item)
    with pytest.raises(ValidationError, match="stays on the agenda"):
        services.remove_agenda_item(user=coordinator, meeting_id=meeting.pk, item_id=item.pk)
    assert order(meeting) == cases


def test_attendees_are_added_and_removed(coordinator):
    meeting = MeetingFactory()
    attendee = services.add_attendee(
        user=coordinator, meeting_id=meeting.pk, name="  Dr. P  ", specialty="pathology"
    )
    assert (attendee.name, attendee.created_by) == ("Dr. P", coordinator)
    with pytest.raises(ValidationError):
        services.add_attendee(user=coordinator, meeting_id=meeting.pk, name="Dr. X", specialty="astrology")
    services.remove_attendee(user=coordinator, meeting_id=meeting.pk, attendee_id=attendee.pk)
    assert not meeting.attendees.exists()


def decide(user, item, **changes):
    values = {
        "option": PathwayOption("ssa", "Somatostatin analogue", "recommended", "consensus", "Front line"),
        "plan": "",
        "follows_guideline": True,
        "deviation_reason": "",
        "deviation_detail": "",
        "responsible_clinician": user,
        "next_review_on": timezone.localdate() + datetime.timedelta(days=60),
    }
    existing = Decision.objects.filter(agenda_item=item).first()
    values["loaded_version"] = existing.version if existing else None
    return services.record_decision(user=user, item_id=item.pk, **{**values, **changes})


def test_a_decision_marks_the_case_discussed_in_its_history(clinician):
    item = AgendaItemFactory()
    decision = decide(clinician, item)
    assert (decision.option_code, decision.option_text, decision.option_strength) == (
        "ssa",
        "Somatostatin analogue",
        "consensus",
    )
    assert decision.created_by == clinician and decision.engine_version
    case = Case.objects.get(pk=item.case_id)
    assert case.status == "discussed" and case.updated_by == clinician
    assert case.history.first().status == "discussed"  # the case's change history records it
    assert decisions_for_case(case) == [decision]


def test_a_deviation_needs_a_coded_reason_and_other_needs_words(clinician):
    item = AgendaItemFactory()
    with pytest.raises(ValidationError) as refused:
        decide(clinician, item, follows_guideline=False)
    assert "deviation_reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        decide(clinician, item, follows_guideline=False, deviation_reason="other")
    assert "deviation_detail" in refused.value.message_dict
    assert not Decision.objects.exists()
    assert Case.objects.get(pk=item.case_id).status == "ready"  # nothing recorded, nothing marked
    decision = decide(
        clinician, item, follows_guideline=False, deviation_reason="other", deviation_detail="Travel distance"
    )
    assert (decision.deviation_reason, decision.deviation_detail) == ("other", "Travel distance")


def test_a_plan_is_an_option_or_free_text(clinician):
    item = AgendaItemFactory()
    with pytest.raises(ValidationError, match="option or describe the plan"):
        decide(clinician, item, option=None, plan="   ")
    decision = decide(clinician, item, option=None, plan="Best supportive care\nat home")
    assert (decision.option_code, decision.plan_title) == ("", "Best supportive care")


def test_following_the_guideline_drops_a_leftover_reason_and_corrections_update_in_place(clinician):
    item = AgendaItemFactory()
    first = decide(clinician, item, follows_guideline=False, deviation_reason="clinical_trial")
    second = decide(clinician, item, deviation_reason="patient_preference")
    assert first.pk == second.pk and Decision.objects.count() == 1
    assert (second.follows_guideline, second.deviation_reason) == (True, "")
    assert second.history.count() == 2  # the correction is in the decision's own history


@pytest.mark.parametrize(
    "fields",
    [
        {"follows_guideline": False},
        {"follows_guideline": False, "deviation_reason": "other"},
        {"plan": ""},
        {"follows_guideline": True, "deviation_reason": "clinical_trial"},
    ],
)
def test_the_database_refuses_an_incomplete_decision(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionFactory(**fields)
