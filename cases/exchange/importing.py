"""import_cases: every record of a file checked, then the new ones written in one transaction, or none."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, transaction

from cases.exchange.duplicates import match_existing
from cases.exchange.envelope import read_envelope
from cases.exchange.errors import ImportRejected, Problem
from cases.exchange.layout import schema_migration
from cases.exchange.mapping import Incoming, RecordReader
from cases.exchange.reading import read_bytes, read_document
from cases.exchange.validation import case_problems, validate_record
from cases.exchange.writing import lock_record_tables, reset_sequences, write_new_records

# The history table keeps at most 100 characters of a change reason.
REASON_LENGTH = 100

logger = logging.getLogger(__name__)


@dataclass
class ImportSummary:
    """What an import did (or, in a dry run, would do), counted per kind of record."""

    created: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False


def _in_file_order(problems: list[Problem], incoming: list[Incoming]) -> list[Problem]:
    """Problems sorted by the record they belong to, so each record's problems read together."""
    position = {item.where: index for index, item in enumerate(incoming)}

    def record_position(problem: Problem) -> int:
        where = problem.where
        while where not in position and "." in where:
            where = where.rsplit(".", 1)[0]
        return position.get(where, -1)

    return sorted(problems, key=record_position)


def import_document(
    document: Any, *, operator: AbstractBaseUser | None = None, dry_run: bool = False
) -> ImportSummary:
    """Validate every record of the document, then write the new ones in one transaction, or reject all."""
    envelope = read_envelope(document)
    problems = envelope.problems
    with transaction.atomic():
        lock_record_tables()
        reader = RecordReader(envelope.shape)
        incoming = reader.read(envelope.patients, envelope.cases)
        problems.extend(reader.problems)
        match_existing(incoming, problems)
        for item in incoming:
            validate_record(item, problems)
        current = schema_migration()
        structural = any(p.message in ("unknown field", "missing") for p in problems)
        if structural and envelope.migration and envelope.migration != current:
            problems.append(
                Problem(
                    "migration",
                    f"the file was written at {envelope.migration}, this database is at {current}: "
                    "restore it with the app version that wrote it, then upgrade",
                )
            )
        if problems:
            raise ImportRejected(_in_file_order(problems, incoming))
        assert envelope.exported_at is not None  # noqa: S101 - a missing date is a problem above
        moment = envelope.exported_at.astimezone(UTC)
        reason = f"import_cases: restored from the export of {moment:%Y-%m-%d %H:%M} UTC"
        try:
            created, pathways = write_new_records(incoming, operator, reason[:REASON_LENGTH])
        except DatabaseError as error:
            # Validation passed but the database refused (e.g. a concurrent writer): all is rolled back.
            raise ImportRejected(
                [Problem("database", f"refused the import ({type(error).__name__})")]
            ) from None
        # Raised inside the transaction: nothing written is kept.
        refused = case_problems(incoming, pathways)
        if refused:
            raise ImportRejected(refused)
        summary = ImportSummary(dry_run=dry_run)
        for item in incoming:
            counter = summary.unchanged if item.existing is not None else summary.created
            counter[str(item.model._meta.verbose_name_plural)] += 1
        if dry_run:
            transaction.set_rollback(True)
        elif created:
            reset_sequences(created)
    logger.info(
        "import_cases: %s %d records, %d unchanged",
        "would create" if dry_run else "created",
        sum(summary.created.values()),
        sum(summary.unchanged.values()),
    )
    return summary


def import_file(
    path: Path, *, operator: AbstractBaseUser | None = None, dry_run: bool = False
) -> ImportSummary:
    """Import an export file; ImportRejected lists every problem and means nothing was written."""
    raw = read_bytes(path)
    try:
        return import_document(read_document(raw), operator=operator, dry_run=dry_run)
    except ImportRejected as rejected:
        logger.warning(
            "import_cases: file rejected with %d problem(s); nothing written", len(rejected.problems)
        )
        raise
