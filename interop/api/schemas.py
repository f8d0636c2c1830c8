"""The shapes the REST API returns (its OpenAPI schema is built from these)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """Why a call was refused: not authenticated (401), not permitted (403) or not found (404)."""

    detail: str


class InvalidOut(Schema):
    """The parameters that do not validate (422), one entry per problem."""

    detail: list[dict[str, Any]]


# The refusals every endpoint may answer with, documented so clients (and schemathesis) know them.
REFUSALS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 422: InvalidOut}
NOT_FOUND: dict[int, type[Schema]] = {**REFUSALS, 404: ErrorOut}


class CaseSummary(Schema):
    """One row of the case list."""

    id: int
    mrn: str
    family_name: str
    given_name: str
    primary_site: str
    status: str
    classification: str
    updated_at: datetime


class CasePage(Schema):
    """One page of the case list."""

    count: int
    page: int
    pages: int
    results: list[CaseSummary]


class MissingFactOut(Schema):
    """A fact the engine needs that the record does not hold, and the workup step where it is entered."""

    field: str
    label: str
    step: str


class ContradictionOut(Schema):
    """Two facts of the record that contradict each other."""

    rule: str
    fields: list[str]
    message: str


class CaseDetail(CaseSummary):
    """A case with its engine facts and its pathway (the engine's contract), or why there is none."""

    facts: dict[str, Any]
    pathway: dict[str, Any] | None
    missing: list[MissingFactOut]
    contradictions: list[ContradictionOut]
    problems: list[str]


class MeetingSummary(Schema):
    """One meeting of the board."""

    id: int
    board_name: str
    starts_at: datetime
    location: str
    video_link: str


class DecisionOut(Schema):
    """What the board decided for an agenda item."""

    option_code: str
    option_text: str
    plan: str
    follows_guideline: bool
    deviation_reason: str
    deviation_detail: str
    next_review_on: date


class AgendaItemOut(Schema):
    """A case on the agenda with the board's question and, once made, its decision."""

    position: int
    case_id: int
    mrn: str
    board_question: str
    expected_minutes: int
    decision: DecisionOut | None


class MeetingDetail(MeetingSummary):
    """A meeting with its agenda and decisions."""

    agenda: list[AgendaItemOut]
