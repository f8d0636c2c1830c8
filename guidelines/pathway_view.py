"""The view model of one case's pathway: what its page, its PDF and present mode show, typed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString

from cases.facts import with_record
from cases.facts_table import FactRow, fact_rows
from cases.models import Case, Patient
from cases.pathway import pathway_for_case
from cases.workup import ConflictItem, conflict_items
from guidelines import pictures
from guidelines.classification_view import ClassificationView, classification_view
from guidelines.codes import SITE_GROUP, fact_value_label
from guidelines.engine import ENGINE_VERSION, GUIDELINE, Pathway
from guidelines.engine.pathway import CONTRACT
from guidelines.engine.text import decision_point_text
from guidelines.followup import FollowUpView, followup_view
from guidelines.gaps import FactWarning, MissingView, fact_warnings, missing_views
from guidelines.items import ItemGroups, item_groups
from nanets.users import person_name


@dataclass(frozen=True)
class PlanView:
    """The computed pathway as the board reads it; there is none while facts are missing or contradict."""

    pathway: Pathway
    classification: ClassificationView
    setting_label: str
    site_group_label: str
    decision_label: str
    items: ItemGroups
    followup: FollowUpView


@dataclass(frozen=True)
class PathwayView:
    """Everything the pathway page, its PDF and present mode show of one case."""

    case: Case
    patient: Patient
    age: int
    board_question: str
    plan: PlanView | None
    missing: tuple[MissingView, ...]
    contradictions: tuple[ConflictItem, ...]
    fact_warnings: tuple[FactWarning, ...]
    facts_table: tuple[FactRow, ...]
    flowchart_svg: SafeString
    route_text: str
    timeline_svg: SafeString
    guideline: str
    engine_version: str
    contract: str
    generated_by: str
    generated_at: datetime
    pdf_filename: str


def pathway_case(case_id: int) -> Case:
    """The case with everything its pathway view reads, in a fixed number of queries (404 if none)."""
    # The view model is kept in the shared cache (guidelines.cache): never with a password hash in it.
    cases = Case.objects.select_related("responsible_clinician").defer("responsible_clinician__password")
    return get_object_or_404(with_record(cases), pk=case_id)


def age_on(born: date, today: date) -> int:
    """Completed years of age on a day."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def pdf_filename(case: Case, today: date) -> str:
    """pathway-<MRN>-<date>.pdf with only file-name-safe characters."""
    mrn = re.sub(r"[^A-Za-z0-9_-]+", "_", case.patient.mrn)
    return f"pathway-{mrn}-{today.isoformat()}.pdf"


def _plan(case: Case, pathway: Pathway, facts: dict[str, Any], today: date) -> PlanView:
    return PlanView(
        pathway=pathway,
        classification=classification_view(pathway, facts),
        setting_label=fact_value_label("extent", pathway.setting),
        site_group_label=SITE_GROUP.label(pathway.site_group),
        decision_label=decision_point_text(pathway.decision_point),
        items=item_groups(pathway),
        followup=followup_view(case, pathway.followup, today),
    )


def pathway_view(
    case: Case,
    *,
    user: AbstractBaseUser | AnonymousUser,
    today: date,
    now: datetime,
    board_question: str | None = None,
) -> PathwayView:
    """The case's pathway view from its record (loaded by pathway_case), running the engine once.

    board_question replaces the case's own for one meeting's agenda, in memory only.
    """
    result = pathway_for_case(case)
    route = pictures.Route.of(result.facts, result.pathway)
    return PathwayView(
        case=case,
        patient=case.patient,
        age=age_on(case.patient.date_of_birth, today),
        board_question=case.board_question if board_question is None else board_question,
        plan=None if result.pathway is None else _plan(case, result.pathway, result.facts, today),
        missing=missing_views(result),
        contradictions=tuple(conflict_items(result)),
        fact_warnings=fact_warnings(result),
        facts_table=fact_rows(result.facts),
        flowchart_svg=pictures.decision_flowchart_svg(route),
        route_text=route.text,
        timeline_svg=pictures.treatment_timeline_svg(case, today=today),
        guideline=GUIDELINE,
        engine_version=ENGINE_VERSION,
        contract=CONTRACT,
        generated_by=person_name(user),
        generated_at=now,
        pdf_filename=pdf_filename(case, today),
    )
