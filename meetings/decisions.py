"""Reading decisions: the pathway options a board can pick for a case, and a case's decisions."""

from __future__ import annotations

from dataclasses import dataclass

from cases.facts import with_record
from cases.models import Case
from cases.pathway import pathway_for_case
from guidelines.items import item_groups
from meetings.models import Decision


@dataclass(frozen=True)
class PathwayOption:
    """One option the engine offers for a case (recommended or to consider), as the board picks it."""

    code: str
    text: str
    status: str  # recommended | consider
    strength: str  # consensus | majority | lack_of_consensus | not_voted
    group: str


def options_for_case(case_id: int) -> list[PathwayOption]:
    """The case's pathway options (local, systemic, supportive, trials and special topics), engine order."""
    case = with_record(Case.objects.filter(pk=case_id)).get()
    pathway = pathway_for_case(case).pathway
    if pathway is None:
        return []
    return [
        PathwayOption(item.code, item.text, item.status, item.strength, group.title)
        for group in item_groups(pathway).offered_groups
        for item in group.items
        if item.status in ("recommended", "consider")
    ]


def decisions_for_case(case: Case) -> list[Decision]:
    """Every board decision on a case, latest meeting first (for the case page and its history)."""
    return list(
        Decision.objects.filter(agenda_item__case=case)
        .select_related("agenda_item__meeting", "responsible_clinician", "created_by")
        .order_by("-agenda_item__meeting__starts_at", "-created_at")
    )
