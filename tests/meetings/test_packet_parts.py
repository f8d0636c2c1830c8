"""A packet's case parts: keyed by what each shows, so one case's edit re-renders that case's part only."""

import datetime
import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from cases import services as case_services
from cases.facts import with_record
from cases.models import Case
from cases.workup import RecordEdit, StepEdits
from meetings import packet_parts, services
from meetings.models import MeetingPacket
from meetings.packet import agenda_for_packet
from meetings.packet_parts import plan_parts
from meetings.storage import packet_storage
from meetings.tasks import generate_meeting_packet
from tests.meetings.conftest import generate_to_completion
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _parts_in_a_directory_of_this_test(packet_dir):
    return packet_dir


@pytest.fixture
def meeting(demo_cases, coordinator):
    meeting = MeetingFactory(board_name="Parts board")
    for vignette in ("P01", "P02", "P12"):
        services.add_case_to_agenda(user=coordinator, meeting_id=meeting.pk, case_id=demo_cases[vignette].pk)
    return meeting


@pytest.fixture
def rendered(monkeypatch):
    """The items whose part was rendered (with WeasyPrint, as in production)."""
    made: list[int] = []
    real = packet_parts.render_part

    def counting(plan, user, *, now):
        made.append(plan.item.case_id)
        return real(plan, user, now=now)

    monkeypatch.setattr(packet_parts, "render_part", counting)
    return made


def keys(meeting, kind="summaries") -> dict[int, str]:
    plans = plan_parts(agenda_for_packet(meeting), kind=kind, today=timezone.localdate())
    return {plan.item.case_id: plan.key for plan in plans}


def edit_ki67(case: Case, user) -> None:
    """The pathology report's Ki-67 changed through the workup step, as a pathologist does."""
    case = with_record(Case.objects.filter(pk=case.pk)).get()
    report = case.pathology_reports.first()
    report.ki67_percent = 85
    case_services.save_step(
        user=user, case=case, step="pathology", edits=StepEdits((RecordEdit(report, report.version),))
    )


def test_an_edit_changes_only_that_cases_key(meeting, demo_cases, clinician):
    before = keys(meeting)
    edit_ki67(demo_cases["P02"], clinician)
    after = keys(meeting)
    changed = {case_id for case_id in before if before[case_id] != after[case_id]}
    assert changed == {demo_cases["P02"].pk}


def test_reordering_the_agenda_changes_no_key_and_the_question_changes_its_own(
    meeting, coordinator, demo_cases
):
    before = keys(meeting)
    last = meeting.agenda_items.get(position=3)
    services.move_agenda_item(user=coordinator, meeting_id=meeting.pk, item_id=last.pk, to_position=1)
    assert keys(meeting) == before
    services.update_agenda_item(
        user=coordinator,
        meeting_id=meeting.pk,
        item_id=last.pk,
        board_question="Surgery first?",
        expected_minutes=10,
        loaded_version=meeting.agenda_items.get(pk=last.pk).version,
    )
    after = keys(meeting)
    assert {case_id for case_id in before if before[case_id] != after[case_id]} == {last.case_id}


def test_the_key_holds_the_kind_and_the_day(meeting, monkeypatch):
    summaries = keys(meeting)
    assert set(keys(meeting, "sheets").values()).isdisjoint(summaries.values())
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    plans = plan_parts(agenda_for_packet(meeting), kind="summaries", today=tomorrow)
    assert {plan.key for plan in plans}.isdisjoint(summaries.values())


def test_a_second_packet_after_one_edit_renders_that_case_only(
    meeting, coordinator, clinician, demo_cases, rendered
):
    services.request_packet(user=coordinator, meeting_id=meeting.pk)
    assert MeetingPacket.objects.get().status == "ready"
    assert sorted(rendered) == sorted(item.case_id for item in meeting.agenda_items.all())
    stored = set(packet_storage().listdir("packet-parts/summaries")[1])
    assert len(stored) == 3  # a digest each: no name, MRN or date in them
    assert all(len(name) == len("0" * 64 + ".pdf") for name in stored)

    rendered.clear()
    edit_ki67(demo_cases["P01"], clinician)
    services.request_packet(user=coordinator, meeting_id=meeting.pk)
    packet = MeetingPacket.objects.get()
    assert (packet.status, packet.cases_done, packet.cases_total) == ("ready", 3, 3)
    assert rendered == [demo_cases["P01"].pk]

    rendered.clear()
    services.move_agenda_item(
        user=coordinator,
        meeting_id=meeting.pk,
        item_id=meeting.agenda_items.get(position=3).pk,
        to_position=1,
    )
    services.request_packet(user=coordinator, meeting_id=meeting.pk)
    assert MeetingPacket.objects.get().status == "ready" and rendered == []


@override_settings(TASKS=DUMMY_TASKS)
def test_the_packet_task_queues_a_task_per_missing_part_and_renders_one_itself(
    meeting, coordinator, rendered
):
    packet = services.request_packet(user=coordinator, meeting_id=meeting.pk)
    queued = len(default_task_backend.results)
    assert generate_meeting_packet.call(packet.pk, packet.generation) == "part"
    pieces = default_task_backend.results[queued:]
    # The cover (no cover of this agenda is kept yet) and the two other parts, for the other workers.
    assert [result.task.name for result in pieces] == ["render_packet_cover"] + ["render_packet_part"] * 2
    assert len(rendered) == 1
    row = MeetingPacket.objects.get()
    assert (row.status, row.cases_done, row.cases_total, row.cover_done) == ("running", 1, 3, False)
    # Whichever piece finishes last merges the packet.
    assert [result.task.call(*result.args) for result in pieces] == ["cover", "part", "ready"]
    assert MeetingPacket.objects.get().status == "ready" and len(rendered) == 3


@override_settings(TASKS=DUMMY_TASKS)
def test_the_piece_that_completes_the_set_merges_whichever_it_is(meeting, coordinator, rendered):
    packet = services.request_packet(user=coordinator, meeting_id=meeting.pk)
    queued = len(default_task_backend.results)
    generate_meeting_packet.call(packet.pk, packet.generation)
    cover, *parts = default_task_backend.results[queued:]
    assert [part.task.call(*part.args) for part in parts] == ["part", "part"]  # the cover is still to come
    assert MeetingPacket.objects.get().status == "running"
    assert cover.task.call(*cover.args) == "ready"


@override_settings(TASKS=DUMMY_TASKS)
def test_a_part_of_a_superseded_packet_renders_nothing(meeting, coordinator, rendered):
    packet = services.request_packet(user=coordinator, meeting_id=meeting.pk)
    queued = len(default_task_backend.results)
    generate_meeting_packet.call(packet.pk, packet.generation)
    pieces = default_task_backend.results[queued:]
    rendered.clear()
    MeetingPacket.objects.filter(pk=packet.pk).update(generation=packet.generation + 1, status="queued")
    assert [result.task.call(*result.args) for result in pieces] == ["superseded"] * 3
    assert rendered == []


@override_settings(TASKS=DUMMY_TASKS)
def test_when_every_part_is_kept_the_packet_task_merges_at_once(meeting, coordinator, rendered):
    generate_to_completion(services.request_packet(user=coordinator, meeting_id=meeting.pk))
    rendered.clear()
    services.move_agenda_item(
        user=coordinator,
        meeting_id=meeting.pk,
        item_id=meeting.agenda_items.get(position=2).pk,
        to_position=1,
    )
    packet = services.request_packet(user=coordinator, meeting_id=meeting.pk)
    queued = len(default_task_backend.results)
    assert generate_meeting_packet.call(packet.pk, packet.generation) == "ready"
    assert len(default_task_backend.results) == queued and rendered == []


def test_pruning_deletes_parts_older_than_the_cut_off_only(meeting, coordinator, packet_dir, capsys):
    services.request_packet(user=coordinator, meeting_id=meeting.pk)
    parts = sorted((packet_dir / "packet-parts").rglob("*.pdf"))
    assert len(parts) == 5  # three cases, the cover and the footer
    old = (timezone.now() - datetime.timedelta(days=3)).timestamp()
    os.utime(parts[0], (old, old))
    call_command("prune_packet_parts", "--days", "2")
    assert "Removed 1 kept part(s)" in capsys.readouterr().out
    assert sorted((packet_dir / "packet-parts").rglob("*.pdf")) == parts[1:]
    # The packet itself is not a part: it stays.
    assert MeetingPacket.objects.get().file.name.startswith("packets/")


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}})
def test_a_lost_packet_fails_the_part_tasks_its_dead_worker_left_running(meeting, coordinator):
    from django_tasks_db.models import DBTaskResult

    from meetings.tasks import render_packet_part

    packet = services.request_packet(user=coordinator, meeting_id=meeting.pk)
    other = services.request_packet(user=coordinator, meeting_id=MeetingFactory().pk)
    item = meeting.agenda_items.first()
    mine = render_packet_part.enqueue(packet.pk, packet.generation, item.pk)
    queued_mine = render_packet_part.enqueue(packet.pk, packet.generation, item.pk)
    theirs = render_packet_part.enqueue(other.pk, other.generation, item.pk)
    DBTaskResult.objects.filter(id__in=[mine.id, theirs.id]).update(status="RUNNING")
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.PACKET_LEASE_SECONDS + 1)
    MeetingPacket.objects.filter(pk=packet.pk).update(status="running", heartbeat_at=long_ago)
    MeetingPacket.objects.filter(pk=other.pk).update(status="running", heartbeat_at=timezone.now())

    assert services.fail_lost_packets() == 1
    statuses = {str(pk): status for pk, status in DBTaskResult.objects.values_list("id", "status")}
    assert statuses[mine.id] == "FAILED" and statuses[theirs.id] == "RUNNING"
    assert statuses[queued_mine.id] == "READY"  # a queued part finds its packet failed and renders nothing


def test_the_cover_is_laid_out_again_only_when_what_it_shows_changes(
    meeting, coordinator, clinician, demo_cases, packet_dir
):
    def covers() -> int:
        return len(list((packet_dir / "packet-parts" / "cover").glob("*.pdf")))

    services.request_packet(user=coordinator, meeting_id=meeting.pk)
    assert covers() == 1
    edit_ki67(demo_cases["P01"], clinician)  # the agenda shows no Ki-67
    services.request_packet(user=coordinator, meeting_id=meeting.pk)
    assert covers() == 1 and MeetingPacket.objects.get().status == "ready"
    item = meeting.agenda_items.get(position=1)
    services.update_agenda_item(
        user=coordinator,
        meeting_id=meeting.pk,
        item_id=item.pk,
        board_question="Which first-line regimen?",
        expected_minutes=5,
        loaded_version=item.version,
    )
    services.request_packet(user=coordinator, meeting_id=meeting.pk)
    assert covers() == 2
