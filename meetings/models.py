"""Tumor board meetings: who attends, the agenda of cases, the board's decisions and the meeting packet."""

from __future__ import annotations

import datetime
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import Case
from cases.models.records import Authored
from cases.models.text import BOARD_QUESTION_LENGTH, DECISION_TEXT_LENGTH, name_text
from meetings.storage import packet_storage, packet_upload_to

DEFAULT_EXPECTED_MINUTES = 5
MAX_EXPECTED_MINUTES = 60


class Specialty(models.TextChoices):
    """The disciplines of the NANETS 2023 panel, the reference composition of a board."""

    MEDICAL_ONCOLOGY = "medical_oncology", "Medical oncology"
    SURGERY = "surgery", "Surgery"
    PATHOLOGY = "pathology", "Pathology"
    RADIOLOGY = "radiology", "Radiology"
    NUCLEAR_MEDICINE = "nuclear_medicine", "Nuclear medicine"
    RADIATION_ONCOLOGY = "radiation_oncology", "Radiation oncology"
    INTERVENTIONAL_RADIOLOGY = "interventional_radiology", "Interventional radiology"
    GYNECOLOGIC_ONCOLOGY = "gynecologic_oncology", "Gynecologic oncology"


class DeviationReason(models.TextChoices):
    """Why the board chose a plan the guideline does not recommend (coded, for audit)."""

    PATIENT_PREFERENCE = "patient_preference", "Patient preference"
    PERFORMANCE_STATUS = "performance_status", "Performance status or comorbidity"
    CLINICAL_TRIAL = "clinical_trial", "Clinical trial"
    PRIOR_TOXICITY = "prior_toxicity", "Prior toxicity"
    OTHER = "other", "Other"


class PacketStatus(models.TextChoices):
    """Where the background rendering of a meeting packet stands."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Generating"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class PacketKind(models.TextChoices):
    """What the meeting packet holds after its cover and contents: each case's full summary, or its sheet."""

    SUMMARIES = "summaries", "Full summaries"
    SHEETS = "sheets", "Board sheets"


# A board meets in this window: a date outside it is a typing slip (9999-12-31 broke the meeting page).
EARLIEST_MEETING = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
MEETING_HORIZON = datetime.timedelta(days=2 * 365)


def in_meeting_window(value: datetime.datetime) -> None:
    """Refuse a meeting before 2000 or more than two years ahead."""
    if value is None:
        return
    if value < EARLIEST_MEETING:
        raise ValidationError("A meeting before 2000: check the year.", code="meeting_too_early")
    latest = timezone.now() + MEETING_HORIZON
    if value > latest:
        raise ValidationError(
            "A meeting more than two years ahead (after %(latest)s): check the year.",
            params={"latest": timezone.localtime(latest).date()},
            code="meeting_too_late",
        )


class _BoundedTextOptions(TypedDict):
    """The keyword arguments that bound a free-text field."""

    max_length: int
    validators: list[MaxLengthValidator]


def _bounded_text(length: int) -> _BoundedTextOptions:
    """Options of a free-text field limited to length characters (in forms, admin and the model)."""
    return {"max_length": length, "validators": [MaxLengthValidator(length)]}


class Meeting(Authored):
    """One sitting of a tumor board."""

    board_name = models.CharField(max_length=120)
    starts_at = models.DateTimeField("date and time", validators=[in_meeting_window])
    location = models.CharField(max_length=200, blank=True, help_text="Room and building.")
    video_link = models.URLField(blank=True, help_text="Link to the video call, if the board meets online.")

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["starts_at"])]
        permissions = [("view_quality", "Can view the board's quality figures")]

    def __str__(self) -> str:
        return f"{self.board_name} ({self.starts_at:%Y-%m-%d %H:%M})"

    def clean(self) -> None:
        if not self.location.strip() and not self.video_link.strip():
            message = "Give a location or a video link (or both)."
            raise ValidationError({"location": message})


class Attendee(Authored):
    """A person at the meeting and the discipline they bring."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=120, validators=[name_text])
    specialty = models.CharField(max_length=24, choices=Specialty.choices)

    class Meta:
        ordering = ["specialty", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_specialty_display()})"


class AgendaItem(Authored):
    """A case on a meeting's agenda, at a position, with the question the board is asked."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    # 1..n without gaps; meetings.services renumbers under a lock on the meeting row.
    position = models.PositiveIntegerField()
    board_question = models.TextField("question for the board", **_bounded_text(BOARD_QUESTION_LENGTH))
    expected_minutes = models.PositiveSmallIntegerField(
        default=DEFAULT_EXPECTED_MINUTES,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EXPECTED_MINUTES)],
    )

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="agenda_position_unique"),
            models.UniqueConstraint(fields=["meeting", "case"], name="agenda_case_once_per_meeting"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. case {self.case_id}"


class Decision(Authored):
    """What the board decided for one agenda item, and why when it departs from the guideline."""

    agenda_item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="decision")
    # The chosen pathway option as the engine named it then (the engine may change later).
    option_code = models.CharField("pathway option", max_length=80, blank=True)
    option_text = models.CharField("chosen option", max_length=300, blank=True)
    option_status = models.CharField("option status", max_length=20, blank=True)
    option_strength = models.CharField("panel vote", max_length=24, blank=True)
    plan = models.TextField(
        "plan",
        blank=True,
        help_text="Free text: details, or a plan outside the options.",
        **_bounded_text(DECISION_TEXT_LENGTH),
    )
    follows_guideline = models.BooleanField("follows the guideline")
    deviation_reason = models.CharField(
        "reason for the deviation", max_length=24, choices=DeviationReason.choices, blank=True
    )
    deviation_detail = models.TextField("reason in words", blank=True, **_bounded_text(DECISION_TEXT_LENGTH))
    responsible_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_decisions"
    )
    next_review_on = models.DateField("next review")
    engine_version = models.CharField(max_length=20, blank=True)
    # The case's version when the decision was recorded: a later edit shows "changed since the board
    # discussed version N" on the case and pathway pages (cases.discussion). Empty for older decisions.
    case_version = models.PositiveIntegerField("case version discussed", null=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(option_code="") | ~Q(plan=""),
                name="decision_has_a_plan",
                violation_error_message="Choose a pathway option or describe the plan.",
            ),
            models.CheckConstraint(
                condition=Q(follows_guideline=True, deviation_reason="")
                | (Q(follows_guideline=False) & ~Q(deviation_reason="")),
                name="decision_deviation_has_reason",
                violation_error_message="A deviation from the guideline needs a coded reason.",
            ),
            models.CheckConstraint(
                condition=~Q(deviation_reason="other") | ~Q(deviation_detail=""),
                name="decision_other_reason_has_text",
                violation_error_message="Describe the other reason.",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision for agenda item {self.agenda_item_id}"

    @property
    def plan_title(self) -> str:
        """The chosen option, else the first line of the free-text plan."""
        if self.option_text:
            return self.option_text
        lines = self.plan.strip().splitlines()
        return lines[0] if lines else ""

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not self.option_code and not self.plan.strip():
            errors["plan"] = "Choose a pathway option or describe the plan."
        if self.follows_guideline is False and not self.deviation_reason:
            errors["deviation_reason"] = "A deviation from the guideline needs a reason: choose one."
        if self.deviation_reason == DeviationReason.OTHER and not self.deviation_detail.strip():
            errors["deviation_detail"] = "Describe the other reason."
        if errors:
            raise ValidationError(errors)


class MeetingPacket(models.Model):
    """The meeting's PDF packet, rendered in the background (django-tasks) into the "packets" storage.

    Not an Authored record: it is derived from the agenda and regenerated at will, so a change
    history of it would record nothing worth keeping.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packets")
    kind = models.CharField(max_length=10, choices=PacketKind.choices, default=PacketKind.SUMMARIES)
    status = models.CharField(max_length=10, choices=PacketStatus.choices, default=PacketStatus.QUEUED)
    # Bumped by every request; a render stores its result only while its generation is still current.
    generation = models.PositiveIntegerField(default=0)
    # Of the agenda and cases the file reflects (meetings.packet.packet_fingerprint).
    fingerprint = models.CharField(max_length=64, blank=True)
    cases_done = models.PositiveSmallIntegerField(default=0)
    cases_total = models.PositiveSmallIntegerField(default=0)
    # The cover of this generation is laid out and kept (a task of its own, beside the cases' parts).
    cover_done = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    # The PDF itself is a private file (meetings.storage), served only by the audited packet view: the
    # database stays small, and S3-compatible storage is a setting. Empty until the first render is stored.
    file = models.FileField(
        upload_to=packet_upload_to, storage=packet_storage, max_length=200, blank=True, editable=False
    )
    task_id = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField(null=True)
    # Renewed by the running render after every case: a lease older than PACKET_LEASE_SECONDS means
    # its worker died (killed, out of memory, machine restarted) and the packet is failed.
    heartbeat_at = models.DateTimeField(null=True)
    generated_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Who asked for the current generation; its PDF says "Generated by" them.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "kind"], name="packet_meeting_kind_unique")]

    def __str__(self) -> str:
        return f"Packet ({self.kind}) of meeting {self.meeting_id} ({self.status})"

    @property
    def in_progress(self) -> bool:
        """Queued, or running with a live worker: the page keeps polling."""
        return self.status == PacketStatus.QUEUED or (
            self.status == PacketStatus.RUNNING and not self.worker_lost()
        )

    def queued_too_long(self, now: datetime.datetime | None = None) -> bool:
        """Still queued after WORKER_HINT_AFTER: likely no worker runs, or it lost the task."""
        queued_for = (now or timezone.now()) - (self.requested_at or timezone.now())
        return self.status == PacketStatus.QUEUED and queued_for > WORKER_HINT_AFTER

    def worker_lost(self, now: datetime.datetime | None = None) -> bool:
        """Running, but its worker has not renewed the lease in time: it died mid-packet."""
        if self.status != PacketStatus.RUNNING:
            return False
        last_sign_of_life = self.heartbeat_at or self.requested_at
        return last_sign_of_life is None or last_sign_of_life < lease_deadline(now)


# A packet queued longer than this suggests that no worker (manage.py db_worker) is running.
WORKER_HINT_AFTER = datetime.timedelta(minutes=2)


def lease_deadline(now: datetime.datetime | None = None) -> datetime.datetime:
    """A running packet whose last heartbeat is older than this has lost its worker."""
    return (now or timezone.now()) - datetime.timedelta(seconds=settings.PACKET_LEASE_SECONDS)


def worker_lost_message() -> str:
    """What a packet whose worker died says (on the page and in its error)."""
    return (
        "The background worker stopped while generating the packet (no progress for more than "
        f"{settings.PACKET_LEASE_SECONDS} seconds), so nothing was stored. Retry to generate it again."
    )
