"""PDF measures against the running server: one case summary, and a meeting packet through the task workers.

The packet is timed cold, asked for again with nothing changed, and again after one case on the agenda
was edited through the app's own service (cases.services.save_step), as a clinician's correction is.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from bench.load import Browser
from cases.fingerprint import case_fingerprint
from cases.models import Case
from cases.models.text import BOARD_QUESTION_LENGTH
from cases.services import save_step
from cases.workup import RecordEdit, StepEdits
from meetings import services
from meetings.models import MeetingPacket, PacketKind, PacketStatus


def case_pdf_seconds(base_url: str, login: tuple[str, str], case_id: int, runs: int = 5) -> list[float]:
    """Download the case's pathway PDF `runs` times after one warm-up; the time of each download."""
    browser = Browser(base_url, timeout=60)
    browser.login(*login)
    path = f"/cases/{case_id}/pathway.pdf"
    times = []
    try:
        for number in range(runs + 1):
            began = time.perf_counter()
            status, headers, body = browser.request("GET", path)
            elapsed = time.perf_counter() - began
            if status != 200 or not body.startswith(b"%PDF"):
                raise RuntimeError(f"GET {path} answered {status} {headers.get('Content-Type')}")
            if number:
                times.append(elapsed)
    finally:
        browser.close()
    return times


def make_meeting(coordinator: Any, case_ids: list[int]) -> int:
    """A meeting next week with these (ready) cases on its agenda, through the meetings services."""
    meeting = services.create_meeting(
        user=coordinator,
        board_name="Benchmark board",
        starts_at=timezone.now() + timedelta(days=7),
        location="Room B (benchmark)",
    )
    for case_id in case_ids:
        services.add_case_to_agenda(user=coordinator, meeting_id=meeting.pk, case_id=case_id)
    return meeting.pk


@dataclass(frozen=True)
class PacketRun:
    """A packet requested through the endpoint and rendered by the task worker."""

    seconds: float
    status: str
    cases_done: int
    pages: int | None
    error: str
    # The task workers that ran any of the packet's tasks (its parts, where it is split, and its merge).
    workers: int = 0


def packet_end_to_end(
    base_url: str, login: tuple[str, str], meeting_id: int, timeout: float = 180.0
) -> PacketRun:
    """POST the packet request as the coordinator, then poll until a worker has stored this request's PDF."""
    from django_tasks_db.models import DBTaskResult

    browser = Browser(base_url, timeout=60)
    browser.login(*login)
    summaries = MeetingPacket.objects.filter(meeting_id=meeting_id, kind=PacketKind.SUMMARIES)
    # A packet ready from an earlier request is not this one's: wait for a newer generation.
    earlier = summaries.values_list("generation", flat=True).first() or 0
    asked_at = timezone.now()
    try:
        began = time.perf_counter()
        status, _, _ = browser.request(
            "POST",
            f"/meetings/{meeting_id}/packet/",
            body=f"csrfmiddlewaretoken={browser.cookies['csrftoken']}".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": browser.origin},
        )
        if status not in (200, 302):
            raise RuntimeError(f"Requesting the packet answered {status}.")
        packet = None
        while time.perf_counter() - began < timeout:
            packet = summaries.filter(generation__gt=earlier).first()
            if packet is not None and packet.status in (PacketStatus.READY, PacketStatus.FAILED):
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - began
    finally:
        browser.close()
    tasks = DBTaskResult.objects.filter(task_path__startswith="meetings.tasks.", enqueued_at__gte=asked_at)
    workers = len({worker for ids in tasks.values_list("worker_ids", flat=True) for worker in ids})
    if packet is None or packet.status not in (PacketStatus.READY, PacketStatus.FAILED):
        done = packet.cases_done if packet else 0
        return PacketRun(elapsed, "timeout", done, None, "no result in time", workers)
    return PacketRun(elapsed, packet.status, packet.cases_done, _pages(packet.pk), packet.error, workers)


def edit_one_case(user: Any, case_id: int) -> bool:
    """Reword one case's question for the board through the workup's save; True if its fingerprint changed.

    The patient step's real service (cases.services.save_step) with the case as its form would leave it:
    a new case version, the case marked changed and reclassified, so the case's packet part is stale.
    """
    before = case_fingerprint(case_id)
    case = Case.objects.get(pk=case_id)
    loaded_version = case.version
    case.board_question = f"{case.board_question} Re-checked for the benchmark.".strip()[
        :BOARD_QUESTION_LENGTH
    ]
    save_step(user=user, case=case, step="patient", edits=StepEdits((RecordEdit(case, loaded_version),)))
    after = case_fingerprint(case_id)
    return before is not None and after is not None and before.digest != after.digest


def _pages(packet_id: int) -> int | None:
    """Pages of the stored packet (pypdf is a dev dependency; None without it)."""
    try:
        import io

        from pypdf import PdfReader
    except ImportError:  # pragma: no cover
        return None
    packet = MeetingPacket.objects.get(pk=packet_id)
    if not packet.file.name:
        return None
    with packet.file.open("rb") as handle:
        return len(PdfReader(io.BytesIO(handle.read())).pages)


def median(values: list[float]) -> float:
    """The median (0 for none)."""
    return statistics.median(values) if values else 0.0
