"""A case's change history in readable form, built from the django-simple-history tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Field, Model

from cases.models import FINDING_MODELS, Case
from cases.services import BOOKKEEPING_FIELDS

# The stored classification is derived from the findings; their own history shows the change.
BOOKKEEPING = [*BOOKKEEPING_FIELDS, "classification"]
KINDS = {"+": "created", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after, as a person reads them."""

    label: str
    old: str
    new: str
    field: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    """One saved change of one record."""

    at: datetime
    author: str
    record: str
    kind: str
    changes: tuple[FieldChange, ...]


# Another app's entries for a case's History (meetings registers the board's decisions in its
# AppConfig.ready()): cases never imports the apps that build on it.
HistorySource = Callable[[Case], list[HistoryEntry]]
_history_sources: list[HistorySource] = []


def register_history_source(source: HistorySource) -> None:
    """Add a source of entries to every case's History (once, however often it is registered)."""
    if source not in _history_sources:
        _history_sources.append(source)


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    """The model's field called name: history rows and their diffs hold the model's own fields only."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is not one of the model's own fields")
    return field


def _shown(model: type[Model], name: str, value: Any, labels: Mapping[str, Mapping[Any, str]]) -> str:
    if value in (None, "", []):
        return "—"
    if name in labels:
        return labels[name].get(value, str(value))
    field = _field(model, name)
    if field.is_relation:
        return f"#{value}"
    choices = dict(field.flatchoices) if getattr(field, "flatchoices", None) else {}
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value))


def _label(model: type[Model], name: str) -> str:
    label = str(_field(model, name).verbose_name)
    return label[:1].upper() + label[1:]


def history_entries(
    model: type[Model],
    rows: list[Any],
    *,
    record: Callable[[Any], str] | None = None,
    shown_when_created: tuple[str, ...] = (),
    labels: Mapping[str, Mapping[Any, str]] | None = None,
) -> list[HistoryEntry]:
    """Readable entries from one model's history rows.

    record names the record of a row (default: the model's name and the row); shown_when_created lists
    the fields whose first values a creation shows; labels maps a field's stored values to what people read.
    """
    labels = labels or {}
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
                    changes.append(
                        FieldChange(
                            _label(model, change.field),
                            _shown(model, change.field, change.old, labels),
                            _shown(model, change.field, change.new, labels),
                            change.field,
                        )
                    )
            elif row.history_type == "+":
                for name in shown_when_created:
                    value = getattr(row, _field(model, name).attname)
                    if value not in (None, ""):
                        changes.append(
                            FieldChange(_label(model, name), "—", _shown(model, name, value, labels), name)
                        )
            author = row.history_user.get_username() if row.history_user else "system"
            if record is not None:
                label = record(row)
            else:
                # A case's own label would need its patient (a query per row); the page names the case.
                name = str(model._meta.verbose_name).capitalize()
                label = name if model is Case else f"{name}: {row.instance}"
            entries.append(
                HistoryEntry(row.history_date, author, label, KINDS[row.history_type], tuple(changes))
            )
            previous = row
    return entries


def record_history(case: Case) -> list[HistoryEntry]:
    """Every create, change and delete of the case, its patient and its findings, newest first."""
    entries = history_entries(Case, list(Case.history.filter(id=case.pk).select_related("history_user")))
    entries += history_entries(
        type(case.patient),
        list(type(case.patient).history.filter(id=case.patient_id).select_related("history_user")),
    )
    for model in FINDING_MODELS:
        rows = list(model.history.filter(case_id=case.pk).select_related("history_user"))
        entries += history_entries(model, rows)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def case_history(case: Case) -> list[HistoryEntry]:
    """The case's History tab: its record's changes and the registered sources' entries, newest first."""
    entries = record_history(case)
    for source in _history_sources:
        entries += source(case)
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
