"""A packet's case parts: each agenda case rendered as a PDF of its own, kept under its version's key.

A part is keyed by what it shows: the case's fingerprint (cases.fingerprint: the case, its patient,
every finding and the board's latest decision), the agenda's question, the kind, the day (ages and
follow-up dates), the page size and the deployed code. Any of these changing gives a new key, so a
stored part is never stale; a packet after one case changed renders that case's part only. Parts
live in the packets' storage beside the packets (private, never served) under
packet-parts/<kind>/<key>.pdf, a digest that names no patient; `manage.py prune_packet_parts`
removes old ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string

from cases.fingerprint import case_fingerprint
from guidelines.pdf import pdf_bytes, render_document, render_footer
from meetings.models import AgendaItem, PacketKind
from meetings.storage import packet_storage
from nanets.release import release_digest
from nanets.users import User

PARTS_DIRECTORY = "packet-parts"


@dataclass(frozen=True)
class PartPlan:
    """An agenda case's part of the packet: the item and where its rendered PDF is (or will be) kept."""

    item: AgendaItem
    kind: str
    key: str

    @property
    def name(self) -> str:
        """The part's file name in the packets' storage."""
        return part_name(self.kind, self.key)


def part_name(kind: str, key: str) -> str:
    """packet-parts/<kind>/<key>.pdf."""
    return f"{PARTS_DIRECTORY}/{kind}/{key}.pdf"


def part_key(item: AgendaItem, *, kind: str, today: date) -> str:
    """The digest of everything the item's part shows (one query: the case's fingerprint)."""
    fingerprint = case_fingerprint(item.case_id)
    if fingerprint is None:  # the case was deleted: its item goes with it, so this part is never asked for
        raise AgendaItem.DoesNotExist(f"Agenda item {item.pk} has no case any more")
    payload = [
        release_digest(),
        kind,
        settings.PDF_PAGE_SIZE,
        today.isoformat(),
        fingerprint.digest,
        item.board_question,
    ]
    return hashlib.sha256(json.dumps(payload).encode()).hexdigest()


def plan_parts(items: list[AgendaItem], *, kind: str, today: date) -> list[PartPlan]:
    """Each agenda item's part, in agenda order (one query per item)."""
    return [PartPlan(item, kind, part_key(item, kind=kind, today=today)) for item in items]


def _stored(name: str) -> bytes | None:
    """A stored PDF of the parts' directory, or None if it is not there (or not a PDF)."""
    storage = packet_storage()
    try:
        with storage.open(name, "rb") as handle:
            content: bytes = handle.read()
    except (FileNotFoundError, OSError):
        return None
    return content if content.startswith(b"%PDF") else None


def _store(name: str, content: bytes) -> None:
    """Keep a rendered PDF under its key; one another worker stored meanwhile is kept instead."""
    storage = packet_storage()
    saved = storage.save(name, ContentFile(content))
    if saved != name:
        # The storage never overwrites: another worker rendered the same key first. Both files show the
        # same thing, so the copy under the other name goes.
        storage.delete(saved)


def _kept(name: str, render: Callable[[], bytes]) -> bytes:
    """The PDF kept under name, or render() now and keep it for the next packet."""
    content = _stored(name)
    if content is None:
        content = render()
        _store(name, content)
    return content


def is_stored(plan: PartPlan) -> bool:
    """Whether the part is stored already (nothing read)."""
    return packet_storage().exists(plan.name)


def render_part(plan: PartPlan, user: User, *, now: datetime) -> bytes:
    """The item's summary or sheet as a tagged PDF of its own, without its footer (drawn at the merge)."""
    # meetings.packet imports this module; the case's HTML comes from there.
    from meetings.packet import packet_case

    case = packet_case(plan.item, user, kind=plan.kind, now=now)
    html = render_to_string(
        "meetings/pdf/packet_part.html",
        {
            "case": case,
            "kind": plan.kind,
            "kind_label": PacketKind(plan.kind).label,
        },
    )
    return pdf_bytes(render_document(html, footer=False))


def ensure_part(plan: PartPlan, user: User, *, now: datetime) -> bytes:
    """The part's PDF: the stored one, or rendered now and stored for the next packet."""
    return _kept(plan.name, lambda: render_part(plan, user, now=now))


def footer_name(page_classes: list[str], *, line: str) -> str:
    """packet-parts/footer/<key>.pdf: the footer pages of a packet of this length, these parts and line."""
    payload = [release_digest(), settings.PDF_PAGE_SIZE, line, page_classes]
    return f"{PARTS_DIRECTORY}/footer/{hashlib.sha256(json.dumps(payload).encode()).hexdigest()}.pdf"


def ensure_footer(page_classes: list[str], *, line: str) -> bytes:
    """The footer pages for a packet (guidelines.pdf.render_footer), kept for the next packet of that length.

    They hold no patient data and nothing per request: after one case changed, the packet has as many
    pages as before more often than not, and its footer is not laid out again.
    """
    return _kept(footer_name(page_classes, line=line), lambda: render_footer(page_classes, generated=line))


def prune_parts(*, older_than: datetime) -> int:
    """Delete the kept parts and footers last written before `older_than`; how many went.

    A part's key holds the day, so a part is never used again after its day: a cut-off a day or more
    back deletes nothing a packet of today may still read.
    """
    storage = packet_storage()
    removed = 0
    try:
        directories, _ = storage.listdir(PARTS_DIRECTORY)
    except FileNotFoundError:  # the file system storage before the first packet
        return 0
    for directory in directories:
        folder = f"{PARTS_DIRECTORY}/{directory}"
        for name in storage.listdir(folder)[1]:
            path = f"{folder}/{name}"
            if storage.get_modified_time(path) < older_than:
                storage.delete(path)
                removed += 1
    return removed


def cover_name(html: str) -> str:
    """packet-parts/cover/<key>.pdf: the cover laid out from this HTML."""
    payload = [release_digest(), settings.PDF_PAGE_SIZE, html]
    return f"{PARTS_DIRECTORY}/cover/{hashlib.sha256(json.dumps(payload).encode()).hexdigest()}.pdf"


def is_cover_kept(html: str) -> bool:
    """Whether the cover of this HTML is kept already (nothing read)."""
    return packet_storage().exists(cover_name(html))


def ensure_cover(html: str) -> bytes:
    """The packet's cover laid out from this HTML, or the one kept for the same HTML.

    Keyed by the HTML itself: a case edit that changes nothing the agenda shows (its name, site,
    classification, question) lays out no new cover.
    """
    return _kept(cover_name(html), lambda: pdf_bytes(render_document(html, footer=False)))
