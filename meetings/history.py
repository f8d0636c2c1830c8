"""The board's decisions in a case's History, and its latest discussion (registered with cases in ready())."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.discussion import Discussion
from cases.history import HistoryEntry, history_entries
from cases.models import Case
from guidelines.codes import RECOMMENDATION_STATUS, STRENGTH
from meetings.models import AgendaItem, Decision
from nanets.users import person_name

# What a decision's History entry shows when it is recorded (a correction shows what changed).
DECISION_FIELDS = (
    "option_text",
    "option_status",
    "option_strength",
    "plan",
    "follows_guideline",
    "deviation_reason",
    "deviation_detail",
    "responsible_clinician",
    "next_review_on",
    "case_version",
)


def _meeting_label(item: AgendaItem) -> str:
    return f"{item.meeting.board_name}, {timezone.localtime(item.meeting.starts_at):%Y-%m-%d}"


def decision_fingerprint() -> dict[str, BaseExpression]:
    """The case's part of cases.fingerprint from the board: how many decisions, and the latest change."""
    rows = Decision.objects.filter(agenda_item__case=OuterRef("pk")).order_by().values("agenda_item__case")
    return {
        "decisions": Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0),
        "decision_changed": Subquery(rows.annotate(at=Max("updated_at")).values("at")),
        # The page names the decision by its meeting ("Board, 2026-03-04"): a renamed or moved meeting too.
        "decision_meeting_changed": Subquery(
            rows.annotate(at=Max("agenda_item__meeting__updated_at")).values("at")
        ),
    }


def decision_history(case: Case) -> list[HistoryEntry]:
    """Every recording and correction of a board decision on the case: option, plan, deviation, who, when."""
    items = {item.pk: item for item in AgendaItem.objects.filter(case=case).select_related("meeting")}
    if not items:
        return []
    rows = list(Decision.history.filter(agenda_item_id__in=items).select_related("history_user"))
    clinician_ids = {row.responsible_clinician_id for row in rows}
    clinicians = {
        user.pk: person_name(user) for user in get_user_model().objects.filter(pk__in=clinician_ids)
    }

    def record(row: Any) -> str:
        return f"Board decision ({_meeting_label(items[row.agenda_item_id])})"

    return history_entries(
        Decision,
        rows,
        record=record,
        shown_when_created=DECISION_FIELDS,
        labels={
            "responsible_clinician": clinicians,
            "option_status": RECOMMENDATION_STATUS.labels,
            "option_strength": STRENGTH.labels,
        },
    )


def latest_discussion(case: Case) -> Discussion | None:
    """The case's most recently recorded (or corrected) decision, as cases.discussion needs it."""
    decision = (
        Decision.objects.filter(agenda_item__case=case)
        .select_related("agenda_item__meeting")
        .order_by("-updated_at")
        .first()
    )
    if decision is None:
        return None
    return Discussion(decision.case_version, decision.updated_at, _meeting_label(decision.agenda_item))
