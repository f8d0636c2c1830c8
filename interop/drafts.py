"""The one way a new draft case is created from outside (a FHIR Bundle, the API): the workup's own path.

The same rules as typed entry run: the patient step's forms and cases.services.create_case, then each
step's records loaded into that step's forms (the workup's step registry, cases.workup.STEPS), validated by
them (and so by the models), saved by cases.services.save_step (which refuses a contradiction on the step),
and the whole record checked for contradictions (the engine's ContradictoryFacts). Any problem refuses the
draft whole (DraftRefused, naming where each problem came from) and leaves nothing saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.forms import BaseForm
from django.http import QueryDict

from cases import services
from cases.exchange.errors import Problem  # where (a resource, a field) and what is wrong
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

# A value as a workup form takes it: one string, or a list for a multiple choice.
FormValue = str | list[str]
STEPS: dict[type[models.Model], str] = {
    PathologyReport: "pathology",
    ImagingStudy: "imaging",
    MolecularResult: "molecular",
    StagingAssessment: "staging",
    ClinicalStatus: "clinical",
    Resection: "treatment",
    TreatmentLine: "treatment",
}
# Records of one form each, saved one at a time in the workup's order (imaging rows after pathology).
SINGLE_ORDER = (PathologyReport, MolecularResult, StagingAssessment, ClinicalStatus)
# The treatment step's resection form (prefixed on its page); a second resection is entered as a new one.
RESECTION_PREFIX = "resection"
ANOTHER_RESECTION = FindingEntry(ResectionForm)
NEW_RECORD = QueryDict("new=1")


class DraftRefused(Exception):
    """The draft is refused as a whole; nothing was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the draft")
        self.problems = problems


@dataclass
class Draft:
    """One record to create through its workup form: form data, and where each fact came from."""

    model: type[models.Model]
    data: dict[str, FormValue]
    sources: dict[str, str]
    origin: list[str]

    @property
    def step(self) -> str:
        """The workup step where the clinician reviews it."""
        return STEPS[self.model]

    def set(self, name: str, value: FormValue, source: str) -> None:
        """One fact of the record, read from one source (a resource, a field of a request)."""
        self.data[name] = value
        self.sources[name] = source
        if source not in self.origin:
            self.origin.append(source)


@dataclass(frozen=True)
class NewPatient:
    """The patient step of a draft: its form data and where a problem with each field is reported."""

    # Form data with the patient step's prefixes (patient-mrn, case-primary_site, ...).
    data: dict[str, FormValue]
    # Where a problem with a patient field (mrn, date_of_birth, ...) came from.
    where: Callable[[str], str]
    # Where a problem with the case's own fields (primary site, question) came from.
    case_where: str
    # What the patient record was read from (shown in the list of what was created).
    sources: list[str]


@dataclass(frozen=True)
class CreatedRecord:
    """A record the draft created: its workup step, what it is, and the sources it came from."""

    step: str
    record: str
    sources: list[str]


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
    """A form's errors as problems naming the source each field came from."""
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
    by_model: dict[type[models.Model], list[Draft]] = {}
    for draft in drafts:
        by_model.setdefault(draft.model, []).append(draft)

    def entry(slug: str) -> StepEntry:
        found = STEP_BY_SLUG[slug].entry
        assert found is not None  # noqa: S101 - every step but the review has forms
        return found

    def singles(model: type[models.Model]) -> None:
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
    """The errors of a step's forms, each named by the source its field came from."""
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


def _mark(record: models.Model, change_reason: str) -> None:
    """The history entry of the record's creation says where it came from."""
    record._change_reason = change_reason  # type: ignore[attr-defined]  # simple-history reads it on save


def _create_case(
    patient: NewPatient, user: AbstractBaseUser, another_case_for_patient: bool, change_reason: str
) -> Case:
    """The patient step through its forms and service (KnownPatient when the MRN has cases already)."""
    data = dict(patient.data)
    if "case-responsible_clinician" not in data and responsible_clinicians().filter(pk=user.pk).exists():
        data["case-responsible_clinician"] = str(user.pk)
    entry = STEP_BY_SLUG["patient"].entry
    assert entry is not None  # noqa: S101 - the patient step has forms
    forms = entry.load(case=None, data=_query_dict(data), query=QueryDict(), user=user)
    if not forms.is_valid():
        problems = []
        for name, messages in forms["patient"].errors.items():
            problems += [Problem(patient.where(name), str(message)) for message in messages]
        for messages in forms["case"].errors.values():
            problems += [Problem(patient.case_where, str(message)) for message in messages]
        raise DraftRefused(problems)
    new_patient, case = forms["patient"].save(commit=False), forms["case"].save(commit=False)
    _mark(new_patient, change_reason)
    _mark(case, change_reason)
    try:
        return services.create_case(
            user=user, patient=new_patient, case=case, another_case_for_patient=another_case_for_patient
        )
    except ValidationError as error:
        # The MRN is registered for another person (family name or date of birth differ).
        raise DraftRefused(
            [Problem(patient.where("mrn"), str(message)) for message in error.messages]
        ) from None


def _write_step(
    case: Case, user: AbstractBaseUser, write: _StepWrite, change_reason: str
) -> list[CreatedRecord]:
    """Load, validate and save one step as typed entry does; DraftRefused names what is wrong."""
    fresh = with_record(Case.objects.filter(pk=case.pk)).get()
    forms = write.entry.load(case=fresh, data=_query_dict(write.data), query=write.query, user=user)
    if not forms.is_valid():
        raise DraftRefused(_step_problems(forms, write))
    edits = write.entry.edits(forms)
    for edit in edits.saved:
        _mark(edit.record, change_reason)
    try:
        services.save_step(user=user, case=fresh, step=write.step, edits=edits)
    except services.RefusedSave as refused:
        where = f"{STEP_BY_SLUG[write.step].title} step"
        found = refused.refusals
        problems = [Problem(where, f"contradictory facts: {item.message}") for item in found.contradictions]
        problems += [Problem(where, f"not valid engine input: {item.message}") for item in found.invalid]
        raise DraftRefused(problems) from None
    return [
        CreatedRecord(write.step, str(edit.record), draft.origin)
        for edit, draft in zip(edits.saved, write.drafts, strict=True)
    ]


def create_draft(
    *,
    user: AbstractBaseUser,
    patient: NewPatient,
    drafts: list[Draft],
    change_reason: str,
    another_case_for_patient: bool = False,
    after: Callable[[Case, list[CreatedRecord]], Any] | None = None,
) -> tuple[Case, list[CreatedRecord]]:
    """A new draft case with its records, or DraftRefused / services.KnownPatient with nothing saved.

    after(case, created) runs in the same transaction (the FHIR import records what it read there).
    """
    with transaction.atomic():
        case = _create_case(patient, user, another_case_for_patient, change_reason)
        created = [CreatedRecord("patient", str(case.patient), patient.sources)]
        for write in _step_writes(drafts):
            created += _write_step(case, user, write, change_reason)
        conflicts = pathway_for_case(with_record(Case.objects.filter(pk=case.pk)).get()).conflicts
        if conflicts:
            raise DraftRefused(
                [Problem("record", f"contradictory facts: {item.message}") for item in conflicts]
            )
        if after is not None:
            after(case, created)
    return case, created
