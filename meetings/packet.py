"""PDFs of a meeting: the packet (cover with the agenda, contents, each case) and the minutes.

A packet holds each case's full pathway summary or its one-page board sheet (PacketKind): the
per-case PDFs' own partials (templates/pathway/partials/pdf_body.html, sheet_body.html), filled by
guidelines.pathway_view.pathway_view. Each case is rendered as a part of its own, kept under its
version's key (meetings.packet_parts) and merged after the cover into one tagged PDF whose page
numbers run through it (guidelines.pdf_merge).
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
from django.utils.safestring import SafeString, mark_safe

from cases.models import Case
from guidelines.engine import ENGINE_VERSION
from guidelines.pathway_view import PathwayView, pathway_case, pathway_view
from guidelines.pdf import pdf_bytes, render_document
from guidelines.pdf_merge import MergePart, merge_tagged, page_count
from guidelines.sheet import sheet_view
from meetings.models import (
    AgendaItem,
    Meeting,
    MeetingPacket,
    PacketKind,
    PacketStatus,
    worker_lost_message,
)
from meetings.packet_parts import ensure_cover, ensure_footer, ensure_part, plan_parts
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
    """A digest of what the packet shows: the meeting, agenda order and questions, each case and patient."""
    payload: dict[str, Any] = {
        "engine": ENGINE_VERSION,
        "meeting": [meeting.pk, meeting.updated_at.isoformat()],
        "agenda": [
            [
                item.pk,
                item.position,
                item.case_id,
                item.case.updated_at.isoformat(),
                # A patient's name or birth date corrected through another of their cases changes this packet.
                item.case.patient.updated_at.isoformat(),
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


@dataclass(frozen=True)
class KindPanel:
    """One kind of packet on the panel: its code, its name and its state."""

    kind: str
    label: str
    view: PacketView

    @property
    def is_sheets(self) -> bool:
        """The board sheets' packet (its buttons name their kind)."""
        return self.kind == PacketKind.SHEETS


@dataclass(frozen=True)
class PacketPanel:
    """Both packets of a meeting (full summaries, board sheets) as the packet panel shows them."""

    kinds: tuple[KindPanel, ...]

    @property
    def polling(self) -> bool:
        """The panel polls while either packet is on its way."""
        return any(kind.view.polling for kind in self.kinds)

    def view(self, kind: str) -> PacketView:
        """The state of one kind's packet."""
        return next(panel.view for panel in self.kinds if panel.kind == kind)


def packet_panel(meeting: Meeting, fingerprint: str, now: datetime | None = None) -> PacketPanel:
    """The meeting's packets of every kind (one query, without their files)."""
    packets = {packet.kind: packet for packet in meeting.packets.all()}
    return PacketPanel(
        tuple(
            KindPanel(kind.value, kind.label, packet_view(packets.get(kind.value), fingerprint, now))
            for kind in PacketKind
        )
    )


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


@dataclass(frozen=True)
class PacketCase:
    """One agenda case of the packet: its pathway view and its part of the packet as HTML."""

    item: AgendaItem
    view: PathwayView
    html: SafeString


def packet_case(item: AgendaItem, user: User, *, kind: str, now: datetime) -> PacketCase:
    """An agenda case's summary or sheet with the agenda's question (in memory only, never saved)."""
    view = pathway_view(
        pathway_case(item.case_id),
        user=user,
        today=timezone.localdate(),
        now=now,
        board_question=item.board_question,
    )
    if kind == PacketKind.SHEETS:
        html = render_to_string("pathway/partials/sheet_body.html", {"sheet": sheet_view(view), "view": view})
    else:
        html = render_to_string("pathway/partials/pdf_body.html", {"view": view})
    return PacketCase(item, view, mark_safe(html))  # noqa: S308 - rendered by our own templates


@dataclass(frozen=True)
class ContentsEntry:
    """A line of the contents page: the agenda item and the packet page its case starts on."""

    item: AgendaItem
    first_page: int


def render_cover(meeting: Meeting, items: list[AgendaItem], *, kind: str) -> bytes:
    """The cover with the meeting, its attendees and the agenda (kept for the same HTML: ensure_cover)."""
    return ensure_cover(cover_html(meeting, items, kind=kind))


def cover_html(meeting: Meeting, items: list[AgendaItem], *, kind: str) -> str:
    """The printable HTML of the packet's cover."""
    attendees = list(meeting.attendees.all())
    total = sum(item.expected_minutes for item in items)
    context = {
        "meeting": meeting,
        "kind": kind,
        "kind_label": PacketKind(kind).label,
        "attendees": attendees,
        "warnings": panel_warnings(attendees, items),
        "slots": schedule(meeting, items),
        "total_minutes": total,
        "ends_at": later(meeting.starts_at, total),
        "engine_version": ENGINE_VERSION,
    }
    return render_to_string("meetings/pdf/packet_cover.html", context)


# The contents are laid out again while their own length moves the first pages (a few times at most).
CONTENTS_LAYOUTS = 3


def render_contents(
    meeting: Meeting,
    items: list[AgendaItem],
    part_pages: list[int],
    user: User,
    *,
    kind: str,
    now: datetime,
    cover_pages: int,
    on_page: Callable[[], object] | None = None,
) -> bytes:
    """The contents page: who generated the packet and when, and the page each case starts on."""
    context: dict[str, Any] = {
        "meeting": meeting,
        "kind_label": PacketKind(kind).label,
        "generated_by": person_name(user),
        "generated_at": now,
    }
    contents_pages = 1
    for _ in range(CONTENTS_LAYOUTS):
        first_pages, page = [], cover_pages + contents_pages + 1
        for pages in part_pages:
            first_pages.append(page)
            page += pages
        context["contents"] = [
            ContentsEntry(item, first) for item, first in zip(items, first_pages, strict=True)
        ]
        document = render_document(
            render_to_string("meetings/pdf/packet_contents.html", context), footer=False, on_page=on_page
        )
        if len(document.pages) == contents_pages:
            break
        contents_pages = len(document.pages)
    return pdf_bytes(document)


def footer_line(meeting: Meeting, kind: str) -> str:
    """What the packet's footer says beside "Confidential": which packet (who asked and when: the cover)."""
    when = timezone.localtime(meeting.starts_at)
    return f"Meeting packet ({PacketKind(kind).label.lower()}) · {meeting.board_name} · {when:%d %b %Y}"


def render_packet(
    meeting_id: int,
    user: User,
    on_progress: Callable[[int, int], object] | None = None,
    *,
    kind: str = PacketKind.SUMMARIES,
) -> tuple[bytes, str]:
    """The packet PDF and the fingerprint of what it shows; on_progress(done, total) after each case.

    Each case is a part of its own (meetings.packet_parts), taken from the packets' storage when a
    part of the same case version is kept there, else rendered here (the task workers render the
    missing parts in parallel first: meetings.tasks). The parts are merged after the cover, the
    structure tree kept (PDF/UA) and "Page X of Y" stamped through the whole packet.
    """
    now = timezone.localtime()
    meeting = Meeting.objects.get(pk=meeting_id)
    items = agenda_for_packet(meeting)
    # Taken before reading the cases: a change during the render leaves the packet marked out of date.
    fingerprint = packet_fingerprint(meeting, items)
    report = on_progress or (lambda done, total: None)
    report(0, len(items))
    parts = []
    for done, plan in enumerate(plan_parts(items, kind=kind, today=now.date()), 1):
        parts.append(ensure_part(plan, user, now=now))
        report(done, len(items))
    cover = render_cover(meeting, items, kind=kind)
    contents = render_contents(
        meeting,
        items,
        [page_count(part) for part in parts],
        user,
        kind=kind,
        now=now,
        cover_pages=page_count(cover),
        on_page=lambda: report(len(items), len(items)),
    )
    # The merge takes a moment on a long packet: renew the lease before it.
    report(len(items), len(items))
    title = footer_line(meeting, kind)
    bookmarks = [
        f"{item.position}. {item.case.patient.display_name} · MRN {item.case.patient.mrn}" for item in items
    ]
    page_class = "sh-page" if kind == PacketKind.SHEETS else ""
    merged = merge_tagged(
        [
            MergePart(cover, "Cover and agenda"),
            MergePart(contents, "Contents"),
            *(MergePart(part, mark, page_class) for part, mark in zip(parts, bookmarks, strict=True)),
        ],
        title=title,
        author=person_name(user),
        footer=lambda page_classes: ensure_footer(page_classes, line=footer_line(meeting, kind)),
    )
    return merged, fingerprint


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
