"""Writes to meetings: small keyword-only typed functions, each one transaction, authorship stamped.

Every change to a meeting's agenda first locks the meeting row (select_for_update), so two
people editing the same agenda at once are applied one after the other, each on the order
the other left: no change is lost. On SQLite the lock is a no-op, but the project opens
every transaction as IMMEDIATE, which serialises writers the same way.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from cases.models import Authored, Case
from cases.models.choices import CaseStatus
from cases.services import account, refuse_stale_save
from guidelines.engine import ENGINE_VERSION
from meetings.decisions import PathwayOption
from meetings.models import (
    DEFAULT_EXPECTED_MINUTES,
    AgendaItem,
    Attendee,
    Decision,
    Meeting,
    MeetingPacket,
    PacketKind,
    PacketStatus,
    lease_deadline,
    worker_lost_message,
)
from nanets.users import User

if TYPE_CHECKING:
    # The model of AUTH_USER_MODEL, as django-stubs resolves it; get_user_model() at run time.
    from django.contrib.auth.models import User as Account


def _stamp(record: Authored | MeetingPacket, user: User) -> None:
    if record.pk is None:
        record.created_by = account(user=user)
    record.updated_by = account(user=user)


def _locked_meeting(meeting_id: int) -> Meeting:
    """The meeting row, locked until the transaction ends: agenda writes queue up behind it."""
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def _touch(meeting: Meeting, user: User) -> None:
    """Mark the meeting changed (its packet fingerprint includes updated_at), without a new meeting version.

    Attendees and agenda items carry their own versions and history; bumping the meeting's would make
    an open "edit the meeting" form stale whenever someone adds an attendee.
    """
    meeting.updated_at, meeting.updated_by = timezone.now(), account(user=user)
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=meeting.updated_at, updated_by=meeting.updated_by)


def _agenda_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = meeting.agenda_items.filter(pk=item_id).first()
    if item is None:
        raise ValidationError("That case is no longer on this agenda.", code="gone")
    return item


@transaction.atomic
def create_meeting(
    *, user: User, board_name: str, starts_at: datetime.datetime, location: str = "", video_link: str = ""
) -> Meeting:
    """Schedule a meeting."""
    meeting = Meeting(board_name=board_name, starts_at=starts_at, location=location, video_link=video_link)
    meeting.full_clean()
    _stamp(meeting, user)
    meeting.save()
    return meeting


@transaction.atomic
def update_meeting(
    *,
    user: User,
    meeting_id: int,
    board_name: str,
    starts_at: datetime.datetime,
    location: str = "",
    video_link: str = "",
    loaded_version: int | None,
) -> Meeting:
    """Change when, where and which board (refused with what changed if the form's version is stale)."""
    meeting = _locked_meeting(meeting_id)
    refuse_stale_save(current=meeting, loaded_version=loaded_version)
    meeting.board_name, meeting.starts_at = board_name, starts_at
    meeting.location, meeting.video_link = location, video_link
    meeting.full_clean()
    _stamp(meeting, user)
    meeting.save()
    return meeting


@transaction.atomic
def add_attendee(*, user: User, meeting_id: int, name: str, specialty: str) -> Attendee:
    """Add a person and their specialty to the meeting."""
    meeting = _locked_meeting(meeting_id)
    attendee = Attendee(meeting=meeting, name=name.strip(), specialty=specialty)
    attendee.full_clean()
    _stamp(attendee, user)
    attendee.save()
    _touch(meeting, user)
    return attendee


@transaction.atomic
def remove_attendee(*, user: User, meeting_id: int, attendee_id: int) -> None:
    """Take a person off the meeting."""
    meeting = _locked_meeting(meeting_id)
    meeting.attendees.filter(pk=attendee_id).delete()
    _touch(meeting, user)


@transaction.atomic
def add_case_to_agenda(
    *,
    user: User,
    meeting_id: int,
    case_id: int,
    board_question: str = "",
    expected_minutes: int = DEFAULT_EXPECTED_MINUTES,
) -> AgendaItem:
    """Put a case that is ready for the board at the end of the agenda (question defaults to the case's)."""
    meeting = _locked_meeting(meeting_id)
    case = Case.objects.filter(pk=case_id).first()
    if case is None or case.status != CaseStatus.READY:
        raise ValidationError(
            "Only cases that are ready for the board can go on the agenda.", code="not_ready"
        )
    if meeting.agenda_items.filter(case=case).exists():
        raise ValidationError("This case is already on the agenda.", code="duplicate")
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=meeting,
        case=case,
        position=last + 1,
        board_question=board_question.strip() or case.board_question or "No question recorded.",
        expected_minutes=expected_minutes,
    )
    item.full_clean(exclude=["meeting", "case"])
    _stamp(item, user)
    item.save()
    _touch(meeting, user)
    return item


@transaction.atomic
def update_agenda_item(
    *,
    user: User,
    meeting_id: int,
    item_id: int,
    board_question: str,
    expected_minutes: int,
    loaded_version: int | None,
) -> AgendaItem:
    """Change the question for the board and the time the case is expected to take (refused if stale)."""
    meeting = _locked_meeting(meeting_id)
    item = _agenda_item(meeting, item_id)
    refuse_stale_save(current=item, loaded_version=loaded_version)
    item.board_question, item.expected_minutes = board_question.strip(), expected_minutes
    item.full_clean(exclude=["meeting", "case"])
    _stamp(item, user)
    item.save()
    _touch(meeting, user)
    return item


@transaction.atomic
def remove_agenda_item(*, user: User, meeting_id: int, item_id: int) -> None:
    """Take a case off the agenda (not once the board has decided on it) and close the gap."""
    meeting = _locked_meeting(meeting_id)
    item = _agenda_item(meeting, item_id)
    if Decision.objects.filter(agenda_item=item).exists():
        raise ValidationError(
            "The board has recorded a decision for this case, so it stays on the agenda.", code="decided"
        )
    item.delete()
    order = list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    _renumber(meeting, order, user)
    _touch(meeting, user)


@transaction.atomic
def move_agenda_item(*, user: User, meeting_id: int, item_id: int, to_position: int) -> AgendaItem:
    """Move one case to a position (1 = first; out-of-range positions go to the nearest end)."""
    meeting = _locked_meeting(meeting_id)
    item = _agenda_item(meeting, item_id)
    # The order is read after the lock, so a move made by someone else meanwhile is kept.
    order = list(meeting.agenda_items.order_by("position").values_list("pk", flat=True))
    order.remove(item.pk)
    order.insert(min(max(to_position, 1), len(order) + 1) - 1, item.pk)
    _renumber(meeting, order, user)
    _touch(meeting, user)
    item.refresh_from_db()
    return item


@transaction.atomic
def shift_agenda_item(*, user: User, meeting_id: int, item_id: int, by: int) -> AgendaItem:
    """Move one case up (by < 0) or down (by > 0) from wherever it is now."""
    meeting = _locked_meeting(meeting_id)
    item = _agenda_item(meeting, item_id)
    return move_agenda_item(user=user, meeting_id=meeting.pk, item_id=item.pk, to_position=item.position + by)


def _renumber(meeting: Meeting, order: list[int], user: User) -> None:
    """Give the items of `order` the positions 1..n (call with the meeting locked)."""
    items = {item.pk: item for item in meeting.agenda_items.all()}
    moved = [items[pk] for position, pk in enumerate(order, 1) if items[pk].position != position]
    if not moved:
        return
    # (meeting, position) is unique and checked row by row, so the moving rows first step aside
    # to positions above every current one; their final positions are then all free.
    parking = max(item.position for item in items.values()) + 1
    AgendaItem.objects.filter(pk__in=[item.pk for item in moved]).update(position=F("position") + parking)
    now = timezone.now()
    final = {pk: position for position, pk in enumerate(order, 1)}
    for item in moved:
        item.position = final[item.pk]
        item.updated_at = now
        item.updated_by = account(user=user)
    AgendaItem.objects.bulk_update(moved, ["position", "updated_at", "updated_by"])


@transaction.atomic
def record_decision(
    *,
    user: User,
    item_id: int,
    option: PathwayOption | None,
    plan: str,
    follows_guideline: bool,
    deviation_reason: str,
    deviation_detail: str,
    responsible_clinician: Account,
    next_review_on: datetime.date,
    loaded_version: int | None,
) -> Decision:
    """Record (or correct) the board's decision on an agenda item and mark its case discussed.

    loaded_version is the decision's version the form showed (None: the form showed no decision); a
    decision recorded or corrected by someone else since is never overwritten (cases.services.StaleEdit).
    """
    item = AgendaItem.objects.select_for_update().select_related("case").get(pk=item_id)
    existing = Decision.objects.filter(agenda_item=item).first()
    refuse_stale_save(current=existing, loaded_version=loaded_version)
    decision = existing or Decision(agenda_item=item)
    decision.option_code = option.code if option else ""
    decision.option_text = option.text if option else ""
    decision.option_status = option.status if option else ""
    decision.option_strength = option.strength if option else ""
    decision.plan = plan.strip()
    decision.follows_guideline = follows_guideline
    # A decision that follows the guideline has no deviation to explain.
    decision.deviation_reason = "" if follows_guideline else deviation_reason
    decision.deviation_detail = "" if follows_guideline else deviation_detail.strip()
    decision.responsible_clinician = responsible_clinician
    decision.next_review_on = next_review_on
    decision.engine_version = ENGINE_VERSION
    decision.full_clean(exclude=["agenda_item"])
    case = item.case
    if case.status not in (CaseStatus.DISCUSSED, CaseStatus.CLOSED):
        case.status = CaseStatus.DISCUSSED
        case.updated_by = account(user=user)
        # save(), not update(): the case's change history sees the new status.
        case.save(update_fields=["status", "updated_at", "updated_by"])
    # Saved after the case: its updated_at is then later than every change the board saw.
    decision.case_version = case.version
    _stamp(decision, user)
    decision.save()
    return decision


def fail_lost_packets(*, now: datetime.datetime | None = None) -> int:
    """Mark failed every running packet whose worker stopped renewing its lease, and its task too.

    A killed worker cannot say it died: its packet would stay "running" and its task row RUNNING
    (never picked up again). Called whenever a packet is requested or a worker starts one.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from meetings.tasks import (
        PacketWorkerLost,
        generate_meeting_packet,
        render_packet_cover,
        render_packet_part,
    )

    deadline = lease_deadline(now)
    lost = MeetingPacket.objects.filter(status=PacketStatus.RUNNING).filter(
        Q(heartbeat_at__lt=deadline) | Q(heartbeat_at__isnull=True, requested_at__lt=deadline)
    )
    rows = list(lost.values_list("pk", "task_id"))
    count = lost.update(status=PacketStatus.FAILED, error=worker_lost_message())
    if rows and isinstance(generate_meeting_packet.get_backend(), DatabaseBackend):
        # Their task rows say RUNNING forever otherwise (no worker ever picks a running task up again):
        # the packet's own task, and the part and cover tasks (packet id first among their arguments).
        running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        packet_tasks = Q(id__in=[task_id for _, task_id in rows if task_id])
        part_tasks = Q(
            task_path__in=[render_packet_part.module_path, render_packet_cover.module_path],
            args_kwargs__args__0__in=[pk for pk, _ in rows],
        )
        for result in running.filter(packet_tasks | part_tasks):
            result.set_failed(PacketWorkerLost("The worker running this task stopped renewing its lease."))
    return count


@transaction.atomic
def request_packet(*, user: User, meeting_id: int, kind: str = PacketKind.SUMMARIES) -> MeetingPacket:
    """Queue a fresh meeting packet of a kind, unless one for the same content is already on its way."""
    from meetings.packet import agenda_for_packet, packet_fingerprint
    from meetings.tasks import generate_meeting_packet

    meeting = _locked_meeting(meeting_id)
    fail_lost_packets()
    items = agenda_for_packet(meeting)
    fingerprint = packet_fingerprint(meeting, items)
    packet = MeetingPacket.objects.filter(meeting=meeting, kind=kind).first()
    # A packet still queued after the hint's wait is queued again (its old task, if a worker ever takes it,
    # finds a newer generation and does nothing): asking again is never a no-op for a lost task.
    if (
        packet is not None
        and packet.in_progress
        and packet.fingerprint == fingerprint
        and not packet.queued_too_long()
    ):
        return packet
    if packet is None:
        packet = MeetingPacket(meeting=meeting, kind=PacketKind(kind))
    packet.generation += 1
    packet.status = PacketStatus.QUEUED
    packet.fingerprint = fingerprint
    packet.cases_done, packet.cases_total = 0, len(items)
    packet.error = ""
    packet.requested_at, packet.heartbeat_at = timezone.now(), None
    _stamp(packet, user)
    if packet.pk is None:
        packet.save()
    else:
        packet.save(
            update_fields=[
                "generation", "status", "fingerprint", "cases_done", "cases_total",
                "error", "requested_at", "heartbeat_at", "updated_at", "updated_by",
            ]
        )  # fmt: skip
    # Enqueued inside the transaction: with the database backend the task row commits together with
    # the packet row, so a worker never sees one without the other. (The immediate backend of the
    # tests runs the task right here.)
    result = generate_meeting_packet.enqueue(packet.pk, packet.generation)
    MeetingPacket.objects.filter(pk=packet.pk, generation=packet.generation).update(task_id=str(result.id))
    return MeetingPacket.objects.get(pk=packet.pk)
