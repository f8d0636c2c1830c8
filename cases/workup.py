"""The guided workup: one object per step in the paper's order, a case's progress, and what blocks the board.

Each step holds its title, hint and template, whether a case has done it, and (every step but the review)
its entry: how its forms are loaded from the record and what saving them writes. The views look a step up
and call it; the write itself is cases.services.save_step.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db.models import Model
from django.forms import BaseForm, BoundField, ModelForm
from django.http import Http404, QueryDict

from cases.forms import (
    CaseForm,
    CaseRowsFormSet,
    ClinicalForm,
    ImagingFormSet,
    MolecularForm,
    PathologyForm,
    PatientForm,
    ResectionForm,
    StagingForm,
    StepForm,
    TreatmentLineFormSet,
)
from cases.models import Authored, Case, Finding
from cases.models.choices import CaseStatus
from cases.pathway import CasePathway
from guidelines.codes import FACT_FIELD
from guidelines.engine import Finding as FactsFinding
from nanets.users import User

# --- what a step's forms write ------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordEdit:
    """A record as its validated form left it, and the version the form loaded (None: a new record)."""

    record: Authored
    loaded_version: int | None


@dataclass(frozen=True)
class StepEdits:
    """What saving one step writes: the records to save and the records to remove."""

    saved: tuple[RecordEdit, ...] = ()
    removed: tuple[RecordEdit, ...] = ()

    def __add__(self, other: StepEdits) -> StepEdits:
        return StepEdits(self.saved + other.saved, self.removed + other.removed)


def _record_edit(form: ModelForm[Any]) -> RecordEdit:
    """The edit of a validated form's record."""
    return RecordEdit(form.save(commit=False), form.cleaned_data.get("loaded_version"))


def _row_edits(formset: CaseRowsFormSet) -> StepEdits:
    """The rows a validated formset adds or changes, and those it removes, with the versions loaded."""
    versions = {id(row.instance): getattr(row, "cleaned_data", {}).get("loaded_version") for row in formset}
    saved = formset.save(commit=False)  # nothing is written: the rows are returned (and removals listed)
    return StepEdits(
        tuple(RecordEdit(row, versions.get(id(row))) for row in saved),
        tuple(RecordEdit(row, versions.get(id(row))) for row in formset.deleted_objects),
    )


# --- a step's forms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowWords:
    """How the page names the rows of a formset."""

    heading: str
    row: str
    add: str
    none: str


@dataclass(frozen=True)
class Section:
    """One form of a step (under a heading, when the step has several), or one formset with its words."""

    name: str
    form: BaseForm | CaseRowsFormSet
    heading: str = ""
    rows: RowWords | None = None


@dataclass
class StepForms:
    """The forms of one step, bound or not; for a single-record step the record edited and its siblings."""

    sections: list[Section] = field(default_factory=list)
    editing: Model | None = None
    records: list[Model] = field(default_factory=list)

    def __getitem__(self, name: str) -> Any:
        for section in self.sections:
            if section.name == name:
                return section.form
        raise KeyError(name)

    def is_valid(self) -> bool:
        """All forms valid (every form is validated, so every error shows)."""
        return all([section.form.is_valid() for section in self.sections])

    def has_errors(self) -> bool:
        """Some bound form is invalid (the progress bar marks the step)."""
        return any(section.form.is_bound and not section.form.is_valid() for section in self.sections)

    def single_forms(self) -> list[BaseForm]:
        """The forms that are not formsets (their fields are facts of one record)."""
        return [section.form for section in self.sections if isinstance(section.form, BaseForm)]

    def every_form(self) -> list[BaseForm]:
        """Every form, formset rows included."""
        found: list[BaseForm] = []
        for section in self.sections:
            found += list(section.form) if isinstance(section.form, CaseRowsFormSet) else [section.form]
        return found

    def find_field(self, html_name: str) -> BoundField | None:
        """The bound field whose input has this name, in any form or formset row."""
        for form in self.every_form():
            for bound in form:
                if bound.html_name == html_name:
                    return bound
        return None

    def form_of(self, record: Model | None) -> BaseForm | None:
        """The form (or formset row) that edits this record object."""
        return next((form for form in self.every_form() if getattr(form, "instance", None) is record), None)

    def with_added_row(self, name: str, data: QueryDict) -> QueryDict | None:
        """The "add a row" button of the named formset: its data with one more row (None: no such formset)."""
        for index, section in enumerate(self.sections):
            if section.name == name and isinstance(section.form, CaseRowsFormSet):
                formset, data = section.form.with_added_row(data)
                self.sections[index] = Section(section.name, formset, section.heading, section.rows)
                return data
        return None


class StepEntry(Protocol):
    """How a step's forms are loaded from the record, and what saving them writes."""

    def load(self, *, case: Case | None, data: QueryDict | None, query: QueryDict, user: User) -> StepForms:
        """The step's forms for a case (none yet for a new case), bound to data when given."""
        ...

    def edits(self, forms: StepForms) -> StepEdits:
        """What saving the validated forms writes."""
        ...


def _records(case: Case, model: type[Finding]) -> list[Any]:
    """The case's prefetched findings of one kind, newest first (the models' order)."""
    return list(getattr(case, model.related_name()).all())


class PatientEntry:
    """The patient and the case: identity, primary site, responsible clinician and question."""

    def load(self, *, case: Case | None, data: QueryDict | None, query: QueryDict, user: User) -> StepForms:
        patient = PatientForm(data, instance=case.patient if case else None, prefix="patient")
        initial = {"responsible_clinician": user}
        details = CaseForm(data, instance=case, prefix="case", initial=initial)
        return StepForms([Section("patient", patient, "Patient"), Section("case", details, "Case")])

    def edits(self, forms: StepForms) -> StepEdits:
        return StepEdits((_record_edit(forms["patient"]), _record_edit(forms["case"])))


@dataclass(frozen=True)
class FindingEntry:
    """One finding at a time: the latest, another with ?record=<id>, a new one with ?new=1."""

    form_class: type[StepForm]

    def load(self, *, case: Case | None, data: QueryDict | None, query: QueryDict, user: User) -> StepForms:
        assert case is not None  # noqa: S101 - only the patient step exists before the case
        rows = _records(case, self.form_class._meta.model)
        record = self._chosen(rows, query)
        return StepForms([Section("record", self.form_class(data, instance=record, case=case))], record, rows)

    def edits(self, forms: StepForms) -> StepEdits:
        return StepEdits((_record_edit(forms["record"]),))

    @staticmethod
    def _chosen(rows: list[Any], query: QueryDict) -> Any:
        if query.get("new"):
            return None
        wanted = query.get("record")
        chosen = next((row for row in rows if str(row.pk) == wanted), None) if wanted else None
        if wanted and chosen is None:
            raise Http404("No such record in this case.")
        # A copy: binding a form writes the typed values into its instance, and the case's prefetched records
        # must keep showing (and computing the pathway from) what is saved.
        return copy.copy(chosen or (rows[0] if rows else None))


@dataclass(frozen=True)
class OptionalFindingEntry:
    """The latest finding of a kind under a heading, optional: left untouched, nothing is recorded."""

    form_class: type[StepForm]
    prefix: str
    heading: str

    def load(self, *, case: Case | None, data: QueryDict | None, query: QueryDict, user: User) -> StepForms:
        assert case is not None  # noqa: S101 - only the patient step exists before the case
        latest = max(
            _records(case, self.form_class._meta.model), key=lambda row: row.created_at, default=None
        )
        form = self.form_class(
            data,
            instance=copy.copy(latest),
            case=case,
            prefix=self.prefix,
            empty_permitted=latest is None,
            use_required_attribute=False,
        )
        return StepForms([Section(self.prefix, form, self.heading)])

    def edits(self, forms: StepForms) -> StepEdits:
        form = forms[self.prefix]
        return StepEdits((_record_edit(form),)) if form.has_changed() or form.instance.pk else StepEdits()


@dataclass(frozen=True)
class RowsEntry:
    """Rows of one kind of finding (imaging studies, lines of therapy): add, edit, remove."""

    formset_class: type[CaseRowsFormSet]
    prefix: str
    words: RowWords
    # Rows offered when the case has none yet.
    extra_when_empty: int = 0

    def load(self, *, case: Case | None, data: QueryDict | None, query: QueryDict, user: User) -> StepForms:
        assert case is not None  # noqa: S101 - only the patient step exists before the case
        rows = getattr(case, self.formset_class.model.related_name()).all()
        extra = 0 if rows else self.extra_when_empty
        formset = self.formset_class(data, queryset=rows, case=case, prefix=self.prefix, extra=extra)
        return StepForms([Section(self.prefix, formset, rows=self.words)])

    def edits(self, forms: StepForms) -> StepEdits:
        return _row_edits(forms[self.prefix])


@dataclass(frozen=True)
class CombinedEntry:
    """Several entries on one page, loaded and saved in their order."""

    parts: tuple[StepEntry, ...]

    def load(self, *, case: Case | None, data: QueryDict | None, query: QueryDict, user: User) -> StepForms:
        sections = [
            section
            for part in self.parts
            for section in part.load(case=case, data=data, query=query, user=user).sections
        ]
        return StepForms(sections)

    def edits(self, forms: StepForms) -> StepEdits:
        edits = StepEdits()
        for part in self.parts:
            edits += part.edits(forms)
        return edits


# --- the steps ---------------------------------------------------------------------------------------

FORM_TEMPLATE = "cases/partials/step_form.html"


@dataclass(frozen=True)
class Step:
    """One step of the guided entry."""

    slug: str
    title: str
    hint: str
    # Whether the case's record (prefetched via cases.facts.with_record) holds what the step is for.
    done: Callable[[Case], bool]
    # None for the review: no forms; it shows what blocks the board and marks the case ready.
    entry: StepEntry | None = None
    template: str = FORM_TEMPLATE


def _has_grade(case: Case) -> bool:
    return any(
        report.ki67_percent is not None or report.mitoses_per_2mm2 is not None
        for report in case.pathology_reports.all()
    )


STEPS: tuple[Step, ...] = (
    Step(
        "patient",
        "Patient",
        "Who the case is about, the primary site and the question for the board",
        done=lambda case: case.pk is not None,
        entry=PatientEntry(),
    ),
    Step(
        "pathology",
        "Pathology",
        "Differentiation, Ki-67 and mitoses, p53/Rb and SSTR2A (Initial assessment)",
        done=_has_grade,
        entry=FindingEntry(PathologyForm),
    ),
    Step(
        "imaging",
        "Imaging",
        "Multiphase CT/MRI, SSTR PET, FDG PET, brain MRI, endoscopy (Table 1)",
        done=lambda case: any(study.performed for study in case.imaging_studies.all()),
        entry=RowsEntry(
            ImagingFormSet,
            "studies",
            RowWords("Studies", "Study", "Add a study", "No studies recorded."),
            extra_when_empty=1,
        ),
    ),
    Step(
        "molecular",
        "Molecular",
        "MMR/MSI and next-generation sequencing",
        done=lambda case: bool(case.molecular_results.all()),
        entry=FindingEntry(MolecularForm),
    ),
    Step(
        "staging",
        "Extent and staging",
        "Localized, locally advanced or metastatic; FIGO stage for the cervix",
        done=lambda case: bool(case.staging_assessments.all()),
        entry=FindingEntry(StagingForm),
    ),
    Step(
        "clinical",
        "Clinical status",
        "ECOG, syndromes, CNS symptoms and pace of disease",
        done=lambda case: bool(case.clinical_statuses.all()),
        entry=FindingEntry(ClinicalForm),
    ),
    Step(
        "treatment",
        "Treatment history",
        "Resection and margin; lines of systemic therapy",
        done=lambda case: bool(case.resections.all()) or bool(case.treatment_lines.all()),
        entry=CombinedEntry(
            (
                OptionalFindingEntry(ResectionForm, "resection", "Resection of the primary"),
                RowsEntry(
                    TreatmentLineFormSet,
                    "lines",
                    RowWords(
                        "Lines of systemic therapy",
                        "Line",
                        "Add a line of therapy",
                        "No lines of systemic therapy recorded.",
                    ),
                ),
            )
        ),
    ),
    Step(
        "review",
        "Review",
        "Check the record and mark the case ready for the board",
        done=lambda case: case.status != CaseStatus.DRAFT,
        template="cases/partials/review.html",
    ),
)
STEP_SLUGS = tuple(step.slug for step in STEPS)
STEP_BY_SLUG = {step.slug: step for step in STEPS}


@dataclass(frozen=True)
class StepState:
    """A step with its state for one case: complete, incomplete or has problems."""

    step: Step
    state: str
    current: bool


def progress(case: Case, current: str, draft_steps: set[str], problem_steps: set[str]) -> list[StepState]:
    """The progress bar: every step with its state."""
    states = []
    for step in STEPS:
        if step.slug in problem_steps:
            state = "problems"
        elif step.slug in draft_steps:
            state = "draft"
        elif step.done(case):
            state = "complete"
        else:
            state = "incomplete"
        states.append(StepState(step, state, step.slug == current))
    return states


# --- what blocks the board ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GateItem:
    """Something that must be entered before the case can go to the board."""

    label: str
    step: str


# The workup step where each case fact is entered (the contract's fields; labels: guidelines.codes).
FACT_STEPS: dict[str, str] = {
    "primary_site": "patient",
    **dict.fromkeys(
        (
            "differentiation",
            "morphology",
            "ki67_percent",
            "mitoses_per_2mm2",
            "lower_grade_component",
            "non_neuroendocrine_component",
            "p53_ihc",
            "rb_ihc",
            "sstr2a_ihc",
        ),
        "pathology",
    ),
    **dict.fromkeys(("mmr", "ngs", "tmb_high", "ntrk_fusion", "ret_fusion", "braf_v600e"), "molecular"),
    **dict.fromkeys(
        (
            "extent",
            "figo_stage",
            "tumor_size_cm",
            "deep_stromal_invasion",
            "lvsi",
            "pancreatic_location",
            "resectable",
            "liver_dominant",
            "high_systemic_burden",
        ),
        "staging",
    ),
    **dict.fromkeys(
        (
            "metastatic_sites",
            "brain_metastases_count",
            "ct_mri_done",
            "sstr_imaging",
            "fdg_pet",
            "endoscopy_done",
        ),
        "imaging",
    ),
    **dict.fromkeys(
        (
            "hormonal_syndrome",
            "carcinoid_syndrome_suspected",
            "hiaa_5_elevated",
            "cns_symptoms",
            "ecog",
            "disease_pace",
            "discordant_lesion_growth",
            "etoposide_unsuitable",
        ),
        "clinical",
    ),
    **dict.fromkeys(("resection_margin", "radiation_amenable", "prior_systemic_therapy"), "treatment"),
}


def _fact_name(name: str) -> str:
    """The top-level fact of a nested field name (prior_systemic_therapy[0].progressed -> its parent)."""
    return re.split(r"[.\[]", name, maxsplit=1)[0]


def fact_step(name: str) -> str:
    """The workup step where a fact is entered (a nested one, prior_systemic_therapy[0].progressed, too)."""
    return FACT_STEPS.get(_fact_name(name), "review")


def fact_label(name: str) -> str:
    """A fact's label as the pathway page shows it ("extent" -> "Extent of disease")."""
    top = _fact_name(name)
    return FACT_FIELD.label(top) if top in FACT_FIELD else name


def finding_step(finding: FactsFinding) -> str:
    """The step holding the later of a finding's two fields: where the contradiction is shown and fixed."""
    return max((fact_step(name) for name in finding.fields), key=STEP_SLUGS.index)


@dataclass(frozen=True)
class ConflictItem:
    """A contradiction in the record (or a fact outside the engine's contract) and the step that shows it."""

    message: str
    fields: tuple[str, ...]
    step: str

    @property
    def labels(self) -> str:
        """The facts in words, for people who do not read field names."""
        return " and ".join(dict.fromkeys(fact_label(name) for name in self.fields))


def conflict_items(case_pathway: CasePathway, step: str | None = None) -> list[ConflictItem]:
    """The record's contradictions (those shown on one step when step is given)."""
    items = [ConflictItem(item.message, item.fields, finding_step(item)) for item in case_pathway.conflicts]
    return [item for item in items if step is None or item.step == step]


def invalid_items(case_pathway: CasePathway, step: str | None = None) -> list[ConflictItem]:
    """Facts the engine's contract refuses, each on the step of its field (those of one step when given)."""
    items = []
    for problem in case_pathway.problems:
        name = problem.split(":", 1)[0]
        items.append(ConflictItem(problem, (name,), fact_step(name)))
    return [item for item in items if step is None or item.step == step]


@dataclass(frozen=True)
class StepRefusals:
    """What the engine refuses on one step: the contradictions shown there, and facts outside its contract."""

    contradictions: list[ConflictItem]
    invalid: list[ConflictItem]

    def __bool__(self) -> bool:
        return bool(self.contradictions or self.invalid)

    @property
    def items(self) -> list[ConflictItem]:
        """Every refusal, contradictions first."""
        return self.contradictions + self.invalid


def step_refusals(case_pathway: CasePathway, step: str) -> StepRefusals:
    """What the engine refuses on one step: shown there while typing; a save that leaves any is undone."""
    return StepRefusals(conflict_items(case_pathway, step), invalid_items(case_pathway, step))


def readiness_gaps(case_pathway: CasePathway, case: Case) -> list[GateItem]:
    """What the engine needs for its decision and the record lacks (empty: ready for board)."""
    facts = case_pathway.facts
    gaps = [GateItem(item.label, item.step) for item in case_pathway.missing]
    gaps += [GateItem(f"Contradiction: {item.message}", item.step) for item in conflict_items(case_pathway)]
    gaps += [
        GateItem(f"Not valid engine input: {item.message}", item.step) for item in invalid_items(case_pathway)
    ]
    if facts.get("ki67_percent") is None and facts.get("mitoses_per_2mm2") is None:
        gaps.append(GateItem("Ki-67 or mitotic count (grading)", "pathology"))
    if case.primary_site == "cervix" and facts.get("extent") in ("localized", "locally_advanced"):
        if not facts.get("figo_stage"):
            gaps.append(GateItem("FIGO 2018 stage (cervical primary)", "staging"))
    return gaps
