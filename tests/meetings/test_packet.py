"""The meeting packet: every agenda case in order, progress that polls, failures reported, never stale."""

import datetime
import io
import logging

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend
from pypdf import PdfReader

from cases.models import Case
from meetings import services
from meetings.models import MeetingPacket
from meetings.tasks import generate_meeting_packet
from tests.meetings.conftest import HTMX, generate_to_completion, pdf_pages
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def meeting(demo_cases, coordinator):
    """P01, P02 and P12 on the agenda, then reordered to P12, P01, P02."""
    meeting = MeetingFactory(board_name="Packet board")
    for vignette in ("P01", "P02", "P12"):
        services.add_case_to_agenda(user=coordinator, meeting_id=meeting.pk, case_id=demo_cases[vignette].pk)
    p12 = meeting.agenda_items.get(case=demo_cases["P12"])
    services.move_agenda_item(user=coordinator, meeting_id=meeting.pk, item_id=p12.pk, to_position=1)
    return meeting


def agenda_patients(meeting) -> list[tuple[str, str]]:
    items = meeting.agenda_items.select_related("case__patient").order_by("position")
    return [(item.case.patient.mrn, item.case.patient.given_name) for item in items]


def request_packet(client, meeting):
    response = client.post(reverse("meetings:packet_request", args=[meeting.pk]), **HTMX)
    assert response.status_code == 200
    return response


def download(client, meeting):
    return client.get(reverse("meetings:packet_pdf", args=[meeting.pk]) + "?download=1")


def streamed(response) -> bytes:
    """The body of a streamed download (FileResponse from the packet storage)."""
    return b"".join(response.streaming_content)


def test_the_packet_holds_cover_agenda_and_every_case_in_agenda_order(coordinator_client, meeting):
    response = request_packet(coordinator_client, meeting)
    assert "Ready · generated" in response.text and "Download packet (PDF)" in response.text
    assert "hx-trigger" not in response.text  # finished: no more polling

    response = download(coordinator_client, meeting)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response[
        "Content-Disposition"
    ] == 'attachment; filename="meeting-packet-packet-board-{}.pdf"'.format(
        timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")
    )
    content = streamed(response)
    pages = pdf_pages(content)
    patients = agenda_patients(meeting)
    assert [mrn for mrn, _ in patients] == ["DEMO-0012", "DEMO-0001", "DEMO-0002"]

    cover = pages[0]
    assert "Packet board" in cover and "Agenda" in cover and "Meeting packet" in cover
    assert [cover.index(mrn) for mrn, _ in patients] == sorted(cover.index(mrn) for mrn, _ in patients)

    # Each case summary starts on a new page with its kicker, and every one of its pages carries
    # the patient in the running header.
    starts = [number for number, text in enumerate(pages) if text.startswith("TUMOR BOARD PATHWAY SUMMARY")]
    assert len(starts) == len(patients) and starts[0] > 0
    for index, ((mrn, given_name), start) in enumerate(zip(patients, starts, strict=True)):
        assert (
            f"DEMOPATIENT, {given_name}" in pages[start] and "Question for the board".upper() in pages[start]
        )
        end = starts[index + 1] if index + 1 < len(starts) else len(pages)
        assert all(f"MRN {mrn}" in text for text in pages[start:end])
    assert all(f"Page {number} of {len(pages)}" in text for number, text in enumerate(pages, 1))

    reader = PdfReader(io.BytesIO(content))
    outline = [entry for entry in reader.outline if not isinstance(entry, list)]
    assert [entry.title for entry in outline] == ["Cover and agenda", "Contents"] + [
        f"{number}. DEMOPATIENT, {name} · MRN {mrn}" for number, (mrn, name) in enumerate(patients, 1)
    ]
    # Each bookmark opens its case's first page; the case's sections are nested under it.
    assert [reader.get_destination_page_number(entry) for entry in outline[2:]] == starts
    sections = reader.outline[reader.outline.index(outline[2]) + 1]
    assert isinstance(sections, list) and "Classification" in [
        entry.title for entry in sections if not isinstance(entry, list)
    ]


def test_the_packet_asks_the_agendas_question(coordinator_client, coordinator, meeting):
    item = meeting.agenda_items.get(position=2)
    services.update_agenda_item(
        user=coordinator,
        meeting_id=meeting.pk,
        item_id=item.pk,
        board_question="Asked at this board?",
        expected_minutes=5,
        loaded_version=item.version,
    )
    request_packet(coordinator_client, meeting)
    text = " ".join(pdf_pages(streamed(download(coordinator_client, meeting))))
    assert text.count("Asked at this board?") == 2  # the agenda on the cover and the case's own summary
    assert Case.objects.get(pk=item.case_id).board_question != "Asked at this board?"  # never saved


def test_a_failed_render_is_reported_not_hidden_and_never_logs_patient_data(
    coordinator_client, meeting, monkeypatch, caplog
):
    from meetings.packet import packet_case

    def unrenderable(item, user, *, kind, now):
        # One case fails (its part is a task of its own); the others render.
        if item.case.patient.mrn == "DEMO-0012":
            raise RuntimeError(f"cannot lay out {item.case.patient.family_name} {item.case.patient.mrn}")
        return packet_case(item, user, kind=kind, now=now)

    monkeypatch.setattr("meetings.packet.packet_case", unrenderable)
    with caplog.at_level(logging.DEBUG):
        response = request_packet(coordinator_client, meeting)

    assert "The packet could not be generated." in response.text
    assert "RuntimeError: cannot lay out Demopatient DEMO-0012" in response.text
    assert 'role="alert"' in response.text and "Retry" in response.text
    packet = MeetingPacket.objects.get()
    assert packet.status == "failed" and packet.error.startswith("RuntimeError")
    # The worker logs the failure (with its traceback) but not the message, which names the patient.
    assert "PacketRenderFailed" in caplog.text
    assert "Demopatient" not in caplog.text and "DEMO-0" not in caplog.text

    page = coordinator_client.get(reverse("meetings:detail", args=[meeting.pk])).text
    assert "The packet could not be generated." in page and "Download packet" not in page
    response = download(coordinator_client, meeting)
    assert response.status_code == 302  # no PDF for a failed packet
    assert "could not be generated" in coordinator_client.get(response["Location"]).text

    monkeypatch.undo()
    assert "Ready · generated" in request_packet(coordinator_client, meeting).text


def test_a_readers_get_of_an_out_of_date_packet_starts_nothing(
    coordinator_client, coordinator, viewer_client, viewer, meeting
):
    request_packet(coordinator_client, meeting)
    before = MeetingPacket.objects.get()
    case = meeting.agenda_items.first().case
    case.board_question = "Changed after the packet"
    case.save()

    page = viewer_client.get(reverse("meetings:detail", args=[meeting.pk])).text
    assert "Out of date: the agenda or a case changed" in page
    assert "A board coordinator can regenerate it." in page and "Download packet (PDF)" not in page
    response = download(viewer_client, meeting)  # a GET: no new generation, no new author
    assert response.status_code == 302
    assert (
        "The packet is out of date. A board coordinator can generate it."
        in viewer_client.get(response["Location"]).text
    )
    after = MeetingPacket.objects.get()
    assert (after.generation, after.status, after.updated_by, after.requested_at) == (
        before.generation,
        "ready",
        coordinator,
        before.requested_at,
    )
    assert after.updated_by != viewer
    # The coordinator's GET starts nothing either; their POST does, and the file is served again.
    assert download(coordinator_client, meeting).status_code == 302
    assert MeetingPacket.objects.get().generation == before.generation
    request_packet(coordinator_client, meeting)
    assert MeetingPacket.objects.get().generation == before.generation + 1
    assert download(viewer_client, meeting).status_code == 200


def test_reordering_the_agenda_makes_the_packet_out_of_date(coordinator_client, coordinator, meeting):
    request_packet(coordinator_client, meeting)
    item = meeting.agenda_items.get(position=3)
    services.move_agenda_item(user=coordinator, meeting_id=meeting.pk, item_id=item.pk, to_position=1)
    assert "Out of date" in coordinator_client.get(reverse("meetings:packet_status", args=[meeting.pk])).text


def test_no_packet_yet_is_not_generated_by_a_download(viewer_client, coordinator_client, meeting):
    assert download(viewer_client, meeting).status_code == 302
    assert download(coordinator_client, meeting).status_code == 302
    assert not MeetingPacket.objects.exists()


@override_settings(TASKS=DUMMY_TASKS)
def test_the_panel_polls_while_queued_or_running_and_stops_when_ready(coordinator_client, meeting):
    status_url = reverse("meetings:packet_status", args=[meeting.pk])
    response = request_packet(coordinator_client, meeting)
    assert 'hx-trigger="every 2s"' in response.text and f'hx-get="{status_url}"' in response.text
    assert "Waiting to start" in response.text and "Generate packet" not in response.text

    # Asking again while the same content is on its way queues nothing more.
    request_packet(coordinator_client, meeting)
    packet = MeetingPacket.objects.get()
    assert len(default_task_backend.results) == 1 and packet.generation == 1
    assert packet.task_id == default_task_backend.results[0].id

    MeetingPacket.objects.filter(pk=packet.pk).update(status="running", cases_done=1, cases_total=3)
    response = coordinator_client.get(status_url)
    assert "Generating: 1 of 3 cases done" in response.text and 'value="1"' in response.text
    assert 'hx-trigger="every 2s"' in response.text

    MeetingPacket.objects.filter(pk=packet.pk).update(status="queued")
    assert generate_to_completion(packet) == "ready"
    response = coordinator_client.get(status_url)
    assert "hx-trigger" not in response.text and "Download packet (PDF)" in response.text


@override_settings(TASKS=DUMMY_TASKS)
def test_a_superseded_render_stores_nothing(coordinator, meeting):
    first = services.request_packet(user=coordinator, meeting_id=meeting.pk)
    item = meeting.agenda_items.first()
    services.update_agenda_item(
        user=coordinator,
        meeting_id=meeting.pk,
        item_id=item.pk,
        board_question="New?",
        expected_minutes=5,
        loaded_version=item.version,
    )
    second = services.request_packet(user=coordinator, meeting_id=meeting.pk)
    assert second.generation == first.generation + 1
    assert generate_meeting_packet.call(first.pk, first.generation) == "superseded"
    assert MeetingPacket.objects.get().status == "queued"


@override_settings(TASKS=DUMMY_TASKS)
def test_a_packet_queued_for_long_asks_whether_the_worker_runs(coordinator_client, coordinator, meeting):
    packet = services.request_packet(user=coordinator, meeting_id=meeting.pk)
    MeetingPacket.objects.filter(pk=packet.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    response = coordinator_client.get(reverse("meetings:packet_status", args=[meeting.pk]))
    assert "is the background worker" in response.text and "db_worker" in response.text
    assert "Queue again" in response.text

    # Asking again now queues it anew (a newer generation); the lost task, if ever run, does nothing.
    again = request_packet(coordinator_client, meeting)
    packet = MeetingPacket.objects.get()
    assert packet.generation == 2 and len(default_task_backend.results) == 2
    assert packet.task_id == default_task_backend.results[1].id
    assert "Waiting to start" in again.text and "Queue again" not in again.text
    assert generate_meeting_packet.call(packet.pk, 1) == "superseded"


def test_a_viewer_may_download_but_not_request(viewer_client, meeting):
    assert viewer_client.post(reverse("meetings:packet_request", args=[meeting.pk])).status_code == 403
    page = viewer_client.get(reverse("meetings:detail", args=[meeting.pk])).text
    assert "Generate packet" not in page


@override_settings(TASKS=DUMMY_TASKS, PACKET_LEASE_SECONDS=30)
def test_a_running_packet_whose_worker_died_is_failed_with_retry_and_asking_again_requeues_it(
    coordinator_client, coordinator, meeting
):
    status_url = reverse("meetings:packet_status", args=[meeting.pk])
    packet = services.request_packet(user=coordinator, meeting_id=meeting.pk)
    # The worker claimed it, rendered one case, and was killed: no heartbeat since.
    MeetingPacket.objects.filter(pk=packet.pk).update(
        status="running",
        cases_done=1,
        cases_total=3,
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=31),
    )
    response = coordinator_client.get(status_url)
    assert "The packet could not be generated." in response.text
    assert "no progress for more than 30 seconds" in response.text and "Retry</button>" in response.text
    assert "hx-trigger" not in response.text  # polling stops
    assert MeetingPacket.objects.get().status == "running"  # a read records nothing

    request_packet(coordinator_client, meeting)  # Retry: a new generation, a new task
    retried = MeetingPacket.objects.get()
    assert (retried.status, retried.generation, retried.heartbeat_at) == (
        "queued",
        packet.generation + 1,
        None,
    )
    assert len(default_task_backend.results) == 2


@override_settings(TASKS=DUMMY_TASKS, PACKET_LEASE_SECONDS=30)
def test_a_running_packet_with_a_live_lease_keeps_polling(coordinator_client, coordinator, meeting):
    packet = services.request_packet(user=coordinator, meeting_id=meeting.pk)
    MeetingPacket.objects.filter(pk=packet.pk).update(
        status="running", heartbeat_at=timezone.now() - datetime.timedelta(seconds=29)
    )
    response = coordinator_client.get(reverse("meetings:packet_status", args=[meeting.pk]))
    assert "Generating:" in response.text and 'hx-trigger="every 2s"' in response.text
    assert services.fail_lost_packets() == 0


@override_settings(TASKS=DUMMY_TASKS)
def test_a_worker_stopped_mid_packet_fails_it_cleanly(coordinator, meeting, monkeypatch):
    packet = services.request_packet(user=coordinator, meeting_id=meeting.pk)

    def stopped(*args, **kwargs):
        raise SystemExit(1)  # what db_worker raises inside the task on a second SIGTERM or Ctrl+C

    monkeypatch.setattr("meetings.tasks.ensure_part", stopped)
    with pytest.raises(SystemExit):
        generate_meeting_packet.call(packet.pk, packet.generation)
    failed = MeetingPacket.objects.get()
    assert failed.status == "failed" and "worker was stopped" in failed.error


def test_each_part_and_each_page_of_the_cover_renews_the_lease(coordinator, meeting, monkeypatch):
    beats = []
    real_update = MeetingPacket.objects.none().update.__func__

    def recording_update(queryset, **values):
        if "heartbeat_at" in values:
            beats.append(values)
        return real_update(queryset, **values)

    monkeypatch.setattr(type(MeetingPacket.objects.none()), "update", recording_update)
    services.request_packet(user=coordinator, meeting_id=meeting.pk)
    assert MeetingPacket.objects.get().status == "ready"
    cases = meeting.agenda_items.count()
    # Claimed, then the plan (three parts to render, none kept), then each part taken up and counted
    # done (the increment is an F expression: two workers finishing at once count both) ...
    assert beats[0]["cases_done"] == 0 and (beats[1]["cases_done"], beats[1]["cases_total"]) == (0, cases)
    counted = [
        values for values in beats if "cases_done" in values and not isinstance(values["cases_done"], int)
    ]
    taken_up = [values for values in beats if set(values) == {"heartbeat_at"}]
    assert len(counted) == cases and len(taken_up) > cases
    # ... then, while the last worker merges, each page of the cover laid out and the upload renew it.
    assert beats.index(counted[-1]) < len(beats) - 2


def test_a_patient_corrected_through_another_case_makes_the_packet_out_of_date(meeting):
    from cases.models import Patient
    from meetings.packet import agenda_for_packet, packet_fingerprint

    before = packet_fingerprint(meeting, agenda_for_packet(meeting))
    patient = agenda_for_packet(meeting)[0].case.patient
    Patient.objects.filter(pk=patient.pk).update(updated_at=timezone.now() + datetime.timedelta(seconds=1))
    assert packet_fingerprint(meeting, agenda_for_packet(meeting)) != before
