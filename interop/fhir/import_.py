"""A FHIR Bundle into a new draft case, through the workup's own forms and services, in one transaction.

The same rules as typed entry run: each record is validated by its workup form (and so by its model),
saved by cases.services, and the whole record is then checked for contradictions (the engine's
ContradictoryFacts). Any problem refuses the Bundle whole and leaves nothing saved.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Model
from django.forms import BaseForm, BaseModelFormSet, ModelForm
from django.http import QueryDict

from cases import services
from cases.exchange import ImportRejected, read_document
from cases.facts import with_record
from cases.forms import (
    CaseForm,
    ClinicalForm,
    ImagingFormSet,
    MolecularForm,
    PathologyForm,
    PatientForm,
    ResectionForm,
    StagingForm,
    TreatmentLineFormSet,
    responsible_clinicians,
)
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
from interop.fhir import reading
from interop.fhir.facts import FormValue
from interop.fhir.reading import BundleRefused, Draft, Problem, Reading, Unmapped
from interop.models import FhirImport

logger = logging.getLogger(__name__)

# The history's change reason of every record an import creates (the History tab's marker).
CHANGE_REASON = "Imported from a FHIR Bundle"
SINGLE_FORMS: dict[type[Model], type[ModelForm[Any]]] = {
    PathologyReport: PathologyForm,
    MolecularResult: MolecularForm,
    StagingAssessment: StagingForm,
    ClinicalStatus: ClinicalForm,
    Resection: ResectionForm,
}
# Records saved one form each, in the workup's order; imaging studies and treatment lines are formsets.
SINGLE_ORDER = (PathologyReport, MolecularResult, StagingAssessment, ClinicalStatus, Resection)
# Rows: the formset's prefix (as the workup's), its class and the workup step.
ROWS: dict[type[Model], tuple[str, type[BaseModelFormSet[Any, Any]], str]] = {
    ImagingStudy: ("studies", ImagingFormSet, "imaging"),
    TreatmentLine: ("lines", TreatmentLineFormSet, "treatment"),
}


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


def _query_dict(data: dict[str, Any]) -> QueryDict:
    result = QueryDict(mutable=True)
    for key, value in data.items():
        result.setlist(key, value if isinstance(value, list) else [value])
    return result


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


@dataclass
class _Prepared:
    """The validated forms of the records, in the order they are saved."""

    singles: list[tuple[Draft, ModelForm[Any]]] = field(default_factory=list)
    rows: list[tuple[list[Draft], BaseModelFormSet[Any, Any], str]] = field(default_factory=list)


def _single_form(case: Case, draft: Draft) -> ModelForm[Any]:
    """A record's workup form bound to its data (the staging form asks what the case's site needs)."""
    data = _query_dict(draft.data)
    form = (
        StagingForm(data, case=case) if draft.model is StagingAssessment else SINGLE_FORMS[draft.model](data)
    )
    form.instance.case = case
    # The workup step whose draft the service discards once the record is saved.
    form.step = draft.step  # type: ignore[attr-defined]
    return form


def _rows_formset(case: Case, model: type[Model], rows: list[Draft]) -> BaseModelFormSet[Any, Any]:
    """The workup's formset of one kind of row (imaging studies, treatment lines), one row per draft."""
    prefix, formset_class, _step = ROWS[model]
    data: dict[str, FormValue] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for number, draft in enumerate(rows):
        data.update({f"{prefix}-{number}-{name}": value for name, value in draft.data.items()})
    return formset_class(_query_dict(data), queryset=model._default_manager.none(), case=case, prefix=prefix)


def _prepare(case: Case, drafts: list[Draft]) -> tuple[_Prepared, list[Problem]]:
    """Bind every record's workup form to its data and validate it (nothing saved yet)."""
    prepared = _Prepared()
    problems: list[Problem] = []
    for model in SINGLE_ORDER:
        for draft in (d for d in drafts if d.model is model):
            form = _single_form(case, draft)
            if not form.is_valid():
                problems += _form_problems(form, draft, draft.origin[0])
            prepared.singles.append((draft, form))
    for kind, (_prefix, _formset_class, step) in ROWS.items():
        rows = [d for d in drafts if d.model is kind]
        if not rows:
            continue
        formset = _rows_formset(case, kind, rows)
        if not formset.is_valid():
            for row, draft in zip(formset.forms, rows, strict=True):
                problems += _form_problems(row, draft, draft.origin[0])
            problems += [Problem(f"{step} rows", str(message)) for message in formset.non_form_errors()]
        prepared.rows.append((rows, formset, step))
    return prepared, problems


def _create_case(read: Reading, user: AbstractBaseUser, another_case_for_patient: bool) -> Case:
    """The patient step through its forms and service (KnownPatient when the MRN has cases already)."""
    data = reading.patient_form_data(read)
    if responsible_clinicians().filter(pk=user.pk).exists():
        data["case-responsible_clinician"] = str(user.pk)
    patient_form = PatientForm(_query_dict(data), prefix="patient")
    case_form = CaseForm(_query_dict(data), prefix="case")
    problems = []
    for form in (patient_form, case_form):
        if not form.is_valid():
            for name, messages in form.errors.items():
                where = reading.patient_problem_path(name) if form is patient_form else read.condition_source
                problems += [Problem(f"{read.patient_source} {where}", str(m)) for m in messages]
    if problems:
        raise BundleRefused(problems)
    _mark_imported(patient_form.instance)
    _mark_imported(case_form.instance)
    try:
        return services.create_case(
            user, patient_form, case_form, another_case_for_patient=another_case_for_patient
        )
    except ValidationError as error:
        # The MRN is registered for another person (family name or date of birth differ).
        where = f"{read.patient_source} Patient.identifier"
        raise BundleRefused([Problem(where, str(message)) for message in error.messages]) from None


def import_bundle_file(
    raw: bytes, *, user: AbstractBaseUser, another_case_for_patient: bool = False
) -> ImportResult:
    """Import a Bundle from a file's bytes (strict JSON: UTF-8, no repeated keys, no NaN)."""
    try:
        document = read_document(raw)
    except ImportRejected as rejected:
        raise BundleRefused([Problem(p.where, p.message) for p in rejected.problems]) from None
    return import_bundle(document, user=user, another_case_for_patient=another_case_for_patient)


def import_bundle(
    document: Any, *, user: AbstractBaseUser, another_case_for_patient: bool = False
) -> ImportResult:
    """Read a Bundle into a new draft case; BundleRefused (nothing saved) or services.KnownPatient."""
    read = reading.read_bundle(document)
    with transaction.atomic():
        case = _create_case(read, user, another_case_for_patient)
        prepared, problems = _prepare(case, read.drafts)
        if problems:
            raise BundleRefused(problems)
        sources = [source for source in (read.patient_source, read.condition_source) if source]
        imported = [ImportedRecord("patient", str(case.patient), sources)]
        for draft, form in prepared.singles:
            _mark_imported(form.instance)
            record = services.save_finding(user, case, form)
            imported.append(ImportedRecord(draft.step, str(record), draft.origin))
        for rows, formset, step in prepared.rows:
            for row in formset.forms:
                _mark_imported(row.instance)
            services.save_rows(user, case, formset, step)
            imported += [
                ImportedRecord(step, str(row.instance), draft.origin)
                for row, draft in zip(formset.forms, rows, strict=True)
            ]
        conflicts = pathway_for_case(with_record(Case.objects.filter(pk=case.pk)).get()).conflicts
        if conflicts:
            raise BundleRefused(
                [Problem("record", f"contradictory facts: {item.message}") for item in conflicts]
            )
        record = FhirImport.objects.create(
            case=case,
            imported_by=user,
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
