"""Background work of the meetings app (Django's Tasks API through the django-tasks backport)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from meetings.models import MeetingPacket, PacketStatus
from meetings.packet import render_packet
from meetings.storage import delete_packet_file, save_packet_file

ERROR_LIMIT = 500
STOPPED_MESSAGE = "The background worker was stopped while generating the packet; nothing was stored. Retry."


class PacketRenderFailed(Exception):
    """A meeting packet could not be rendered; the reason is on the packet, never in the log."""


class PacketWorkerLost(Exception):
    """The worker rendering a packet died (its lease ran out); recorded on its task row."""


def failure_message(error: Exception) -> str:
    """What the packet panel shows about a failed render."""
    return f"{type(error).__name__}: {error}"[:ERROR_LIMIT]


@task()
def generate_meeting_packet(packet_id: int, generation: int) -> str:
    """Render a meeting's packet into its file and row, unless a newer request superseded this one."""
    from meetings.services import fail_lost_packets

    # Any worker starting a packet also closes those whose worker died (their lease ran out).
    fail_lost_packets()
    current = MeetingPacket.objects.filter(pk=packet_id, generation=generation)
    claimed = current.filter(status=PacketStatus.QUEUED).update(
        status=PacketStatus.RUNNING, cases_done=0, heartbeat_at=timezone.now()
    )
    if not claimed:
        return "superseded"
    packet = MeetingPacket.objects.select_related("updated_by").get(pk=packet_id)
    requester = packet.updated_by or AnonymousUser()

    def progress(done: int, total: int) -> None:
        # Each case renews the lease: a packet whose worker is killed is failed once it runs out.
        current.update(cases_done=done, cases_total=total, heartbeat_at=timezone.now())

    name = ""
    try:
        content, fingerprint = render_packet(packet.meeting_id, requester, progress, kind=packet.kind)
        # The upload may take a while too: the lease is renewed before it.
        current.update(heartbeat_at=timezone.now())
        # Stored before the short transaction below, so that no upload holds the database's write lock.
        name = save_packet_file(packet=packet, content=content)
    except Exception as error:
        current.update(status=PacketStatus.FAILED, error=failure_message(error))
        # Re-raised without its cause or message, which may hold patient data: the worker logs
        # tracebacks, and patient data must never reach a log.
        raise PacketRenderFailed(f"Meeting packet {packet_id} (generation {generation}) failed") from None
    except BaseException:
        # The worker is being stopped (a second SIGTERM or Ctrl+C exits mid-task): fail the packet cleanly
        # instead of leaving it "running", then let the worker stop. A file already stored is nobody's.
        if name:
            delete_packet_file(name)
        current.update(status=PacketStatus.FAILED, error=STOPPED_MESSAGE)
        raise
    row: MeetingPacket | None = None
    replaced = ""
    try:
        with transaction.atomic():
            # The row is locked (SQLite: the whole database) while its old name is read and replaced.
            row = current.select_for_update().only("file").first()
            if row is not None:
                replaced = row.file.name
                current.update(
                    status=PacketStatus.READY,
                    file=name,
                    fingerprint=fingerprint,
                    generated_at=timezone.now(),
                    cases_done=F("cases_total"),
                    error="",
                )
    except BaseException:
        delete_packet_file(name)
        raise
    if row is None:
        # A newer request superseded this render while it ran: its file is nobody's.
        delete_packet_file(name)
        return "superseded"
    if replaced and replaced != name:
        # The previous packet's file goes only once the new one is stored and committed (at once in the
        # worker; the immediate backend of the tests runs inside the request's transaction).
        transaction.on_commit(lambda: delete_packet_file(replaced))
    return "ready"
