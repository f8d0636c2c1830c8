"""Export and import of the whole clinical record as one JSON document (format nanets-cases/1).

The format, the duplicate policy and how to restore are described in docs/export-import.md.
Records are written generically from the models' concrete fields, so a new field is exported
and imported without changes here; a new kind of relation makes the export fail loudly instead.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cases.facts import with_record
from cases.models import Case, Patient
from cases.models.choices import CaseStatus
from cases.models.records import Finding
from cases.pathway import CasePathway, pathway_for_case
from cases.services import store_classification
from cases.workup import readiness_gaps

FORMAT = "nanets-cases/1"
ENVELOPE_KEYS = ("format", "exported_at", "migration", "patients", "cases")
# SQLite allows a limited number of query parameters; existing records are looked up in chunks.
LOOKUP_CHUNK = 500
# The history table keeps at most 100 characters of a change reason.
REASON_LENGTH = 100
# Timestamps outside this range are refused: beyond year 1..9999 in UTC PostgreSQL stores a value that
# Python cannot read back, and no record of this app was written before 1900 or after now (a day of skew).
EARLIEST_TIMESTAMP = datetime(1900, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(days=1)

logger = logging.getLogger(__name__)


class ExportError(Exception):
    """The export cannot be written (a field without an encoding, the file exists, ...)."""


@dataclass(frozen=True)
class Problem:
    """One reason to reject a file: where (e.g. cases[3].pathology_reports[0].ki67_percent) and why."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ImportRejected(Exception):
    """The file was rejected as a whole; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the file")
        self.problems = problems


# --- the record models ------------------------------------------------------------------------


def finding_models() -> list[type[Finding]]:
    """Every kind of finding of a case, in the order the models are defined."""
    return [model for model in apps.get_app_config("cases").get_models() if issubclass(model, Finding)]


def record_models() -> list[type[models.Model]]:
    """Every model the export holds, parents before children."""
    return [Patient, Case, *finding_models()]


def findings_key(model: type[Finding]) -> str:
    """The key of a kind of finding inside a case object: its reverse accessor, e.g. "pathology_reports"."""
    return model._meta.get_field("case").remote_field.get_accessor_name()  # type: ignore[union-attr]


def exported_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields written for a record: every concrete field except the case a finding is nested in."""
    nested_in = "case" if issubclass(model, Finding) else None
    return [f for f in model._meta.concrete_fields if f.name != nested_in]


def _references_user(f: models.Field) -> bool:
    return f.is_relation and f.related_model is get_user_model()


def _references_patient(f: models.Field) -> bool:
    return f.is_relation and f.related_model is Patient


def schema_migration() -> str:
    """The latest applied migration of the cases app: tells which field set a file was written with."""
    applied = [name for app, name in MigrationRecorder(connection).applied_migrations() if app == "cases"]
    return f"cases.{max(applied)}" if applied else ""


# --- export -----------------------------------------------------------------------------------


def _encode_datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _encode_value(f: models.Field, value: Any) -> Any:
    """A field's Python value as JSON: dates in ISO 8601, datetimes in UTC, decimals as exact strings."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _encode_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str | bool | int | float | list | dict):
        return value
    raise ExportError(f"{f.model.__name__}.{f.name}: no JSON encoding for {type(value).__name__} values")


class _Encoder:
    """Writes records as JSON objects, naming users by username and patients by MRN."""

    def __init__(self, usernames: dict[Any, str], mrns: dict[Any, str]) -> None:
        self.usernames = usernames
        self.mrns = mrns

    def record(self, record: models.Model) -> dict[str, Any]:
        return {f.name: self.value(f, record) for f in exported_fields(type(record))}

    def value(self, f: models.Field, record: models.Model) -> Any:
        if not f.is_relation:
            return _encode_value(f, f.value_from_object(record))
        related_id = getattr(record, f.attname)
        if related_id is None:
            return None
        if _references_user(f):
            return self.usernames[related_id]
        if _references_patient(f):
            return self.mrns[related_id]
        raise ExportError(f"{f.model.__name__}.{f.name}: no rule to export a relation to {f.related_model}")


def export_document() -> dict[str, Any]:
    """The whole clinical record as a JSON-ready document: every patient, every case with its findings."""
    user_model = get_user_model()
    usernames = dict(user_model._default_manager.values_list("pk", user_model.USERNAME_FIELD))
    patients = list(Patient.objects.order_by("pk"))
    encoder = _Encoder(usernames, {patient.pk: patient.mrn for patient in patients})
    findings: dict[type[Finding], dict[int, list[Finding]]] = {}
    for model in finding_models():
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
        "exported_at": _encode_datetime(timezone.now()),
        "migration": schema_migration(),
        "patients": [encoder.record(patient) for patient in patients],
        "cases": cases,
    }


def count_records(document: dict[str, Any]) -> Counter[str]:
    """How many patients, cases and findings a (valid) document holds."""
    counts: Counter[str] = Counter(patients=len(document["patients"]), cases=len(document["cases"]))
    for case in document["cases"]:
        counts["findings"] += sum(len(case[findings_key(model)]) for model in finding_models())
    return counts


@contextmanager
def _one_snapshot() -> Iterator[None]:
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
    with _one_snapshot():
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


# --- import: reading the file -----------------------------------------------------------------


class _DuplicateKey(ValueError):
    pass


class _Constant(ValueError):
    pass


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise _Constant(name)


def _show(value: Any, limit: int = 60) -> str:
    """A short rendering of a value from the file for a message."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_document(raw: bytes) -> Any:
    """Parse the bytes of an export file as strict JSON (UTF-8, no NaN, no repeated keys)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected(
            [Problem("file", f"not UTF-8 text (invalid byte at offset {error.start})")]
        ) from None
    try:
        return json.loads(
            text, object_pairs_hook=_object_without_duplicate_keys, parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
    except _DuplicateKey as error:
        message = f"not valid here: the key {_show(str(error))} appears twice in one object"
    except _Constant as error:
        message = f"not valid JSON: {error} is not a number"
    except RecursionError:
        message = "not valid here: nested too deeply"
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        message = f"not valid JSON: {error}"
    raise ImportRejected([Problem("file", message)])


def _aware_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValidationError(f"expected a date and time as text, got {_show(value)}")
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(f"{_show(value)} is not a date and time (ISO 8601)")
    if timezone.is_naive(parsed):
        raise ValidationError("give the time zone offset, e.g. 2026-01-31T09:30:00+00:00")
    latest = timezone.now() + CLOCK_SKEW
    try:
        in_range = EARLIEST_TIMESTAMP <= parsed.astimezone(UTC) <= latest
    except OverflowError:  # e.g. 0001-01-01T00:00:00+05:00 is before year 1 in UTC
        in_range = False
    if not in_range:
        raise ValidationError(f"{_show(value)} is out of range: give a time between 1900 and now")
    return parsed


def _check_text(value: Any) -> None:
    """Refuse text no database column holds: NUL characters and unpaired surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError("contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("contains an unpaired surrogate (not valid Unicode)") from None
    elif isinstance(value, list):
        for item in value:
            _check_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)


def _json_type(value: Any) -> str:
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        type(None): "null",
    }
    return "an object" if isinstance(value, dict) else names.get(type(value), type(value).__name__)


def _expect(f: models.Field, value: Any, wanted: str, accepted: tuple[type, ...]) -> None:
    """Refuse a JSON value of the wrong type (booleans are not numbers here)."""
    if (isinstance(value, bool) and bool not in accepted) or not isinstance(value, accepted):
        null = " or null" if f.null else ""
        raise ValidationError(f"expected {wanted}{null}, got {_json_type(value)}")


def _decode_value(f: models.Field, value: Any) -> Any:
    """A plain (non-relation) field's value from JSON, with the JSON type checked first."""
    if isinstance(f, models.BooleanField):
        _expect(f, value, "true or false", (bool,))
    elif isinstance(f, models.IntegerField):  # includes the automatic primary keys
        _expect(f, value, "a whole number", (int,))
        if f.primary_key and value < 1:
            raise ValidationError("expected a whole number of 1 or more")
    elif isinstance(f, models.DecimalField):
        _expect(f, value, "a number (or a number as text)", (str, int, float))
    elif isinstance(f, models.DateTimeField):
        return _aware_datetime(value)
    elif isinstance(f, models.DateField):
        _expect(f, value, "a date as text (YYYY-MM-DD)", (str,))
    elif isinstance(f, models.CharField | models.TextField):
        _expect(f, value, "text", (str,))
    elif isinstance(f, models.JSONField) and f.default is list:
        _expect(f, value, "a list", (list,))
    _check_text(value)
    return f.to_python(value)


@dataclass
class _Incoming:
    """One record of the file as an unsaved instance, with where it is and what became of it."""

    where: str
    record: models.Model
    failed: set[str] = field(default_factory=set)
    existing: models.Model | None = None

    @property
    def model(self) -> type[models.Model]:
        return type(self.record)


class _Reader:
    """Turns the file's objects into unsaved model instances, collecting every problem with its place."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.incoming: list[_Incoming] = []
        self.patient_ids: dict[str, Any] = {}
        self.user_ids: dict[str, Any] = {}

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def read(self, patients: list[Any], cases: list[Any]) -> list[_Incoming]:
        patients_by_id: dict[Any, models.Model] = {}
        for index, data in enumerate(patients):
            item = self.record(Patient, data, f"patients[{index}]")
            if item and "mrn" not in item.failed and "id" not in item.failed:
                self.patient_ids.setdefault(item.record.mrn, item.record.pk)  # type: ignore[attr-defined]
                patients_by_id.setdefault(item.record.pk, item.record)
        nested = {findings_key(model): model for model in finding_models()}
        for index, data in enumerate(cases):
            item = self.record(Case, data, f"cases[{index}]", extra_keys=set(nested))
            if item is None:
                continue
            # The findings' checks against the date of birth read the patient of the file, not the database.
            patient = patients_by_id.get(getattr(item.record, "patient_id", None))
            if patient is not None:
                item.record.patient = patient  # type: ignore[attr-defined]
            for key, model in nested.items():
                rows = data.get(key)
                if key not in data:
                    continue  # reported as missing by record()
                if not isinstance(rows, list):
                    self.problem(f"{item.where}.{key}", f"expected a list, got {_json_type(rows)}")
                    continue
                for position, row in enumerate(rows):
                    self.record(model, row, f"{item.where}.{key}[{position}]", case=item.record)
        return self.incoming

    def record(
        self,
        model: type[models.Model],
        data: Any,
        where: str,
        extra_keys: set[str] | None = None,
        case: models.Model | None = None,
    ) -> _Incoming | None:
        if not isinstance(data, dict):
            self.problem(where, f"expected an object, got {_json_type(data)}")
            return None
        fields = exported_fields(model)
        known = {f.name for f in fields} | (extra_keys or set())
        for key in data:
            if key not in known:
                self.problem(f"{where}.{key}", "unknown field")
        for key in sorted(known - data.keys()):
            self.problem(f"{where}.{key}", "missing")
        item = _Incoming(where, model())
        if case is not None:
            item.record.case = case  # type: ignore[attr-defined]
        for f in fields:
            if f.name not in data:
                item.failed.add(f.name)
                continue
            try:
                setattr(item.record, f.attname, self.decode(f, data[f.name]))
            except ValidationError as error:
                item.failed.add(f.name)
                setattr(item.record, f.attname, None)
                for message in error.messages:
                    self.problem(f"{where}.{f.name}", message)
        self.incoming.append(item)
        return item

    def decode(self, f: models.Field, value: Any) -> Any:
        if value is None:
            if f.null:
                return None
            raise ValidationError(f.error_messages["null"])
        if not f.is_relation:
            return _decode_value(f, value)
        if _references_user(f):
            _expect(f, value, "a username", (str,))
            return self.user_id(value)
        if _references_patient(f):
            _expect(f, value, "the MRN of a patient in this file", (str,))
            if value not in self.patient_ids:
                raise ValidationError("no patient with this MRN among the file's patients")
            return self.patient_ids[value]
        raise ValidationError(f"no rule to import a relation to {f.related_model}")  # pragma: no cover

    def user_id(self, username: str) -> Any:
        """The id of the user with this username; a missing user rejects the file."""
        if username not in self.user_ids:
            user_model = get_user_model()
            self.user_ids[username] = (
                user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username})
                .values_list("pk", flat=True)
                .first()
            )
        if self.user_ids[username] is None:
            raise ValidationError(
                f"no user {_show(username)} in this database; create the account first, then import again"
            )
        return self.user_ids[username]


def _envelope(document: Any, problems: list[Problem]) -> tuple[datetime | None, str, list[Any], list[Any]]:
    """Check the top level of the document; return exported_at, migration, patients and cases."""
    if not isinstance(document, dict):
        problems.append(Problem("file", f"expected an object with the keys {', '.join(ENVELOPE_KEYS)}"))
        raise ImportRejected(problems)
    if document.get("format") != FORMAT:
        got = _show(document["format"]) if "format" in document else "nothing"
        problems.append(Problem("format", f"expected {_show(FORMAT)}, got {got}"))
        raise ImportRejected(problems)
    for key in document:
        if key not in ENVELOPE_KEYS:
            problems.append(Problem(key, "unknown field"))
    for key in ENVELOPE_KEYS:
        if key not in document:
            problems.append(Problem(key, "missing"))
    exported_at = None
    try:
        exported_at = _aware_datetime(document.get("exported_at"))
    except ValidationError as error:
        problems.extend(Problem("exported_at", message) for message in error.messages)
    migration = document.get("migration")
    if not isinstance(migration, str):
        problems.append(Problem("migration", f"expected text, got {_json_type(migration)}"))
        migration = ""
    parts = []
    for key in ("patients", "cases"):
        value = document.get(key, [])
        if not isinstance(value, list):
            problems.append(Problem(key, f"expected a list, got {_json_type(value)}"))
            value = []
        parts.append(value)
    return exported_at, migration, parts[0], parts[1]


# --- import: against the database -------------------------------------------------------------


def _existing_by(model: type[models.Model], f: models.Field, values: list[Any]) -> dict[Any, models.Model]:
    """Records already in the database whose unique field f has one of the values."""
    found: dict[Any, models.Model] = {}
    for start in range(0, len(values), LOOKUP_CHUNK):
        chunk = values[start : start + LOOKUP_CHUNK]
        for row in model._base_manager.filter(**{f"{f.attname}__in": chunk}):
            found[getattr(row, f.attname)] = row
    return found


def _fits(f: models.Field, value: Any) -> bool:
    """Whether a value passes the field's validators, so it can be looked up (SQLite refuses huge ints)."""
    try:
        f.run_validators(value)
    except ValidationError:
        return False  # reported by the validation of the record
    return True


def _match_existing(incoming: list[_Incoming], problems: list[Problem]) -> None:
    """Find each record's twin in the file and in the database by its unique fields (id; MRN).

    A record already in the database with the same values is left alone; with other values
    it is a conflict: an import never changes or deletes what is there.
    """
    by_model: dict[type[models.Model], list[_Incoming]] = defaultdict(list)
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


def _validate(item: _Incoming, problems: list[Problem]) -> None:
    """The model's own validation (fields, cross-field rules, constraints), messages placed by field."""
    errors: dict[str, list[str]] = {}
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
            errors.setdefault(NON_FIELD_ERRORS, []).append(f"could not be checked ({type(error).__name__})")
    try:
        item.record.validate_constraints(exclude=item.failed | set(errors))
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for name, messages in errors.items():
        where = item.where if name == NON_FIELD_ERRORS else f"{item.where}.{name}"
        problems.extend(Problem(where, str(message)) for message in ValidationError(messages).messages)


def _in_file_order(problems: list[Problem], incoming: list[_Incoming]) -> list[Problem]:
    """Problems sorted by the record they belong to, so each record's problems read together."""
    position = {item.where: index for index, item in enumerate(incoming)}

    def record_position(problem: Problem) -> int:
        where = problem.where
        while where not in position and "." in where:
            where = where.rsplit(".", 1)[0]
        return position.get(where, -1)

    return sorted(problems, key=record_position)


def _lock_record_tables() -> None:
    """On PostgreSQL, keep other writers out of the record tables until the import commits."""
    if connection.vendor != "postgresql":
        return  # SQLite: the settings open every transaction IMMEDIATE, which takes the write lock
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in record_models())
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")  # noqa: S608 - model table names


def _write(
    incoming: Iterable[_Incoming], operator: AbstractBaseUser | None, reason: str
) -> tuple[dict[type[models.Model], list[models.Model]], dict[Any, CasePathway]]:
    """Insert the new records exactly as in the file, with one "created" history entry each.

    Returns the created records by model, and each created case's pathway, computed once from its record.
    """
    created: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    for item in incoming:
        if item.existing is None:
            # raw: keep created_at/updated_at and version as exported (no auto_now, no save() override).
            item.record.save_base(raw=True, force_insert=True)
            created[item.model].append(item.record)
    # Derived from the findings, never taken from the file: the history entry then holds the right value.
    new_cases = created.get(Case, [])
    records = with_record(Case.objects.filter(pk__in=[case.pk for case in new_cases])).in_bulk()
    pathways = {case.pk: pathway_for_case(records[case.pk]) for case in new_cases}
    for case in new_cases:
        store_classification(case=case, result=pathways[case.pk])  # type: ignore[arg-type]
    now = timezone.now()
    for model, records in created.items():
        history = getattr(model, "history", None)
        if history is not None:
            history.bulk_history_create(
                records, default_user=operator, default_change_reason=reason, default_date=now
            )
    return created, pathways


def _record_problems(incoming: Iterable[_Incoming], pathways: dict[Any, CasePathway]) -> list[Problem]:
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


def _reset_sequences(created: Iterable[type[models.Model]]) -> None:
    """Move id sequences past the imported ids so new records do not collide (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(created))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@dataclass
class ImportSummary:
    """What an import did (or, in a dry run, would do), counted per kind of record."""

    created: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False


def import_document(
    document: Any, *, operator: AbstractBaseUser | None = None, dry_run: bool = False
) -> ImportSummary:
    """Validate every record of the document, then write the new ones in one transaction, or reject all."""
    problems: list[Problem] = []
    exported_at, migration, patients, cases = _envelope(document, problems)
    with transaction.atomic():
        _lock_record_tables()
        reader = _Reader()
        incoming = reader.read(patients, cases)
        problems.extend(reader.problems)
        _match_existing(incoming, problems)
        for item in incoming:
            _validate(item, problems)
        current = schema_migration()
        structural = any(p.message in ("unknown field", "missing") for p in problems)
        if structural and migration and migration != current:
            problems.append(
                Problem(
                    "migration",
                    f"the file was written at {migration}, this database is at {current}: restore it "
                    "with the app version that wrote it, then upgrade",
                )
            )
        if problems:
            raise ImportRejected(_in_file_order(problems, incoming))
        assert exported_at is not None  # noqa: S101 - a missing date is a problem above
        reason = f"import_cases: restored from the export of {exported_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        try:
            created, pathways = _write(incoming, operator, reason[:REASON_LENGTH])
        except DatabaseError as error:
            # Validation passed but the database refused (e.g. a concurrent writer): all is rolled back.
            raise ImportRejected(
                [Problem("database", f"refused the import ({type(error).__name__})")]
            ) from None
        # Raised inside the transaction: nothing written is kept.
        refused = _record_problems(incoming, pathways)
        if refused:
            raise ImportRejected(refused)
        summary = ImportSummary(dry_run=dry_run)
        for item in incoming:
            counter = summary.unchanged if item.existing is not None else summary.created
            counter[str(item.model._meta.verbose_name_plural)] += 1
        if dry_run:
            transaction.set_rollback(True)
        elif created:
            _reset_sequences(created)
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
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportRejected([Problem("file", f"cannot be read ({error.strerror})")]) from None
    try:
        return import_document(read_document(raw), operator=operator, dry_run=dry_run)
    except ImportRejected as rejected:
        logger.warning(
            "import_cases: file rejected with %d problem(s); nothing written", len(rejected.problems)
        )
        raise
