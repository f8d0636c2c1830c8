"""Background work of the meetings app (Django's Tasks API through the django-tasks backport)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from meetings.models import MeetingPacket, PacketStatus
from meetings.packet import render_packet

ERROR_LIMIT = 500


class PacketRenderFailed(Exception):
    """A meeting packet could not be rendered; the reason is on the packet, never in the log."""


def failure_message(error: Exception) -> str:
    """What the packet panel shows about a failed render."""
    return f"{type(error).__name__}: {error}"[:ERROR_LIMIT]


@task()
def generate_meeting_packet(packet_id: int, generation: int) -> str:
    """Render a meeting's packet into its MeetingPacket row, unless a newer request superseded this one."""
    current = MeetingPacket.objects.filter(pk=packet_id, generation=generation)
    if not current.filter(status=PacketStatus.QUEUED).update(status=PacketStatus.RUNNING, cases_done=0):
        return "superseded"
    packet = MeetingPacket.objects.defer("pdf").select_related("updated_by").get(pk=packet_id)
    requester = packet.updated_by or AnonymousUser()
    try:
        content, fingerprint = render_packet(
            packet.meeting_id,
            requester,
            lambda done, total: current.update(cases_done=done, cases_total=total),
        )
    except Exception as error:
        current.update(status=PacketStatus.FAILED, error=failure_message(error))
        # Re-raised without its cause or message, which may hold patient data: the worker logs
        # tracebacks, and patient data must never reach a log.
        raise PacketRenderFailed(f"Meeting packet {packet_id} (generation {generation}) failed") from None
    current.update(
        status=PacketStatus.READY,
        pdf=content,
        fingerprint=fingerprint,
        generated_at=timezone.now(),
        cases_done=F("cases_total"),
        error="",
    )
    return "ready"
