"""A FHIR Bundle into a new draft case, through the single draft path (interop.drafts), in one transaction.

The Bundle is read (interop.fhir.reading: what maps, what does not), then created through the workup's
own forms and services as typed entry is (interop.drafts.create_draft), and what was read is recorded
(interop.FhirImport). Any problem refuses the Bundle whole and leaves nothing saved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from cases.exchange.errors import ImportRejected
from cases.exchange.reading import read_document
from cases.models import Case
from interop.drafts import CreatedRecord, NewPatient, create_draft
from interop.fhir import reading
from interop.fhir.reading import BundleRefused, Reading, Unmapped
from interop.models import FhirImport

logger = logging.getLogger(__name__)

# The history's change reason of every record an import creates (the History tab's marker).
CHANGE_REASON = "Imported from a FHIR Bundle"
# What the import prefilled: a record with its workup step and the resources it came from.
ImportedRecord = CreatedRecord


@dataclass
class ImportResult:
    """The new draft case, what was prefilled, what did not map, and what the clinician should know."""

    case: Case
    fhir_import: FhirImport
    imported: list[ImportedRecord] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _new_patient(read: Reading) -> NewPatient:
    """The patient step from the Bundle's Patient and primary cancer condition."""
    return NewPatient(
        data=dict(reading.patient_form_data(read)),
        where=lambda name: f"{read.patient_source} {reading.patient_problem_path(name)}",
        case_where=read.condition_source or read.patient_source,
        sources=[source for source in (read.patient_source, read.condition_source) if source],
    )


def import_bundle_file(
    raw: bytes, *, user: AbstractBaseUser, another_case_for_patient: bool = False
) -> ImportResult:
    """Import a Bundle from a file's bytes (strict JSON: UTF-8, no repeated keys, no NaN)."""
    try:
        document = read_document(raw)
    except ImportRejected as rejected:
        raise BundleRefused(rejected.problems) from None
    return import_bundle(document, user=user, another_case_for_patient=another_case_for_patient)


def import_bundle(
    document: Any, *, user: AbstractBaseUser, another_case_for_patient: bool = False
) -> ImportResult:
    """Read a Bundle into a new draft case; BundleRefused (nothing saved) or services.KnownPatient."""
    read = reading.read_bundle(document)
    recorded: list[FhirImport] = []

    def record_import(case: Case, imported: list[CreatedRecord]) -> None:
        recorded.append(
            FhirImport.objects.create(
                case=case,
                imported_by_id=user.pk,
                bundle_identifier=read.bundle_identifier,
                covered=read.covered,
                imported=[{"step": i.step, "record": i.record, "sources": i.sources} for i in imported],
                unmapped=[{"source": u.source, "what": u.what, "reason": u.reason} for u in read.unmapped],
                notices=read.notices,
            )
        )

    case, imported = create_draft(
        user=user,
        patient=_new_patient(read),
        drafts=read.drafts,
        change_reason=CHANGE_REASON,
        another_case_for_patient=another_case_for_patient,
        after=record_import,
    )
    logger.info(
        "import_fhir: created case %s with %d records; %d item(s) did not map",
        case.pk,
        len(imported) - 1,
        len(read.unmapped),
    )
    return ImportResult(case, recorded[0], imported, read.unmapped, read.notices)
