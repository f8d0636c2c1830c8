"""Two people editing one decision, agenda question or meeting: the later save from an older form is refused
with what changed (409), and nothing the first person saved is overwritten."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import roles
from cases.services import StaleEdit
from meetings import services
from meetings.decisions import options_for_case
from meetings.models import AgendaItem, Decision, Meeting
from tests.factories import UserFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def loaded_version(page: str, name: str = "loaded_version") -> str:
    """The version a form on the page was loaded at ("" when it shows no record yet)."""
    tag = re.search(rf'<input type="hidden" name="{re.escape(name)}"[^>]*>', page)
    assert tag, f"no hidden {name} on the page"
    value = re.search(r'value="(\d*)"', tag.group(0))
    return value.group(1) if value else ""


@pytest.fixture
def two_clinicians():
    return (
        UserFactory(username="anna", first_name="Anna", last_name="First", role=roles.CLINICIAN),
        UserFactory(username="bert", first_name="Bert", last_name="Second", role=roles.CLINICIAN),
    )


@pytest.fixture
def item(demo_cases, coordinator):
    meeting = MeetingFactory()
    return services.add_case_to_agenda(user=coordinator, meeting_id=meeting.pk, case_id=demo_cases["P01"].pk)


def decision_data(version: str, responsible, **changes):
    return {
        "option": "",
        "plan": "",
        "follows": "yes",
        "deviation_reason": "",
        "deviation_detail": "",
        "responsible_clinician": responsible.pk,
        "next_review_on": (timezone.localdate() + datetime.timedelta(days=84)).isoformat(),
        "loaded_version": version,
        **changes,
    }


def test_a_second_first_decision_from_an_older_form_is_refused_and_the_first_survives(two_clinicians, item):
    anna, bert = two_clinicians
    a, b = client_for(anna), client_for(bert)
    url = reverse("meetings:decision", args=[item.meeting_id, item.pk])
    # Both open the form while no decision is recorded.
    version_a, version_b = loaded_version(a.get(url).text), loaded_version(b.get(url).text)
    assert version_a == version_b == ""

    assert a.post(url, decision_data(version_a, anna, plan="Surgery, then observation")).status_code == 302
    refused = b.post(url, decision_data(version_b, bert, plan="Platinum/etoposide", follows="no",
                                        deviation_reason="patient_preference"))  # fmt: skip

    assert refused.status_code == 409
    assert "Not saved: Decision was recorded by anna at" in refused.text
    assert "Plan: Surgery, then observation" in refused.text  # what Anna recorded
    assert "Responsible clinician: Anna First" in refused.text
    assert "Platinum/etoposide" in refused.text  # Bert's input is kept in the form
    decision = Decision.objects.get()
    assert (decision.plan, decision.created_by, decision.version) == ("Surgery, then observation", anna, 1)

    # Saving again after reading what Anna recorded applies Bert's plan knowingly.
    assert loaded_version(refused.text) == "1"
    again = decision_data(
        "1", bert, plan="Platinum/etoposide", follows="no", deviation_reason="patient_preference"
    )
    assert b.post(url, again).status_code == 302
    decision.refresh_from_db()
    assert (decision.plan, decision.updated_by, decision.deviation_reason) == (
        "Platinum/etoposide",
        bert,
        "patient_preference",
    )


def test_correcting_a_decision_from_an_older_form_is_refused_with_what_changed(two_clinicians, item):
    anna, bert = two_clinicians
    option = next(option for option in options_for_case(item.case_id) if option.status == "recommended")
    a, b = client_for(anna), client_for(bert)
    url = reverse("meetings:decision", args=[item.meeting_id, item.pk])
    assert a.post(url, decision_data("", anna, option=option.code)).status_code == 302
    version_a, version_b = loaded_version(a.get(url).text), loaded_version(b.get(url).text)
    assert version_a == version_b == "1"

    saved = a.post(url, decision_data(version_a, anna, option=option.code, plan="Start in two weeks"))
    assert saved.status_code == 302
    refused = b.post(url, decision_data(version_b, bert, plan="Best supportive care"))

    assert refused.status_code == 409
    assert "Decision was changed by anna" in refused.text
    assert "Plan: — → Start in two weeks" in refused.text
    decision = Decision.objects.get()
    assert (decision.option_code, decision.plan, decision.version) == (option.code, "Start in two weeks", 2)


def test_the_service_refuses_a_decision_whose_form_saw_none_once_one_exists(two_clinicians, item):
    anna, bert = two_clinicians
    values = {
        "option": None,
        "follows_guideline": True,
        "deviation_reason": "",
        "deviation_detail": "",
        "next_review_on": timezone.localdate() + datetime.timedelta(days=30),
        "loaded_version": None,
    }
    services.record_decision(
        user=anna, item_id=item.pk, plan="First plan", responsible_clinician=anna, **values
    )
    with pytest.raises(StaleEdit, match="recorded by anna"):
        services.record_decision(
            user=bert, item_id=item.pk, plan="Second plan", responsible_clinician=bert, **values
        )
    assert Decision.objects.get().plan == "First plan"


def test_an_agenda_question_saved_from_an_older_form_is_refused(coordinator):
    other = UserFactory(username="other-coordinator", role=roles.COORDINATOR)
    item = AgendaItemFactory(board_question="Surgery?")
    first, second = client_for(coordinator), client_for(other)
    page = reverse("meetings:detail", args=[item.meeting_id])
    prefix = f"item-{item.pk}"
    version = loaded_version(first.get(page).text, f"{prefix}-loaded_version")
    assert version == loaded_version(second.get(page).text, f"{prefix}-loaded_version") == str(item.version)
    url = reverse("meetings:agenda_item", args=[item.meeting_id, item.pk])

    def data(question):
        return {f"{prefix}-board_question": question, f"{prefix}-expected_minutes": "5",
                f"{prefix}-loaded_version": version}  # fmt: skip

    assert first.post(url, data("Surgery or PRRT first?")).status_code == 302
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        refused = second.post(url, data("Chemotherapy?"), **headers)
        assert refused.status_code == 409
        assert "Not saved: Agenda item was changed by coordinator" in refused.text
        assert "Question for the board: Surgery? → Surgery or PRRT first?" in refused.text
        assert "Chemotherapy?" in refused.text
    assert AgendaItem.objects.get(pk=item.pk).board_question == "Surgery or PRRT first?"


def test_a_meeting_edit_from_an_older_form_is_refused_but_an_added_attendee_does_not_make_it_stale(
    coordinator,
):
    other = UserFactory(username="other-coordinator", role=roles.COORDINATOR)
    meeting = MeetingFactory(board_name="NEN board", location="Room 1")
    first, second = client_for(coordinator), client_for(other)
    url = reverse("meetings:edit", args=[meeting.pk])
    version = loaded_version(first.get(url).text)
    assert version == loaded_version(second.get(url).text) == "1"
    # Someone adds an attendee meanwhile: the meeting's own fields are untouched, its version too.
    services.add_attendee(user=coordinator, meeting_id=meeting.pk, name="Dr. Path", specialty="pathology")

    def data(room):
        return {"board_name": "NEN board", "starts_at": "2026-12-10T16:00", "location": room,
                "video_link": "", "loaded_version": version}  # fmt: skip

    assert first.post(url, data("Room 2")).status_code == 302
    refused = second.post(url, data("Room 3"))
    assert refused.status_code == 409
    assert (
        "Meeting was changed by coordinator" in refused.text and "Location: Room 1 → Room 2" in refused.text
    )
    assert Meeting.objects.get(pk=meeting.pk).location == "Room 2"
