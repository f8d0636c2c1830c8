"""The board's composition against the NANETS 2023 panel: who is missing, and when it matters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from meetings.models import AgendaItem, Attendee, Specialty

# The NANETS 2023 consensus panel brought these disciplines together; a board deciding on high-grade
# NEN is compared with it. Without pathology and radiology the classification and the extent of
# disease, on which every branch of the pathway depends, cannot be reviewed.
REFERENCE_PANEL = tuple(Specialty)
ESSENTIAL = (Specialty.PATHOLOGY, Specialty.RADIOLOGY)


@dataclass(frozen=True)
class PanelWarning:
    """Something about who attends that the board should know before deciding."""

    level: str  # "warning" (shown in amber, with role=alert) or "info"
    text: str


def present_specialties(attendees: Iterable[Attendee]) -> set[str]:
    """The specialties at the meeting."""
    return {attendee.specialty for attendee in attendees}


def panel_warnings(attendees: Iterable[Attendee], items: Iterable[AgendaItem] = ()) -> list[PanelWarning]:
    """Warnings for missing pathology or radiology (and gynecologic oncology for gynecologic cases)."""
    present = present_specialties(attendees)
    warnings = [
        PanelWarning(
            "warning",
            f"No {specialty.label.lower()}: the reference panel includes it, and the grade, "
            "differentiation and extent of disease the pathway depends on need its review.",
        )
        for specialty in ESSENTIAL
        if specialty not in present
    ]
    flagged = set(ESSENTIAL)
    if Specialty.GYNECOLOGIC_ONCOLOGY not in present and any(item.case.is_gynecologic for item in items):
        flagged.add(Specialty.GYNECOLOGIC_ONCOLOGY)
        warnings.append(
            PanelWarning(
                "warning", "A gynecologic case is on the agenda, but no gynecologic oncology attends."
            )
        )
    others = [s.label.lower() for s in REFERENCE_PANEL if s not in present and s not in flagged]
    if others and present:
        warnings.append(
            PanelWarning("info", f"Not represented from the reference panel: {', '.join(others)}.")
        )
    return warnings
