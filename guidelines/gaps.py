"""What the record lacks or should double-check, each with the workup step where it is entered."""

from __future__ import annotations

from dataclasses import dataclass

from cases.pathway import CasePathway
from cases.workup import finding_step
from guidelines.labels import FACTS, STEP_LABELS


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
        MissingView(item.field, item.label, required, item.step, STEP_LABELS[item.step], True)
        for item in result.missing
    ]
    if result.pathway is not None:
        for item in result.pathway.missing:
            # A nested field (prior_systemic_therapy.progressed_off_treatment) is entered with its parent.
            spec = FACTS[item.field.split(".")[0]]
            views.append(
                MissingView(item.field, spec.label, item.reason, spec.step, STEP_LABELS[spec.step], False)
            )
    return tuple(views)


def fact_warnings(result: CasePathway) -> tuple[FactWarning, ...]:
    """The engine's warnings about the facts of a computed pathway (none without a pathway)."""
    findings = result.pathway.warnings if result.pathway is not None else ()
    return tuple(
        FactWarning(item.message, finding_step(item), STEP_LABELS[finding_step(item)]) for item in findings
    )
