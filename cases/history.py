"""A case's change history in readable form, built from the django-simple-history tables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Model

from cases.models import (
    Case,
    ClinicalStatus,
    ImagingStudy,
    MolecularResult,
    PathologyReport,
    Resection,
    StagingAssessment,
    TreatmentLine,
)
from cases.services import BOOKKEEPING_FIELDS

FINDING_MODELS: tuple[type[Model], ...] = (
    PathologyReport,
    ImagingStudy,
    MolecularResult,
    StagingAssessment,
    ClinicalStatus,
    Resection,
    TreatmentLine,
)
# The stored classification is derived from the findings; their own history shows the change.
BOOKKEEPING = [*BOOKKEEPING_FIELDS, "classification"]
KINDS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after, as a person reads them."""

    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One saved change of one record."""

    at: datetime
    author: str
    record: str
    kind: str
    changes: tuple[FieldChange, ...]


def _shown(model: type[Model], name: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    field = model._meta.get_field(name)
    if field.is_relation:
        return f"#{value}"
    choices = dict(field.flatchoices) if getattr(field, "flatchoices", None) else {}
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))


def _entries(model: type[Model], rows: list[Any]) -> list[HistoryEntry]:
    by_object: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_object[row.id].append(row)
    entries = []
    for versions in by_object.values():
        versions.sort(key=lambda row: (row.history_date, row.history_id))
        previous = None
        for row in versions:
            changes: list[FieldChange] = []
            if previous is not None and row.history_type == "~":
                for change in row.diff_against(previous, excluded_fields=BOOKKEEPING).changes:
                    label = str(model._meta.get_field(change.field).verbose_name)
                    changes.append(
                        FieldChange(
                            label[:1].upper() + label[1:],
                            _shown(model, change.field, change.old),
                            _shown(model, change.field, change.new),
                        )
                    )
            author = row.history_user.get_username() if row.history_user else "system"
            # A case's own label would need its patient (a query per row); the page already names the case.
            name = model._meta.verbose_name.capitalize()
            label = name if model is Case else f"{name}: {row.instance}"
            entries.append(
                HistoryEntry(row.history_date, author, label, KINDS[row.history_type], tuple(changes))
            )
            previous = row
    return entries


def case_history(case: Case) -> list[HistoryEntry]:
    """Every create, change and delete of the case, its patient and its findings, newest first."""
    entries = _entries(Case, list(Case.history.filter(id=case.pk).select_related("history_user")))
    entries += _entries(
        type(case.patient),
        list(type(case.patient).history.filter(id=case.patient_id).select_related("history_user")),
    )
    for model in FINDING_MODELS:
        rows = list(model.history.filter(case_id=case.pk).select_related("history_user"))  # type: ignore[attr-defined]
        entries += _entries(model, rows)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
