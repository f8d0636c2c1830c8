"""Background work of the meetings app (Django's Tasks API through the django-tasks backport)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django_tasks import task

from meetings.models import AgendaItem, MeetingPacket, PacketStatus
from meetings.packet import agenda_for_packet, cover_html, render_cover, render_packet
from meetings.packet_parts import ensure_part, is_cover_kept, is_stored, plan_parts
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
    """Start a meeting's packet: queue a task per case part not kept yet (and the cover), render one here.

    The parts and the cover are spread over every running worker (render_packet_part,
    render_packet_cover); whichever finishes the last of them merges the packet (finish_packet).
    Parts and covers kept from an earlier packet are not rendered again.
    """
    from meetings.services import fail_lost_packets

    # Any worker starting a packet also closes those whose worker died (their lease ran out).
    fail_lost_packets()
    current = MeetingPacket.objects.filter(pk=packet_id, generation=generation)
    claimed = current.filter(status=PacketStatus.QUEUED).update(
        status=PacketStatus.RUNNING, cases_done=0, cover_done=False, heartbeat_at=timezone.now()
    )
    if not claimed:
        return "superseded"
    packet = MeetingPacket.objects.get(pk=packet_id)
    try:
        items = agenda_for_packet(packet.meeting)
        missing = [
            plan
            for plan in plan_parts(items, kind=packet.kind, today=timezone.localdate())
            if not is_stored(plan)
        ]
        cover_kept = is_cover_kept(cover_html(packet.meeting, items, kind=packet.kind))
    except Exception as error:
        return _failed(current, packet_id, generation, error)
    current.update(
        cases_total=len(items),
        cases_done=len(items) - len(missing),
        cover_done=cover_kept,
        heartbeat_at=timezone.now(),
    )
    if not missing:
        return finish_packet(packet_id, generation) if cover_kept else _render_cover(packet_id, generation)
    # The other workers take these while this one renders the first part.
    if not cover_kept:
        render_packet_cover.enqueue(packet_id, generation)
    for plan in missing[1:]:
        render_packet_part.enqueue(packet_id, generation, plan.item.pk)
    return _render_part(packet_id, generation, missing[0].item.pk)


@task()
def render_packet_part(packet_id: int, generation: int, item_id: int) -> str:
    """Render and keep one agenda case's part of a packet; the worker finishing the last piece merges it."""
    return _render_part(packet_id, generation, item_id)


@task()
def render_packet_cover(packet_id: int, generation: int) -> str:
    """Lay out and keep a packet's cover; the worker finishing the last piece merges the packet."""
    return _render_cover(packet_id, generation)


def _taken_up(packet_id: int, generation: int) -> QuerySet[MeetingPacket] | None:
    """The packet's running generation, its lease renewed, or None if it was superseded or failed."""
    running = MeetingPacket.objects.filter(pk=packet_id, generation=generation, status=PacketStatus.RUNNING)
    # Taking a piece up renews the lease too: pieces that waited in the queue are progress, not a lost worker.
    return running if running.update(heartbeat_at=timezone.now()) else None


def _render_part(packet_id: int, generation: int, item_id: int) -> str:
    """Render the item's part unless the packet was superseded or failed, then count it done."""
    running = _taken_up(packet_id, generation)
    packet = running.select_related("updated_by").first() if running is not None else None
    if running is None or packet is None:
        return "superseded"
    item = AgendaItem.objects.select_related("case__patient").filter(pk=item_id, meeting_id=packet.meeting_id)
    with _failing_on_error(running, packet_id, generation):
        # None if the case left the agenda meanwhile: the merge reads the agenda again.
        for agenda_item in item:
            now = timezone.localtime()
            (plan,) = plan_parts([agenda_item], kind=packet.kind, today=now.date())
            ensure_part(plan, packet.updated_by or AnonymousUser(), now=now)
    return _count_done(running, packet_id, generation, piece="part")


def _render_cover(packet_id: int, generation: int) -> str:
    """Lay out and keep the cover unless the packet was superseded or failed, then count it done."""
    running = _taken_up(packet_id, generation)
    packet = running.select_related("meeting").first() if running is not None else None
    if running is None or packet is None:
        return "superseded"
    with _failing_on_error(running, packet_id, generation):
        render_cover(packet.meeting, agenda_for_packet(packet.meeting), kind=packet.kind)
    return _count_done(running, packet_id, generation, piece="cover")


@contextmanager
def _failing_on_error(running: QuerySet[MeetingPacket], packet_id: int, generation: int) -> Iterator[None]:
    """Fail the packet if rendering a piece raises: with the reason, or as stopped if the worker is."""
    try:
        yield
    except Exception as error:
        _failed(running, packet_id, generation, error)
    except BaseException:
        running.update(status=PacketStatus.FAILED, error=STOPPED_MESSAGE)
        raise


def _count_done(running: QuerySet[MeetingPacket], packet_id: int, generation: int, *, piece: str) -> str:
    """Count a part (or the cover) done; the worker that completes the set merges the packet."""
    done_now = {"cover_done": True} if piece == "cover" else {"cases_done": F("cases_done") + 1}
    with transaction.atomic():
        # The update takes the row's write lock first, so of two workers finishing together the second
        # sees both pieces done: exactly one merges.
        if not running.update(**done_now, heartbeat_at=timezone.now()):
            return "superseded"
        done, total, cover_done = running.values_list("cases_done", "cases_total", "cover_done").get()
    if done < total or not cover_done:
        return piece
    return finish_packet(packet_id, generation)


def _failed(current: QuerySet[MeetingPacket], packet_id: int, generation: int, error: Exception) -> NoReturn:
    """Record why the packet failed on its row, then raise without the reason (it may hold patient data)."""
    current.update(status=PacketStatus.FAILED, error=failure_message(error))
    # Re-raised without its cause or message: the worker logs tracebacks, and patient data must never
    # reach a log.
    raise PacketRenderFailed(f"Meeting packet {packet_id} (generation {generation}) failed") from None


def finish_packet(packet_id: int, generation: int) -> str:
    """Merge the packet from its parts (rendering any still missing) into its file and row."""
    current = MeetingPacket.objects.filter(pk=packet_id, generation=generation)
    packet = current.filter(status=PacketStatus.RUNNING).select_related("updated_by").first()
    if packet is None:
        return "superseded"
    requester = packet.updated_by or AnonymousUser()

    def progress(done: int, total: int) -> None:
        # Each step renews the lease: a packet whose worker is killed is failed once it runs out. The
        # counts stay those of the parts (all done by now but for a case that changed meanwhile).
        current.update(heartbeat_at=timezone.now())

    name = ""
    try:
        content, fingerprint = render_packet(packet.meeting_id, requester, progress, kind=packet.kind)
        # The upload may take a while too: the lease is renewed before it.
        current.update(heartbeat_at=timezone.now())
        # Stored before the short transaction below, so that no upload holds the database's write lock.
        name = save_packet_file(packet=packet, content=content)
    except Exception as error:
        _failed(current, packet_id, generation, error)
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
