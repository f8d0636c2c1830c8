"""Meeting pages: plain forms and htmx, permissions per role, write controls hidden without them."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Meeting
from tests.meetings.conftest import HTMX
from tests.meetings.factories import (
    AgendaItemFactory,
    AttendeeFactory,
    DecisionFactory,
    MeetingFactory,
    ReadyCaseFactory,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"meetings:{name}", args=args)


@pytest.fixture
def meeting():
    """A meeting with three cases on its agenda."""
    meeting = MeetingFactory()
    for _ in range(3):
        AgendaItemFactory(meeting=meeting)
    return meeting


def agenda(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))


# --- who may do what -------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, meeting):
    response = client.get(url("detail", meeting.pk))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["list", "detail", "present", "packet_status"])
def test_every_role_can_read(viewer_client, clinician_client, coordinator_client, meeting, name):
    args = () if name == "list" else (meeting.pk,)
    for client in (viewer_client, clinician_client, coordinator_client):
        assert client.get(url(name, *args)).status_code in (200, 302)


def test_a_user_without_a_role_may_not_read(client, meeting):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody", role=""))
    assert client.get(url("list")).status_code == 403
    assert client.get(url("detail", meeting.pk)).status_code == 403


def write_requests(meeting):
    item = meeting.agenda_items.first()
    return {
        "new": (url("new"), {}),
        "edit": (url("edit", meeting.pk), {}),
        "attendee_add": (
            url("attendee_add", meeting.pk),
            {"attendee-name": "X", "attendee-specialty": "surgery"},
        ),
        "agenda_add": (url("agenda_add", meeting.pk), {}),
        "agenda_item": (url("agenda_item", meeting.pk, item.pk), {}),
        "agenda_move": (url("agenda_move", meeting.pk, item.pk), {"direction": "down"}),
        "agenda_remove": (url("agenda_remove", meeting.pk, item.pk), {}),
        "packet_request": (url("packet_request", meeting.pk), {}),
        "decision": (url("decision", meeting.pk, item.pk), {}),
    }


def test_a_viewer_changes_nothing(viewer_client, meeting):
    before = agenda(meeting)
    for name, (path, data) in write_requests(meeting).items():
        assert viewer_client.post(path, data).status_code == 403, name
    assert agenda(meeting) == before


def test_a_clinician_records_decisions_but_does_not_manage_the_agenda(clinician_client, meeting):
    for name, (path, data) in write_requests(meeting).items():
        status = clinician_client.post(path, data).status_code
        if name == "decision":
            assert status == 422  # allowed, but the empty form does not validate
        else:
            assert status == 403, name


def test_the_page_hides_write_controls_without_the_permission(viewer_client, clinician_client, meeting):
    AttendeeFactory(meeting=meeting)
    page = viewer_client.get(url("detail", meeting.pk)).text
    for control in (
        "Add a case",
        "Add attendee",
        "move-up-",
        "remove-",
        "Edit the question",
        "Generate packet",
    ):
        assert control not in page
    assert "Record the decision" not in page and "Minutes PDF" in page  # reading the minutes is fine
    page = clinician_client.get(url("detail", meeting.pk)).text
    assert "Record the decision" in page and "Minutes PDF" in page
    assert "move-up-" not in page and "Add a case" not in page and "Edit meeting" not in page


def test_the_coordinator_sees_the_agenda_controls(coordinator_client, meeting):
    page = coordinator_client.get(url("detail", meeting.pk)).text
    for control in (
        "Add a case",
        "Add attendee",
        "move-up-",
        "remove-",
        "Edit the question",
        "Generate packet",
    ):
        assert control in page


def test_the_navbar_links_to_meetings_for_those_who_may_read_them(viewer_client, client):
    assert 'href="/meetings/"' in viewer_client.get(reverse("cases:list")).text
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody", role=""))
    assert 'href="/meetings/"' not in client.get(reverse("password_change")).text


# --- meetings --------------------------------------------------------------------------------


def test_the_list_shows_upcoming_and_past_meetings_with_counts(viewer_client, meeting):
    past = MeetingFactory(board_name="Last month", starts_at=timezone.now() - datetime.timedelta(days=30))
    DecisionFactory(agenda_item=meeting.agenda_items.first())
    page = viewer_client.get(url("list")).text
    upcoming, earlier = page.split('id="past-heading"')
    assert meeting.board_name in upcoming and past.board_name in earlier
    assert re.search(r">3</td>\s*<td class=\"text-end\">1</td>", upcoming)


def test_scheduling_a_meeting(coordinator_client, coordinator):
    response = coordinator_client.post(
        url("new"),
        {
            "board_name": "Thursday board",
            "starts_at": "2026-12-03T16:00",
            "location": "Room 2",
            "video_link": "",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", meeting.pk)
    assert meeting.created_by == coordinator
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-12-03 16:00"


def test_a_meeting_needs_a_place_or_a_video_link(coordinator_client):
    response = coordinator_client.post(url("new"), {"board_name": "Board", "starts_at": "2026-12-03T16:00"})
    assert response.status_code == 422
    assert "Give a location or a video link" in response.text
    assert not Meeting.objects.exists()


def test_editing_a_meeting(coordinator_client, meeting):
    data = {
        "board_name": "Renamed",
        "starts_at": "2026-12-10T08:30",
        "location": "",
        "video_link": "https://v.example.org/b",
        "loaded_version": str(meeting.version),
    }
    assert coordinator_client.post(url("edit", meeting.pk), data).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.board_name, meeting.location, meeting.video_link) == (
        "Renamed",
        "",
        "https://v.example.org/b",
    )


def test_attendees_and_panel_warnings(coordinator_client, meeting):
    page = coordinator_client.get(url("detail", meeting.pk)).text
    assert "No pathology" in page and "No radiology" in page
    for name, specialty in (("Dr. Path", "pathology"), ("Dr. Rad", "radiology")):
        response = coordinator_client.post(
            url("attendee_add", meeting.pk), {"attendee-name": name, "attendee-specialty": specialty}, **HTMX
        )
        assert response.status_code == 200
    assert "No pathology" not in response.text and "No radiology" not in response.text
    assert "Dr. Path" in response.text and "Not represented from the reference panel" in response.text
    attendee = meeting.attendees.get(name="Dr. Rad")
    response = coordinator_client.post(url("attendee_remove", meeting.pk, attendee.pk))
    assert response.status_code == 302
    assert "No radiology" in coordinator_client.get(response["Location"]).text


def test_an_attendee_needs_a_name_and_a_known_specialty(coordinator_client, meeting):
    response = coordinator_client.post(
        url("attendee_add", meeting.pk), {"attendee-name": "", "attendee-specialty": "astrology"}, **HTMX
    )
    assert response.status_code == 422
    assert "This field is required." in response.text and "Select a valid choice." in response.text


def test_a_gynecologic_case_without_gynecologic_oncology_is_flagged(viewer_client, meeting):
    AgendaItemFactory(meeting=meeting, case=ReadyCaseFactory(primary_site="cervix"))
    assert "no gynecologic oncology attends" in viewer_client.get(url("detail", meeting.pk)).text


# --- agenda ----------------------------------------------------------------------------------


def test_adding_a_ready_case_without_javascript(coordinator_client, meeting):
    case = ReadyCaseFactory(board_question="Is surgery possible?")
    page = coordinator_client.get(url("detail", meeting.pk)).text
    assert f'<option value="{case.pk}">' in page
    response = coordinator_client.post(
        url("agenda_add", meeting.pk), {"add-case": case.pk, "add-expected_minutes": 8}
    )
    item = AgendaItem.objects.get(case=case)
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{item.pk}")
    assert (item.position, item.expected_minutes, item.board_question) == (4, 8, "Is surgery possible?")
    page = coordinator_client.get(response["Location"]).text
    assert "added as case 4" in page


def test_the_picker_offers_only_ready_cases_not_on_the_agenda(coordinator_client, meeting):
    from tests.factories import CaseFactory

    draft, ready = CaseFactory(status="draft"), ReadyCaseFactory()
    on_agenda = meeting.agenda_items.first().case
    page = coordinator_client.get(url("detail", meeting.pk)).text
    assert f'value="{ready.pk}"' in page
    assert f'<option value="{draft.pk}"' not in page and f'<option value="{on_agenda.pk}"' not in page
    response = coordinator_client.post(
        url("agenda_add", meeting.pk), {"add-case": draft.pk, "add-expected_minutes": 5}
    )
    assert response.status_code == 422 and "Select a valid choice" in response.text


def test_htmx_gets_every_part_of_the_page_to_swap_in(coordinator_client, meeting):
    case = ReadyCaseFactory()
    response = coordinator_client.post(
        url("agenda_add", meeting.pk), {"add-case": case.pk, "add-expected_minutes": 5}, **HTMX
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    for part in ("meeting-agenda", "meeting-panel", "packet-panel"):
        assert re.search(rf'id="{part}"[^>]*hx-swap-oob="true"', response.text), part
    assert "added as case 4" in response.text


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_moving_up_and_down_and_to_a_position(coordinator_client, meeting, headers):
    first, second, third = agenda(meeting)
    response = coordinator_client.post(url("agenda_move", meeting.pk, third), {"direction": "up"}, **headers)
    assert response.status_code == (200 if headers else 302)
    assert agenda(meeting) == [first, third, second]
    coordinator_client.post(url("agenda_move", meeting.pk, first), {"direction": "down"}, **headers)
    assert agenda(meeting) == [third, first, second]
    coordinator_client.post(url("agenda_move", meeting.pk, second), {"position": "1"}, **headers)
    assert agenda(meeting) == [second, third, first]


def test_the_first_item_cannot_go_up_in_the_page(coordinator_client, meeting):
    first, _, last = agenda(meeting)
    page = coordinator_client.get(url("detail", meeting.pk)).text
    assert re.search(rf'id="move-up-{first}"\s+type="button" aria-disabled="true"', page)
    assert re.search(rf'id="move-down-{last}"\s+type="button" aria-disabled="true"', page)


def test_a_move_without_a_direction_is_refused(coordinator_client, meeting):
    item = agenda(meeting)[0]
    response = coordinator_client.post(url("agenda_move", meeting.pk, item), {}, **HTMX)
    assert response.status_code == 422 and "Say where to move the case." in response.text


def test_an_item_of_another_meeting_is_not_found(coordinator_client, meeting):
    other = AgendaItemFactory()
    assert (
        coordinator_client.post(url("agenda_move", meeting.pk, other.pk), {"direction": "up"}).status_code
        == 404
    )
    assert coordinator_client.post(url("agenda_remove", meeting.pk, other.pk)).status_code == 404


def test_editing_the_question_and_minutes(coordinator_client, meeting):
    item = meeting.agenda_items.first()
    prefix = f"item-{item.pk}"
    response = coordinator_client.post(
        url("agenda_item", meeting.pk, item.pk),
        {f"{prefix}-board_question": "", f"{prefix}-expected_minutes": "0"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "This field is required." in response.text
    assert "greater than or equal to 1" in response.text
    assert re.search(r'<details class="agenda-item__edit mt-2" open>', response.text)
    response = coordinator_client.post(
        url("agenda_item", meeting.pk, item.pk),
        {
            f"{prefix}-board_question": "Surgery or not?",
            f"{prefix}-expected_minutes": "10",
            f"{prefix}-loaded_version": str(item.version),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.board_question, item.expected_minutes) == ("Surgery or not?", 10)


def test_removing_a_case_and_refusing_to_remove_a_decided_one(coordinator_client, meeting):
    first, second, third = agenda(meeting)
    DecisionFactory(agenda_item=AgendaItem.objects.get(pk=first))
    response = coordinator_client.post(url("agenda_remove", meeting.pk, first), **HTMX)
    assert response.status_code == 422 and "stays on the agenda" in response.text
    assert coordinator_client.post(url("agenda_remove", meeting.pk, second)).status_code == 302
    assert agenda(meeting) == [first, third]
    assert list(meeting.agenda_items.order_by("position").values_list("position", flat=True)) == [1, 2]


def test_the_agenda_shows_start_times_and_totals(viewer_client):
    meeting = MeetingFactory(starts_at=timezone.make_aware(datetime.datetime(2026, 12, 3, 16, 0)))
    AgendaItemFactory(meeting=meeting, expected_minutes=10)
    AgendaItemFactory(meeting=meeting, expected_minutes=7)
    page = viewer_client.get(url("detail", meeting.pk)).text
    assert "2 cases · 17 min expected · 0 decided" in page
    assert ">16:00</time> · 10 min" in page and ">16:10</time> · 7 min" in page
    assert "to about 16:17" in page


# --- pages keep to the Content-Security-Policy --------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)


def test_pages_have_no_inline_script_handler_or_style(coordinator_client, clinician_client, meeting):
    item = meeting.agenda_items.first()
    pages = [
        coordinator_client.get(url("list")),
        coordinator_client.get(url("new")),
        coordinator_client.get(url("edit", meeting.pk)),
        coordinator_client.get(url("detail", meeting.pk)),
        coordinator_client.get(url("present_case", meeting.pk, 1)),
        clinician_client.get(url("decision", meeting.pk, item.pk)),
    ]
    for response in pages:
        assert response.status_code == 200
        html = response.text
        assert not INLINE_SCRIPT.search(html), response.request["PATH_INFO"]
        assert not INLINE_HANDLER.search(html), response.request["PATH_INFO"]
        assert not STYLE_ATTRIBUTE.search(html), response.request["PATH_INFO"]
