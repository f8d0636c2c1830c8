"""The duplicate policy: a record already in the database is left alone if identical, else a conflict."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from cases.exchange.errors import Problem
from cases.exchange.mapping import Incoming

# SQLite allows a limited number of query parameters; existing records are looked up in chunks.
LOOKUP_CHUNK = 500


def _existing_by(
    model: type[models.Model], f: models.Field[Any, Any], values: list[Any]
) -> dict[Any, models.Model]:
    """Records already in the database whose unique field f has one of the values."""
    found: dict[Any, models.Model] = {}
    for start in range(0, len(values), LOOKUP_CHUNK):
        chunk = values[start : start + LOOKUP_CHUNK]
        for row in model._base_manager.filter(**{f"{f.attname}__in": chunk}):
            found[getattr(row, f.attname)] = row
    return found


def _fits(f: models.Field[Any, Any], value: Any) -> bool:
    """Whether a value passes the field's validators, so it can be looked up (SQLite refuses huge ints)."""
    try:
        f.run_validators(value)
    except ValidationError:
        return False  # reported by the validation of the record
    return True


def match_existing(incoming: list[Incoming], problems: list[Problem]) -> None:
    """Find each record's twin in the file and in the database by its unique fields (id; MRN)."""
    # A record already in the database with the same values is left alone; with other values it is
    # a conflict: an import never changes or deletes what is there.
    by_model: dict[type[models.Model], list[Incoming]] = defaultdict(list)
    for item in incoming:
        by_model[item.model].append(item)
    for model, items in by_model.items():
        matches: dict[int, dict[Any, models.Model]] = defaultdict(dict)
        for f in [f for f in model._meta.concrete_fields if f.unique]:
            first_seen: dict[Any, str] = {}
            for item in items:
                value = getattr(item.record, f.attname)
                if value is None or f.name in item.failed or not _fits(f, value):
                    continue
                if value in first_seen:
                    problems.append(
                        Problem(f"{item.where}.{f.name}", f"the same value as {first_seen[value]}")
                    )
                else:
                    first_seen[value] = item.where
            existing = _existing_by(model, f, list(first_seen))
            for item in items:
                value = getattr(item.record, f.attname)
                row = existing.get(value) if value in first_seen else None
                if row is not None:
                    matches[id(item)][row.pk] = row
        for item in items:
            rows = matches.get(id(item), {})
            if len(rows) > 1:
                problems.append(
                    Problem(
                        item.where,
                        f"its unique fields match {len(rows)} different "
                        f"{model._meta.verbose_name_plural} already in the database",
                    )
                )
            elif rows:
                (row,) = rows.values()
                differing = [
                    f.name
                    for f in model._meta.concrete_fields
                    if getattr(row, f.attname) != getattr(item.record, f.attname)
                ]
                if differing:
                    problems.append(
                        Problem(
                            item.where,
                            f"this {model._meta.verbose_name} is already in the database with other "
                            f"values in {', '.join(differing)}; an import never changes existing records",
                        )
                    )
                else:
                    item.existing = row
                    item.record._state.adding = False
                    item.record._state.db = row._state.db
