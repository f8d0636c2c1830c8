"""The cohort export: a row per case of the case list's filter, with its pathway and latest board decision."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from cases.facts import with_record
from cases.models import Case
from cases.pathway import pathway_for_case
from guidelines.engine.text import decision_point_text
from meetings.models import Decision
from nanets.spreadsheet import safe_cell
from nanets.users import person_name

# Excel reads a CSV as UTF-8 only after this byte order mark.
UTF8_BOM = "\ufeff"


@dataclass(frozen=True)
class CohortRow:
    """One case of the cohort: who, what the engine classified, where it stands, what the board decided."""

    case_id: int
    mrn: str
    family_name: str
    given_name: str
    primary_site: str
    primary_site_label: str
    classification: str
    classification_label: str
    status: str
    decision_point: str
    decision_point_text: str
    decision_meeting_date: str
    decision_option_code: str
    decision_plan: str
    follows_guideline: str
    deviation_reason: str
    deviation_reason_label: str
    deviation_detail: str
    responsible_clinician: str


COLUMNS = tuple(field.name for field in dataclasses.fields(CohortRow))


def latest_decisions(cases: Iterable[Case]) -> dict[int, Decision]:
    """The latest board decision of each case (latest meeting, then latest recorded), in one query."""
    decisions = (
        Decision.objects.filter(agenda_item__case__in=[case.pk for case in cases])
        .select_related("agenda_item__meeting", "responsible_clinician")
        .order_by("-agenda_item__meeting__starts_at", "-created_at", "-pk")
    )
    latest: dict[int, Decision] = {}
    for decision in decisions:
        latest.setdefault(decision.agenda_item.case_id, decision)
    return latest


def _row(case: Case, decision: Decision | None) -> CohortRow:
    pathway = pathway_for_case(case).pathway
    point = pathway.decision_point if pathway else None
    return CohortRow(
        case_id=case.pk,
        mrn=case.patient.mrn,
        family_name=case.patient.family_name,
        given_name=case.patient.given_name,
        primary_site=case.primary_site,
        primary_site_label=case.get_primary_site_display(),
        classification=case.classification,
        classification_label=case.get_classification_display() if case.classification else "",
        status=case.status,
        decision_point=point.code if point else "",
        decision_point_text=decision_point_text(point) if point else "",
        decision_meeting_date=decision.agenda_item.meeting.starts_at.date().isoformat() if decision else "",
        decision_option_code=decision.option_code if decision else "",
        decision_plan=decision.plan_title if decision else "",
        follows_guideline=("yes" if decision.follows_guideline else "no") if decision else "",
        deviation_reason=decision.deviation_reason if decision else "",
        deviation_reason_label=decision.get_deviation_reason_display() if decision else "",
        deviation_detail=decision.deviation_detail if decision else "",
        responsible_clinician=person_name(decision.responsible_clinician) if decision else "",
    )


def cohort_rows(cases: QuerySet[Case]) -> list[tuple[Case, CohortRow]]:
    """Each case with its row, in a fixed number of queries whatever the number of cases."""
    records = list(with_record(cases))
    decisions = latest_decisions(records)
    return [(case, _row(case, decisions.get(case.pk))) for case in records]


def cohort_csv(rows: Iterable[CohortRow]) -> Iterator[str]:
    """The rows as CSV lines (header first, UTF-8 byte order mark before it), each cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield UTF8_BOM + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(value) for value in dataclasses.astuple(row)])
        yield buffer.getvalue()
