"""The shapes the REST API returns (its OpenAPI schema is built from these)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from cases.models.choices import Sex, Specimen
from guidelines.engine.facts import SCHEMA
from interop.from_facts import ANATOMIC, SITES_SEEN_ON


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


# The engine's contract, documented in the OpenAPI schema as the body's facts (its own keywords only).
FACTS_SCHEMA = {key: value for key, value in SCHEMA.items() if key not in ("$schema", "$id", "title")}


class NewPatientIn(Schema):
    """The patient of a new case, as the patient step takes it (checked by its rules)."""

    mrn: str
    family_name: str
    given_name: str
    date_of_birth: date
    sex: str = Field(json_schema_extra={"enum": Sex.values})


class NewCaseIn(Schema):
    """A new draft case: the patient, the engine's facts, and what the records need beyond the facts."""

    patient: NewPatientIn
    facts: dict[str, Any] = Field(
        description="The case's facts in the engine's schema (case-facts/v1).", json_schema_extra=FACTS_SCHEMA
    )
    recorded_on: date = Field(description="The date of the findings (specimen, staging, status, imaging).")
    specimen: str = Field(
        description="The specimen the pathology comes from.", json_schema_extra={"enum": Specimen.values}
    )
    imaging_modality: str | None = Field(
        None,
        description="The study of ct_mri_done (needed with it).",
        json_schema_extra={"enum": [*ANATOMIC, None]},
    )
    metastases_seen_on: str | None = Field(
        None,
        description="The study that showed the metastatic sites and brain metastases (needed with them "
        "unless the CT or MRI of ct_mri_done showed them).",
        json_schema_extra={"enum": [*SITES_SEEN_ON, None]},
    )
    resected_on: date | None = Field(None, description="The resection's date, if the facts hold a margin.")
    board_question: str = ""
    another_case_for_patient: bool = Field(
        False, description="Open another case for a patient who has cases already (else 409)."
    )


class KnownPatientOut(Schema):
    """The MRN belongs to a patient with cases already (409): continue one, or ask for another."""

    detail: str
    case_ids: list[int]
