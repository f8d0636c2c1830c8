"""One record by the app's own rules: the model's validation, and for a new case the engine's checks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError

from cases.exchange.errors import Problem
from cases.exchange.mapping import Incoming
from cases.models import Case
from cases.models.choices import CaseStatus
from cases.pathway import CasePathway
from cases.workup import readiness_gaps


def validate_record(item: Incoming, problems: list[Problem]) -> None:
    """The model's own validation (fields, cross-field rules, constraints), messages placed by field."""
    errors: dict[str, list[ValidationError]] = {}
    # Relations were resolved while reading (users by username, the patient by MRN, the case by
    # nesting); Django's own check would look for parents that are in the file but not yet saved.
    relations = {f.name for f in item.model._meta.concrete_fields if f.is_relation}
    try:
        item.record.clean_fields(exclude=item.failed | relations)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    # Cross-field rules need every value: they run once the fields themselves could be read.
    if not item.failed:
        try:
            item.record.clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        except DatabaseError:
            raise
        except Exception as error:  # noqa: BLE001 - a rule that cannot handle a value must not crash the import
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                ValidationError(f"could not be checked ({type(error).__name__})")
            )
    try:
        item.record.validate_constraints(exclude=item.failed | set(errors))
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for name, messages in errors.items():
        where = item.where if name == NON_FIELD_ERRORS else f"{item.where}.{name}"
        problems.extend(Problem(where, str(message)) for message in ValidationError(messages).messages)


def case_problems(incoming: Iterable[Incoming], pathways: dict[Any, CasePathway]) -> list[Problem]:
    """Each imported case by the app's own checks: contradictory facts, and a "ready" it is not."""
    problems = []
    for item in incoming:
        if item.model is not Case or item.existing is not None:
            continue
        result = pathways[item.record.pk]
        for conflict in result.conflicts:
            problems.append(Problem(item.where, f"contradictory facts: {conflict.message}"))
        if item.record.status == CaseStatus.READY and not result.conflicts:  # type: ignore[attr-defined]
            gaps = readiness_gaps(result, item.record)  # type: ignore[arg-type]
            if gaps:
                missing = ", ".join(gap.label for gap in gaps)
                problems.append(
                    Problem(f"{item.where}.status", f"ready for board, but the record lacks: {missing}")
                )
    return problems
