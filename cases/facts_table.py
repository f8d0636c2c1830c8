"""The case's known facts as a readable table: label, value in words, and the workup step it comes from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cases.workup import STEP_BY_SLUG, fact_step
from guidelines.codes import FACT_FIELD, fact_value_label


@dataclass(frozen=True)
class FactRow:
    """One known fact as the review step and the PDF's input table show it."""

    field: str
    label: str
    value: str
    step: str


def _therapy_line(number: int, line: dict[str, Any]) -> str:
    parts = [f"Line {number}: {fact_value_label('prior_systemic_therapy', line['regimen'])}"]
    if line["best_response"]:
        parts.append(f"best response {line['best_response']}")
    if line["progressed"]:
        months = line["months_to_progression"]
        parts.append(f"progressed after {months:g} months" if months is not None else "progressed")
        if line["progressed_off_treatment"]:
            parts.append("during a treatment break")
    elif line["progressed"] is False:
        parts.append("no progression")
    return ", ".join(parts)


def fact_rows(facts: dict[str, Any]) -> tuple[FactRow, ...]:
    """The known facts (non-null, non-empty) in the contract's order, readable."""
    rows = []
    for name, value in facts.items():
        if value is None or value == []:
            continue
        if name == "metastatic_sites":
            shown = ", ".join(fact_value_label(name, site) for site in value)
        elif name == "prior_systemic_therapy":
            shown = "; ".join(_therapy_line(number, line) for number, line in enumerate(value, 1))
        else:
            shown = fact_value_label(name, value)
        rows.append(FactRow(name, FACT_FIELD.label(name), shown, STEP_BY_SLUG[fact_step(name)].title))
    return tuple(rows)
