"""A demo meeting for the local demo: next week's board with a full panel and the ready demo cases."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.models.choices import CaseStatus
from meetings import services
from meetings.models import Meeting, Specialty

DEMO_BOARD = "High-grade NEN tumor board (demo)"
DEMO_ATTENDEES = (  # obviously fictitious
    ("Dr. Demo Oncologist", Specialty.MEDICAL_ONCOLOGY),
    ("Dr. Demo Surgeon", Specialty.SURGERY),
    ("Dr. Demo Pathologist", Specialty.PATHOLOGY),
    ("Dr. Demo Radiologist", Specialty.RADIOLOGY),
    ("Dr. Demo Nuclear Physician", Specialty.NUCLEAR_MEDICINE),
    ("Dr. Demo Radiation Oncologist", Specialty.RADIATION_ONCOLOGY),
)


def next_board_time(now: datetime) -> datetime:
    """Next Thursday at 16:00 local time (a week ahead when today is Thursday)."""
    local = timezone.localtime(now)
    days = (3 - local.weekday()) % 7 or 7
    return timezone.make_aware(datetime.combine(local.date() + timedelta(days=days), time(16, 0)))


@transaction.atomic
def seed_demo_meeting(author: AbstractBaseUser | None = None) -> Meeting:
    """Create the upcoming demo meeting, or complete it: attendees and every ready demo case (idempotent)."""
    author = author or get_user_model().objects.get(username="coordinator")
    meeting = Meeting.objects.filter(board_name=DEMO_BOARD, starts_at__gte=timezone.now()).first()
    if meeting is None:
        meeting = services.create_meeting(
            user=author,
            board_name=DEMO_BOARD,
            starts_at=next_board_time(timezone.now()),
            location="Demo hospital, tumor board room 2",
            video_link="https://video.example.org/demo-board",
        )
    present = set(meeting.attendees.values_list("name", flat=True))
    for name, specialty in DEMO_ATTENDEES:
        if name not in present:
            services.add_attendee(user=author, meeting_id=meeting.pk, name=name, specialty=specialty)
    on_agenda = set(meeting.agenda_items.values_list("case_id", flat=True))
    ready = Case.objects.filter(status=CaseStatus.READY, patient__mrn__startswith="DEMO-").order_by(
        "patient__mrn"
    )
    for case in ready:
        if case.pk not in on_agenda:
            services.add_case_to_agenda(user=author, meeting_id=meeting.pk, case_id=case.pk)
    return meeting


def on_demo_seeded(sender: object, *, users: Mapping[str, AbstractBaseUser], **kwargs: Any) -> str:
    """Receives cases.signals.demo_seeded: seeds the demo meeting and returns seed_demo's line for it."""
    return f"Demo meeting: {seed_demo_meeting(users['coordinator'])}"
