"""What the record lacks or should double-check, each with the workup step where it is entered."""

from __future__ import annotations

from dataclasses import dataclass

from cases.pathway import CasePathway
from cases.workup import STEP_BY_SLUG, fact_label, fact_step, finding_step


@dataclass(frozen=True)
class MissingView:
    """A fact the pathway needs that the record lacks, and where to enter it."""

    field: str
    label: str
    reason: str
    step: str  # workup step slug
    step_label: str
    required: bool


@dataclass(frozen=True)
class FactWarning:
    """An unusual combination of facts the pathway was computed from, and the step that shows it."""

    message: str
    step: str  # workup step slug
    step_label: str


def missing_views(result: CasePathway) -> tuple[MissingView, ...]:
    """Required facts first, then the facts the engine asked for, each with its workup step."""
    required = "Required: the pathway cannot be computed without it."
    views = [
        MissingView(item.field, item.label, required, item.step, STEP_BY_SLUG[item.step].title, True)
        for item in result.missing
    ]
    if result.pathway is not None:
        for item in result.pathway.missing:
            # A nested field (prior_systemic_therapy.progressed_off_treatment) is entered with its parent.
            step = fact_step(item.field)
            label = fact_label(item.field)
            views.append(MissingView(item.field, label, item.reason, step, STEP_BY_SLUG[step].title, False))
    return tuple(views)


def fact_warnings(result: CasePathway) -> tuple[FactWarning, ...]:
    """The engine's warnings about the facts of a computed pathway (none without a pathway)."""
    findings = result.pathway.warnings if result.pathway is not None else ()
    return tuple(
        FactWarning(item.message, finding_step(item), STEP_BY_SLUG[finding_step(item)].title)
        for item in findings
    )
