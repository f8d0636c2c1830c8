"""PDFs of a meeting: the packet (cover, agenda, each case's pathway summary) and the minutes.

The case summaries are the per-case PDF itself: templates/pathway/pdf.html filled by
guidelines.pathway_view.pathway_view, laid out by WeasyPrint with guidelines.pdf's static-files-only
fetcher. Each summary is its own WeasyPrint document (its running header and "Page X of Y" stay
those of the case); the packet is the pages of all documents in agenda order.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from cases.models import Case
from guidelines.engine import ENGINE_VERSION
from guidelines.pathway_view import pathway_case, pathway_view
from guidelines.pdf import pathway_pdf_html, pdf_bytes, render_document
from meetings.models import AgendaItem, Meeting, MeetingPacket, PacketStatus, worker_lost_message
from meetings.panel import panel_warnings
from nanets.users import User, person_name


@dataclass(frozen=True)
class Slot:
    """An agenda item with the time it is expected to start (meeting start plus the minutes before it)."""

    item: AgendaItem
    starts_at: datetime | None


def next_agenda_question(case: Case) -> str | None:
    """The question the case's next meeting (today or later) has on its agenda, if it is on one."""
    start_of_today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    item = (
        AgendaItem.objects.filter(case=case, meeting__starts_at__gte=start_of_today)
        .order_by("meeting__starts_at", "meeting_id")
        .only("board_question")
        .first()
    )
    return item.board_question if item else None


def agenda_for_packet(meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order, with each case and patient (two queries)."""
    return list(meeting.agenda_items.select_related("case__patient").order_by("position"))


def packet_fingerprint(meeting: Meeting, items: list[AgendaItem]) -> str:
    """A digest of what the packet shows: the meeting, agenda order and questions, each case's updated_at."""
    payload: dict[str, Any] = {
        "engine": ENGINE_VERSION,
        "meeting": [meeting.pk, meeting.updated_at.isoformat()],
        "agenda": [
            [
                item.pk,
                item.position,
                item.case_id,
                item.case.updated_at.isoformat(),
                item.board_question,
                item.expected_minutes,
            ]
            for item in items
        ],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class PacketView:
    """What the packet panel shows: the state, the progress, and whether the file still matches."""

    state: str  # none | queued | running | ready | stale | failed
    packet: MeetingPacket | None = None
    waiting_long: bool = False
    worker_lost: bool = False

    @property
    def polling(self) -> bool:
        """The panel asks the server again every two seconds (never once the packet failed)."""
        return self.state in ("queued", "running")

    @property
    def error(self) -> str:
        """Why the packet failed, as the panel says it."""
        if self.worker_lost:
            return worker_lost_message()
        return self.packet.error if self.packet else ""


def packet_view(packet: MeetingPacket | None, fingerprint: str, now: datetime | None = None) -> PacketView:
    """The packet's state for the page; a finished file whose fingerprint differs is out of date ("stale").

    A running packet whose lease ran out shows as failed at once (a read changes nothing; the next
    request or worker records the failure, meetings.services.fail_lost_packets).
    """
    if packet is None:
        return PacketView("none")
    if packet.worker_lost(now):
        return PacketView("failed", packet, worker_lost=True)
    if packet.in_progress:
        return PacketView(packet.status, packet, packet.queued_too_long(now))
    if packet.status == PacketStatus.FAILED:
        return PacketView("failed", packet)
    return PacketView("ready" if packet.fingerprint == fingerprint else "stale", packet)


def later(start: datetime | None, minutes: int) -> datetime | None:
    """start plus minutes; None past the last representable time (a meeting dated 9999-12-31)."""
    try:
        return start + timedelta(minutes=minutes) if start else None
    except OverflowError:
        return None


def schedule(meeting: Meeting, items: list[AgendaItem]) -> list[Slot]:
    """When each case is expected to come up if every case takes its expected minutes."""
    slots: list[Slot] = []
    clock: datetime | None = meeting.starts_at
    for item in items:
        slots.append(Slot(item, clock))
        clock = later(clock, item.expected_minutes)
    return slots


def file_name(kind: str, meeting: Meeting) -> str:
    """meeting-packet-<board>-<date>.pdf with only file-name-safe characters."""
    board = re.sub(r"[^A-Za-z0-9]+", "-", meeting.board_name).strip("-").lower() or "board"
    return f"meeting-{kind}-{board}-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.pdf"


def case_summary_html(item: AgendaItem, user: User, *, now: datetime) -> str:
    """One agenda case's pathway summary as HTML: the per-case PDF template with the agenda's question."""
    # The board answers the agenda's question at this meeting; in memory only, never saved.
    view = pathway_view(
        pathway_case(item.case_id),
        user=user,
        today=timezone.localdate(),
        now=now,
        board_question=item.board_question,
    )
    return pathway_pdf_html(view)


def cover_html(meeting: Meeting, items: list[AgendaItem], user: User, *, now: datetime) -> str:
    """The packet's cover: the meeting, who attends, panel warnings and the agenda with start times."""
    attendees = list(meeting.attendees.all())
    total = sum(item.expected_minutes for item in items)
    return render_to_string(
        "meetings/pdf/packet.html",
        {
            "meeting": meeting,
            "attendees": attendees,
            "warnings": panel_warnings(attendees, items),
            "slots": schedule(meeting, items),
            "total_minutes": total,
            "ends_at": later(meeting.starts_at, total),
            "generated_by": person_name(user),
            "generated_at": now,
            "engine_version": ENGINE_VERSION,
        },
    )


def render_packet(
    meeting_id: int, user: User, on_progress: Callable[[int, int], object] | None = None
) -> tuple[bytes, str]:
    """The packet PDF and the fingerprint of what it shows; on_progress(done, total) after each case."""
    now = timezone.localtime()
    meeting = Meeting.objects.get(pk=meeting_id)
    items = agenda_for_packet(meeting)
    # Taken before reading the cases: a change during the render leaves the packet marked out of date.
    fingerprint = packet_fingerprint(meeting, items)
    report = on_progress or (lambda done, total: None)
    report(0, len(items))
    documents = [render_document(cover_html(meeting, items, user, now=now))]
    for done, item in enumerate(items, 1):
        documents.append(render_document(case_summary_html(item, user, now=now)))
        report(done, len(items))
    pages = [page for document in documents for page in document.pages]
    return pdf_bytes(documents[0].copy(pages)), fingerprint


def render_minutes(meeting: Meeting, user: User) -> bytes:
    """The minutes: the meeting, who attended, and every agenda case with the board's decision."""
    items = list(
        meeting.agenda_items.select_related(
            "case__patient", "decision__responsible_clinician", "decision__created_by"
        ).order_by("position")
    )
    html = render_to_string(
        "meetings/pdf/minutes.html",
        {
            "meeting": meeting,
            "attendees": list(meeting.attendees.all()),
            "items": items,
            "decided": sum(1 for item in items if hasattr(item, "decision")),
            "generated_by": person_name(user),
            "generated_at": timezone.localtime(),
            "engine_version": ENGINE_VERSION,
        },
    )
    return pdf_bytes(render_document(html))
