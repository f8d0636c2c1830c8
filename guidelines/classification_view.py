"""The classification as the board reads it: its name, the findings behind it and its flags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guidelines.codes import (
    CLASSIFICATION,
    CLASSIFICATION_FLAG,
    FACT_FIELD,
    GRADE_BASIS,
    WARNING_FLAGS,
    fact_value_label,
)
from guidelines.engine import Pathway


@dataclass(frozen=True)
class Flag:
    """A classification flag in words; a warning flag is shown with a warning sign."""

    code: str
    label: str
    is_warning: bool


@dataclass(frozen=True)
class ClassificationView:
    """What the tumour is for these recommendations and the findings behind it."""

    code: str
    name: str
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    flags: tuple[Flag, ...]


def classification_view(pathway: Pathway, facts: dict[str, Any]) -> ClassificationView:
    """The classification with the findings that support it (grade, differentiation, IHC)."""
    found = pathway.classification
    reasons = []
    if facts["differentiation"]:
        text = fact_value_label("differentiation", facts["differentiation"])
        if facts["morphology"] and facts["morphology"] != "not_applicable":
            text += f", {fact_value_label('morphology', facts['morphology']).lower()} morphology"
        reasons.append(text)
    grade = []
    if facts["ki67_percent"] is not None:
        grade.append(f"Ki-67 {facts['ki67_percent']:g}%")
    if facts["mitoses_per_2mm2"] is not None:
        grade.append(f"{facts['mitoses_per_2mm2']:g} mitoses per 2 mm²")
    if found.grade_basis:
        basis = " and ".join(GRADE_BASIS.label(name) for name in found.grade_basis)
        reasons.append(f"{', '.join(grade)}: high grade by {basis} (> 20)")
    elif grade:
        reasons.append(f"{', '.join(grade)}: neither index above 20")
    else:
        reasons.append("No Ki-67 or mitotic count recorded")
    ihc = [
        f"{FACT_FIELD.label(name)} {fact_value_label(name, facts[name]).lower()}"
        for name in ("p53_ihc", "rb_ihc", "sstr2a_ihc")
        if facts[name] and facts[name] != "not_done"
    ]
    if ihc:
        reasons.append("; ".join(ihc))
    flags = tuple(
        Flag(flag, CLASSIFICATION_FLAG.labels.get(flag, flag), flag in WARNING_FLAGS) for flag in found.flags
    )
    return ClassificationView(
        found.code, CLASSIFICATION.label(found.code), tuple(reasons), found.notes, flags
    )
