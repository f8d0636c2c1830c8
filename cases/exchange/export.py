"""export_cases: the whole clinical record as one JSON document, written to a file only its owner reads."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from cases.exchange.errors import ExportError
from cases.exchange.layout import findings_key, schema_migration
from cases.exchange.mapping import RecordEncoder
from cases.exchange.schema import FORMAT
from cases.exchange.values import encode_datetime
from cases.models import FINDING_MODELS, Case, Finding, Patient

logger = logging.getLogger(__name__)


def export_document() -> dict[str, Any]:
    """The whole clinical record as a JSON-ready document: every patient, every case with its findings."""
    user_model = get_user_model()
    usernames = dict(user_model._default_manager.values_list("pk", user_model.USERNAME_FIELD))
    patients = list(Patient.objects.order_by("pk"))
    encoder = RecordEncoder(usernames, {patient.pk: patient.mrn for patient in patients})
    findings: dict[type[Finding], dict[int, list[Finding]]] = {}
    for model in FINDING_MODELS:
        by_case: dict[int, list[Finding]] = defaultdict(list)
        for row in model._default_manager.order_by("pk"):
            by_case[row.case_id].append(row)
        findings[model] = by_case
    cases = []
    for case in Case.objects.order_by("pk"):
        item = encoder.record(case)
        for model, by_case in findings.items():
            item[findings_key(model)] = [encoder.record(row) for row in by_case.get(case.pk, [])]
        cases.append(item)
    return {
        "format": FORMAT,
        "exported_at": encode_datetime(timezone.now()),
        "migration": schema_migration(),
        "patients": [encoder.record(patient) for patient in patients],
        "cases": cases,
    }


def count_records(document: dict[str, Any]) -> Counter[str]:
    """How many patients, cases and findings a (valid) document holds."""
    counts: Counter[str] = Counter(patients=len(document["patients"]), cases=len(document["cases"]))
    for case in document["cases"]:
        counts["findings"] += sum(len(case[findings_key(model)]) for model in FINDING_MODELS)
    return counts


@contextmanager
def one_snapshot() -> Iterator[None]:
    """Run the export's queries on one consistent snapshot of the database."""
    if connection.in_atomic_block:  # already inside a transaction (as in tests): it is the snapshot
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def write_export(path: Path, *, overwrite: bool = False) -> Counter[str]:
    """Write the whole clinical record to a file readable by its owner only; return the counts."""
    if path.exists() and not overwrite:
        raise ExportError(f"{path} exists already; pass --overwrite to replace it.")
    with one_snapshot():
        document = export_document()
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    # mkstemp creates the file with mode 0600: the export holds identified patient data.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        # Replacing in one step: a crash never leaves a half-written export under the final name.
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    counts = count_records(document)
    logger.info(
        "export_cases: exported %d patients, %d cases, %d findings",
        counts["patients"],
        counts["cases"],
        counts["findings"],
    )
    return counts
