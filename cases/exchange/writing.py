"""Writing the new records of a checked file: exactly as in the file, with one history entry each."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from cases.exchange.layout import record_models
from cases.exchange.mapping import Incoming
from cases.facts import with_record
from cases.models import Case
from cases.pathway import CasePathway, pathway_for_case
from cases.services import store_classification


def lock_record_tables() -> None:
    """On PostgreSQL, keep other writers out of the record tables until the import commits."""
    if connection.vendor != "postgresql":
        return  # SQLite: the settings open every transaction IMMEDIATE, which takes the write lock
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in record_models())
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")  # noqa: S608 - model table names


def write_new_records(
    incoming: Iterable[Incoming], operator: AbstractBaseUser | None, reason: str
) -> tuple[dict[type[models.Model], list[models.Model]], dict[Any, CasePathway]]:
    """Insert the new records as in the file, one history entry each; return them, and new cases' pathways."""
    created: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    for item in incoming:
        if item.existing is None:
            # raw: keep created_at/updated_at and version as exported (no auto_now, no save() override).
            item.record.save_base(raw=True, force_insert=True)
            created[item.model].append(item.record)
    # Every record under Case is a case (created is keyed by model); typed as models, narrowed here.
    new_cases = [case for case in created.get(Case, []) if isinstance(case, Case)]
    # Derived from the findings, never taken from the file: the history entry then holds the right value.
    records = with_record(Case.objects.filter(pk__in=[case.pk for case in new_cases])).in_bulk()
    pathways = {case.pk: pathway_for_case(records[case.pk]) for case in new_cases}
    for case in new_cases:
        store_classification(case=case, result=pathways[case.pk])
    now = timezone.now()
    for model, rows in created.items():
        history = getattr(model, "history", None)
        if history is not None:
            history.bulk_history_create(
                rows, default_user=operator, default_change_reason=reason, default_date=now
            )
    return created, pathways


def reset_sequences(created: Iterable[type[models.Model]]) -> None:
    """Move id sequences past the imported ids so new records do not collide (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(created))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
