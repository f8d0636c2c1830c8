"""What a file holds: which models, which of their fields, and where each kind of finding is nested."""

# Records are written generically from the models' concrete fields, so the code needs no field list;
# case-file.schema.json describes the same fields, and tests/cases/exchange/test_schema.py keeps them in step.

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.migrations.recorder import MigrationRecorder

from cases.models import FINDING_MODELS, Case, Finding, Patient


def record_models() -> list[type[models.Model]]:
    """Every model the export holds, parents before children."""
    return [Patient, Case, *FINDING_MODELS]


def findings_key(model: type[Finding]) -> str:
    """The key of a kind of finding inside a case object: its reverse accessor, e.g. "pathology_reports"."""
    return model._meta.get_field("case").remote_field.get_accessor_name()


def exported_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The fields written for a record: every concrete field except the case a finding is nested in."""
    nested_in = "case" if issubclass(model, Finding) else None
    return [f for f in model._meta.concrete_fields if f.name != nested_in]


def references_user(f: models.Field[Any, Any]) -> bool:
    """The field names a user (written as the username)."""
    return f.is_relation and f.related_model is get_user_model()


def references_patient(f: models.Field[Any, Any]) -> bool:
    """The field names a patient (written as the MRN)."""
    return f.is_relation and f.related_model is Patient


def schema_migration() -> str:
    """The latest applied migration of the cases app: tells which field set a file was written with."""
    applied = [name for app, name in MigrationRecorder(connection).applied_migrations() if app == "cases"]
    return f"cases.{max(applied)}" if applied else ""
