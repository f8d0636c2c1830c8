"""A FHIR Bundle into a new draft case, through the workup's own steps and services, in one transaction.

The same rules as typed entry run: each step's records are loaded into that step's forms (the workup's
step registry, cases.workup.STEPS), validated by them (and so by the models), saved by
cases.services.save_step (which refuses a contradiction on the step), and the whole record is then
checked for contradictions (the engine's ContradictoryFacts). Any problem refuses the Bundle whole and
leaves nothing saved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Model
from django.forms import BaseForm
from django.http import QueryDict

from cases import services
from cases.exchange.errors import ImportRejected, Problem
from cases.exchange.reading import read_document
from cases.facts import with_record
from cases.forms import ResectionForm, responsible_clinicians
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
from cases.pathway import pathway_for_case
from cases.workup import STEP_BY_SLUG, FindingEntry, StepEntry, StepForms
from interop.fhir import reading
from interop.fhir.facts import FormValue
from interop.fhir.reading import BundleRefused, Draft, Reading, Unmapped
from interop.models import FhirImport

logger = logging.getLogger(__name__)

# The history's change reason of every record an import creates (the History tab's marker).
CHANGE_REASON = "Imported from a FHIR Bundle"
# Records of one form each, saved one at a time in the workup's order (imaging rows after pathology).
SINGLE_ORDER = (PathologyReport, MolecularResult, StagingAssessment, ClinicalStatus)
# The treatment step's resection form (prefixed on its page); a second resection is entered as a new one.
RESECTION_PREFIX = "resection"
ANOTHER_RESECTION = FindingEntry(ResectionForm)
NEW_RECORD = QueryDict("new=1")


@dataclass(frozen=True)
class ImportedRecord:
    """A record prefilled from the Bundle: its workup step, what it is, and the resources it came from."""

    step: str
    record: str
    sources: list[str]


@dataclass
class ImportResult:
    """The new draft case, what was prefilled, what did not map, and what the clinician should know."""

    case: Case
    fhir_import: FhirImport
    imported: list[ImportedRecord] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _mark_imported(record: Model) -> None:
    """The history entry of the record's creation says it came from a FHIR Bundle."""
    record._change_reason = CHANGE_REASON  # type: ignore[attr-defined]  # simple-history reads it on save


def _query_dict(data: dict[str, FormValue]) -> QueryDict:
    result = QueryDict(mutable=True)
    for key, value in data.items():
        result.setlist(key, value if isinstance(value, list) else [value])
    return result


def _prefixed(prefix: str, data: dict[str, FormValue]) -> dict[str, FormValue]:
    return {f"{prefix}-{name}": value for name, value in data.items()}


def _rows_data(prefix: str, rows: list[Draft]) -> dict[str, FormValue]:
    """A formset's data for new rows, one per draft."""
    data: dict[str, FormValue] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for number, draft in enumerate(rows):
        data.update(_prefixed(f"{prefix}-{number}", draft.data))
    return data


def _form_problems(form: BaseForm, draft: Draft | None, fallback: str) -> list[Problem]:
    """A form's errors as problems naming the resource each field came from."""
    problems = []
    for name, messages in form.errors.items():
        if name == NON_FIELD_ERRORS or draft is None or name not in draft.sources:
            where = fallback
        else:
            where = f"{draft.sources[name]} ({form.fields[name].label or name})"
        problems += [Problem(where, str(message)) for message in messages]
    return problems


@dataclass(frozen=True)
class _StepWrite:
    """One save of one workup step: its entry, its form data, and the drafts each of its forms holds."""

    step: str
    entry: StepEntry
    data: dict[str, FormValue]
    query: QueryDict
    # The draft each form holds, in page order (the resection form may hold none); the saved ones.
    forms_hold: list[Draft | None]

    @property
    def drafts(self) -> list[Draft]:
        """The drafts the step saves, in the order its edits list them."""
        return [draft for draft in self.forms_hold if draft is not None]


def _step_writes(drafts: list[Draft]) -> list[_StepWrite]:
    """The saves that enter the drafts, step by step in the workup's order."""
    writes = []
    by_model: dict[type[Model], list[Draft]] = {}
    for draft in drafts:
        by_model.setdefault(draft.model, []).append(draft)

    def entry(slug: str) -> StepEntry:
        found = STEP_BY_SLUG[slug].entry
        assert found is not None  # noqa: S101 - every step but the review has forms
        return found

    def singles(model: type[Model]) -> None:
        for draft in by_model.get(model, []):
            writes.append(_StepWrite(draft.step, entry(draft.step), draft.data, NEW_RECORD, [draft]))

    singles(PathologyReport)
    rows: list[Draft | None] = list(by_model.get(ImagingStudy, []))
    if rows:
        data = _rows_data("studies", by_model[ImagingStudy])
        writes.append(_StepWrite("imaging", entry("imaging"), data, QueryDict(), rows))
    for model in SINGLE_ORDER[1:]:
        singles(model)
    resections = by_model.get(Resection, [])
    lines = by_model.get(TreatmentLine, [])
    if resections or lines:
        data = _rows_data("lines", lines)
        first = resections[0] if resections else None
        if first is not None:
            data.update(_prefixed(RESECTION_PREFIX, first.data))
        writes.append(_StepWrite("treatment", entry("treatment"), data, QueryDict(), [first, *lines]))
    for draft in resections[1:]:
        writes.append(_StepWrite("treatment", ANOTHER_RESECTION, draft.data, NEW_RECORD, [draft]))
    return writes


def _step_problems(forms: StepForms, write: _StepWrite) -> list[Problem]:
    """The errors of a step's forms, each named by the resource its field came from."""
    problems = []
    every = forms.every_form()
    for position, form in enumerate(every):
        draft = write.forms_hold[position] if position < len(write.forms_hold) else None
        problems += _form_problems(form, draft, draft.origin[0] if draft else f"{write.step} step")
    for section in forms.sections:
        non_form = getattr(section.form, "non_form_errors", None)
        if non_form is not None:
            problems += [Problem(f"{write.step} rows", str(message)) for message in non_form()]
    return problems


def _create_case(read: Reading, user: AbstractBaseUser, another_case_for_patient: bool) -> Case:
    """The patient step through its forms and service (KnownPatient when the MRN has cases already)."""
    data: dict[str, FormValue] = dict(reading.patient_form_data(read))
    if responsible_clinicians().filter(pk=user.pk).exists():
        data["case-responsible_clinician"] = str(user.pk)
    entry = STEP_BY_SLUG["patient"].entry
    assert entry is not None  # noqa: S101 - the patient step has forms
    forms = entry.load(case=None, data=_query_dict(data), query=QueryDict(), user=user)
    if not forms.is_valid():
        problems = []
        for name, messages in forms["patient"].errors.items():
            where = f"{read.patient_source} {reading.patient_problem_path(name)}"
            problems += [Problem(where, str(message)) for message in messages]
        for messages in forms["case"].errors.values():
            problems += [Problem(read.condition_source or read.patient_source, str(m)) for m in messages]
        raise BundleRefused(problems)
    patient, case = forms["patient"].save(commit=False), forms["case"].save(commit=False)
    _mark_imported(patient)
    _mark_imported(case)
    try:
        return services.create_case(
            user=user, patient=patient, case=case, another_case_for_patient=another_case_for_patient
        )
    except ValidationError as error:
        # The MRN is registered for another person (family name or date of birth differ).
        where = f"{read.patient_source} Patient.identifier"
        raise BundleRefused([Problem(where, str(message)) for message in error.messages]) from None


def _write_step(case: Case, user: AbstractBaseUser, write: _StepWrite) -> list[ImportedRecord]:
    """Load, validate and save one step as typed entry does; BundleRefused names what is wrong."""
    fresh = with_record(Case.objects.filter(pk=case.pk)).get()
    forms = write.entry.load(case=fresh, data=_query_dict(write.data), query=write.query, user=user)
    if not forms.is_valid():
        raise BundleRefused(_step_problems(forms, write))
    edits = write.entry.edits(forms)
    for edit in edits.saved:
        _mark_imported(edit.record)
    try:
        services.save_step(user=user, case=fresh, step=write.step, edits=edits)
    except services.RefusedSave as refused:
        where = f"{STEP_BY_SLUG[write.step].title} step"
        found = refused.refusals
        problems = [Problem(where, f"contradictory facts: {item.message}") for item in found.contradictions]
        problems += [Problem(where, f"not valid engine input: {item.message}") for item in found.invalid]
        raise BundleRefused(problems) from None
    return [
        ImportedRecord(write.step, str(edit.record), draft.origin)
        for edit, draft in zip(edits.saved, write.drafts, strict=True)
    ]


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
    with transaction.atomic():
        case = _create_case(read, user, another_case_for_patient)
        sources = [source for source in (read.patient_source, read.condition_source) if source]
        imported = [ImportedRecord("patient", str(case.patient), sources)]
        for write in _step_writes(read.drafts):
            imported += _write_step(case, user, write)
        conflicts = pathway_for_case(with_record(Case.objects.filter(pk=case.pk)).get()).conflicts
        if conflicts:
            raise BundleRefused(
                [Problem("record", f"contradictory facts: {item.message}") for item in conflicts]
            )
        record = FhirImport.objects.create(
            case=case,
            imported_by_id=user.pk,
            bundle_identifier=read.bundle_identifier,
            covered=read.covered,
            imported=[{"step": i.step, "record": i.record, "sources": i.sources} for i in imported],
            unmapped=[{"source": u.source, "what": u.what, "reason": u.reason} for u in read.unmapped],
            notices=read.notices,
        )
    logger.info(
        "import_fhir: created case %s with %d records; %d item(s) did not map",
        case.pk,
        len(imported) - 1,
        len(read.unmapped),
    )
    return ImportResult(case, record, imported, read.unmapped, read.notices)
