"""The meeting packet (rendered in the background, polled by htmx) and the minutes, as PDFs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cases import audit
from cases.middleware import passive
from cases.models import AccessEvent, Case
from meetings import services
from meetings.models import Meeting, MeetingPacket
from meetings.packet import agenda_for_packet, file_name, packet_fingerprint, packet_view, render_minutes
from meetings.views.meeting import TEMPLATE


def packet_context(pk: int) -> dict[str, Any]:
    """The meeting and its packet's state (the packet panel's context), without loading the file."""
    meeting = get_object_or_404(Meeting.objects.select_related("packet").defer("packet__pdf"), pk=pk)
    fingerprint = packet_fingerprint(meeting, agenda_for_packet(meeting))
    return {"meeting": meeting, "packet": packet_view(getattr(meeting, "packet", None), fingerprint)}


def _agenda_cases(meeting: Meeting) -> list[Case]:
    """The cases on the agenda, one per patient shown in the meeting's documents (one query)."""
    return list(Case.objects.filter(agenda_items__meeting=meeting).only("pk", "patient_id"))


def _pdf_response(content: bytes, name: str, request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(request.GET.get("download") == "1", name)
    return response


@permission_required("meetings.add_meetingpacket", raise_exception=True)
@require_POST
def packet_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Start generating the packet in the background; htmx gets the panel, which then polls."""
    meeting = get_object_or_404(Meeting, pk=pk)
    services.request_packet(request.user, meeting.pk)
    if request.htmx:
        return render(request, f"{TEMPLATE}#packet", packet_context(pk))
    messages.info(request, "The meeting packet is being generated.")
    return redirect(reverse("meetings:detail", args=[pk]) + "#packet")


@passive  # the page polls by itself: an unattended page must not keep the session alive
@never_cache
@permission_required("meetings.view_meetingpacket", raise_exception=True)
def packet_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The packet panel alone: what the progress bar polls every two seconds while it is being made."""
    return render(request, f"{TEMPLATE}#packet", packet_context(pk))


@never_cache
@permission_required("meetings.view_meetingpacket", raise_exception=True)
def packet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The packet; an out-of-date or missing one is generated anew first (never served stale)."""
    context = packet_context(pk)
    meeting, view = context["meeting"], context["packet"]
    if view.state == "ready":
        content = MeetingPacket.objects.values_list("pdf", flat=True).get(pk=view.packet.pk)
        audit.record_reads(request.user, AccessEvent.Action.DOWNLOAD_PACKET, _agenda_cases(meeting))
        return _pdf_response(bytes(content), file_name("packet", meeting), request)
    if view.state != "failed" and not view.polling:
        # Reading a changed agenda's packet regenerates it: a refresh of derived content, not an edit.
        services.request_packet(request.user, meeting.pk)
        messages.info(
            request, "The agenda or a case changed since the packet was made: it is being regenerated."
        )
    elif view.state == "failed":
        messages.error(request, "The packet could not be generated; see the message below.")
    else:
        messages.info(request, "The packet is still being generated.")
    return redirect(reverse("meetings:detail", args=[pk]) + "#packet")


@never_cache
@permission_required(["meetings.view_meeting", "meetings.view_decision"], raise_exception=True)
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes: every agenda case with the board's decision, for the record after the meeting."""
    meeting = get_object_or_404(Meeting, pk=pk)
    content = render_minutes(meeting, request.user)
    audit.record_reads(request.user, AccessEvent.Action.DOWNLOAD_MINUTES, _agenda_cases(meeting))
    return _pdf_response(content, file_name("minutes", meeting), request)
