"""The meeting packet (rendered in the background, polled by htmx) and the minutes, as PDFs."""

from __future__ import annotations

import logging
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.files import File
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cases import audit
from cases.models import AccessEvent, Case
from meetings import services
from meetings.models import Meeting, MeetingPacket, PacketKind
from meetings.packet import agenda_for_packet, file_name, packet_fingerprint, packet_panel, render_minutes
from meetings.storage import packet_storage
from meetings.views.meeting import TEMPLATE
from nanets.http import HtmxHttpRequest
from nanets.middleware import passive

logger = logging.getLogger(__name__)


def packet_context(pk: int) -> dict[str, Any]:
    """The meeting and its packets' states (the packet panel's context), without loading the files."""
    meeting = get_object_or_404(Meeting, pk=pk)
    fingerprint = packet_fingerprint(meeting, agenda_for_packet(meeting))
    return {"meeting": meeting, "packets": packet_panel(meeting, fingerprint)}


def packet_kind(value: str | None) -> PacketKind:
    """The packet kind a request names (full summaries when it names none); 404 for an unknown one."""
    if not value:
        return PacketKind.SUMMARIES
    if value not in PacketKind.values:
        raise Http404("No such packet kind.")
    return PacketKind(value)


def packet_file_name(kind: PacketKind, meeting: Meeting) -> str:
    """meeting-packet-… for the full summaries, meeting-sheets-… for the board sheets."""
    return file_name("packet" if kind == PacketKind.SUMMARIES else "sheets", meeting)


def _agenda_cases(meeting: Meeting) -> list[Case]:
    """The cases on the agenda, one per patient shown in the meeting's documents (one query)."""
    return list(Case.objects.filter(agenda_items__meeting=meeting).only("pk", "patient_id"))


def _pdf_response(content: bytes, name: str, request: HtmxHttpRequest) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    # A header value whenever there is a file name, and every document has one.
    response["Content-Disposition"] = cast(
        str, content_disposition_header(request.GET.get("download") == "1", name)
    )
    return response


@permission_required("meetings.add_meetingpacket", raise_exception=True)
@require_POST
def packet_request(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Start generating the packet in the background; htmx gets the panel, which then polls."""
    meeting = get_object_or_404(Meeting, pk=pk)
    kind = packet_kind(request.POST.get("kind"))
    services.request_packet(user=request.user, meeting_id=meeting.pk, kind=kind)
    if request.htmx:
        return render(request, f"{TEMPLATE}#packet", packet_context(pk))
    messages.info(request, f"The meeting packet ({kind.label.lower()}) is being generated.")
    return redirect(reverse("meetings:detail", args=[pk]) + "#packet")


@passive  # the page polls by itself: an unattended page must not keep the session alive
@never_cache
@permission_required("meetings.view_meetingpacket", raise_exception=True)
def packet_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The packet panel alone: what the progress bar polls every two seconds while it is being made."""
    return render(request, f"{TEMPLATE}#packet", packet_context(pk))


def _who_generates(request: HtmxHttpRequest, own: str) -> str:
    """What a reader can do about a packet: generate it themselves, or ask a coordinator."""
    return (
        own if request.user.has_perm("meetings.add_meetingpacket") else "A board coordinator can generate it."
    )


def _open_packet_file(packet: MeetingPacket | None) -> File[Any] | None:
    """The ready packet's stored file, opened for reading; None when the storage no longer has it."""
    if packet is None or not packet.file.name:
        return None
    try:
        return packet_storage().open(packet.file.name, "rb")
    except FileNotFoundError:
        # Ids only: the file name is random and the row holds no patient data, but the log stays clean.
        logger.warning("Meeting packet %s is ready but its file is missing from the storage", packet.pk)
        return None


@never_cache
@permission_required("meetings.view_meetingpacket", raise_exception=True)
def packet_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponseBase:
    """The packet (?kind=sheets: board sheets) when it matches the agenda; else back to the meeting page.

    A GET starts nothing.
    """
    kind = packet_kind(request.GET.get("kind"))
    context = packet_context(pk)
    meeting, view = context["meeting"], context["packets"].view(kind)
    if view.state == "ready":
        handle = _open_packet_file(view.packet)
        if handle is not None:
            audit.record_reads(
                user=request.user, action=AccessEvent.Action.DOWNLOAD_PACKET, cases=_agenda_cases(meeting)
            )
            # Streamed from the storage in chunks, with the same Content-Disposition as _pdf_response.
            return FileResponse(
                handle,
                content_type="application/pdf",
                as_attachment=request.GET.get("download") == "1",
                filename=packet_file_name(kind, meeting),
            )
        messages.error(
            request,
            "The packet's file is missing from the file storage (moved, restored without its files, or "
            f"deleted), so it cannot be downloaded. {_who_generates(request, 'Regenerate it below.')}",
        )
    elif view.state == "failed":
        messages.error(request, "The packet could not be generated; see the message below.")
    elif view.polling:
        messages.info(request, "The packet is still being generated.")
    else:
        # Never served out of date, and never regenerated by a read: only a POST by a role that may
        # request packets starts one (and is named as the one who generated it).
        missing = "has not been generated yet" if view.state == "none" else "is out of date"
        messages.warning(request, f"The packet {missing}. {_who_generates(request, 'Generate it below.')}")
    return redirect(reverse("meetings:detail", args=[pk]) + "#packet")


@never_cache
@permission_required(["meetings.view_meeting", "meetings.view_decision"], raise_exception=True)
def minutes_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The minutes: every agenda case with the board's decision, for the record after the meeting."""
    meeting = get_object_or_404(Meeting, pk=pk)
    content = render_minutes(meeting, request.user)
    audit.record_reads(
        user=request.user, action=AccessEvent.Action.DOWNLOAD_MINUTES, cases=_agenda_cases(meeting)
    )
    return _pdf_response(content, file_name("minutes", meeting), request)
