"""The workup steps in the paper's order, and how complete each one is for a case."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases.models import Case
from cases.pathway import CasePathway
from guidelines.codes import FACT_FIELD
from guidelines.engine import Finding


@dataclass(frozen=True)
class Step:
    """One step of the guided entry."""

    slug: str
    title: str
    hint: str


STEPS: tuple[Step, ...] = (
    Step("patient", "Patient", "Who the case is about, the primary site and the question for the board"),
    Step(
        "pathology", "Pathology", "Differentiation, Ki-67 and mitoses, p53/Rb and SSTR2A (Initial assessment)"
    ),
    Step("imaging", "Imaging", "Multiphase CT/MRI, SSTR PET, FDG PET, brain MRI, endoscopy (Table 1)"),
    Step("molecular", "Molecular", "MMR/MSI and next-generation sequencing"),
    Step(
        "staging",
        "Extent and staging",
        "Localized, locally advanced or metastatic; FIGO stage for the cervix",
    ),
    Step("clinical", "Clinical status", "ECOG, syndromes, CNS symptoms and pace of disease"),
    Step("treatment", "Treatment history", "Resection and margin; lines of systemic therapy"),
    Step("review", "Review", "Check the record and mark the case ready for the board"),
)
STEP_SLUGS = tuple(step.slug for step in STEPS)
STEP_BY_SLUG = {step.slug: step for step in STEPS}

# Where each fact the engine asks for is entered.
FIELD_STEPS = {
    "differentiation": "pathology",
    "ki67_percent": "pathology",
    "mitoses_per_2mm2": "pathology",
    "extent": "staging",
    "figo_stage": "staging",
    "resectable": "staging",
    "pancreatic_location": "staging",
    "lvsi": "staging",
    "sstr_imaging": "imaging",
    "brain_metastases_count": "imaging",
    "cns_symptoms": "clinical",
    "hormonal_syndrome": "clinical",
    "radiation_amenable": "treatment",
    "prior_systemic_therapy.progressed_off_treatment": "treatment",
    "mmr": "molecular",
}
LABELS = {
    "differentiation": "Differentiation",
    "ki67_percent": "Ki-67 (or mitoses per 2 mm²)",
    "extent": "Extent of disease",
    "figo_stage": "FIGO 2018 stage",
}


@dataclass(frozen=True)
class StepState:
    """A step with its state for one case: complete, incomplete or has problems."""

    step: Step
    state: str
    current: bool


def step_complete(case: Case, slug: str) -> bool:
    """Whether the step holds what it is for (records prefetched via with_record)."""
    if slug == "patient":
        return case.pk is not None
    if slug == "pathology":
        return any(
            report.ki67_percent is not None or report.mitoses_per_2mm2 is not None
            for report in case.pathology_reports.all()
        )
    if slug == "imaging":
        return any(study.performed for study in case.imaging_studies.all())
    if slug == "molecular":
        return bool(case.molecular_results.all())
    if slug == "staging":
        return bool(case.staging_assessments.all())
    if slug == "clinical":
        return bool(case.clinical_statuses.all())
    if slug == "treatment":
        return bool(case.resections.all()) or bool(case.treatment_lines.all())
    return case.status != "draft"


def progress(case: Case, current: str, draft_steps: set[str], problem_steps: set[str]) -> list[StepState]:
    """The progress bar: every step with its state."""
    states = []
    for step in STEPS:
        if step.slug in problem_steps:
            state = "problems"
        elif step.slug in draft_steps:
            state = "draft"
        elif step_complete(case, step.slug):
            state = "complete"
        else:
            state = "incomplete"
        states.append(StepState(step, state, step.slug == current))
    return states


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
    return FACT_STEPS[_fact_name(name)]


def fact_label(name: str) -> str:
    """A fact's label as the pathway page shows it ("extent" -> "Extent of disease")."""
    return FACT_FIELD.label(_fact_name(name))


def finding_step(finding: Finding) -> str:
    """The step holding the later of a finding's two fields: where the contradiction is shown and fixed."""
    return max((fact_step(name) for name in finding.fields), key=STEP_SLUGS.index)


@dataclass(frozen=True)
class ConflictItem:
    """A contradiction in the record and the workup step that shows it."""

    message: str
    fields: tuple[str, ...]
    step: str

    @property
    def labels(self) -> str:
        """The two facts in words, for people who do not read field names."""
        return " and ".join(dict.fromkeys(fact_label(name) for name in self.fields))


def conflict_items(case_pathway: CasePathway, step: str | None = None) -> list[ConflictItem]:
    """The record's contradictions (those shown on one step when step is given)."""
    items = [ConflictItem(item.message, item.fields, finding_step(item)) for item in case_pathway.conflicts]
    return [item for item in items if step is None or item.step == step]


def readiness_gaps(case_pathway: CasePathway, case: Case) -> list[GateItem]:
    """What the engine needs for its decision and the record lacks (empty: ready for board)."""
    facts = case_pathway.facts
    gaps = [GateItem(item.label, item.step) for item in case_pathway.missing]
    gaps += [GateItem(f"Contradiction: {item.message}", item.step) for item in conflict_items(case_pathway)]
    if facts.get("ki67_percent") is None and facts.get("mitoses_per_2mm2") is None:
        gaps.append(GateItem("Ki-67 or mitotic count (grading)", "pathology"))
    if case.primary_site == "cervix" and facts.get("extent") in ("localized", "locally_advanced"):
        if not facts.get("figo_stage"):
            gaps.append(GateItem("FIGO 2018 stage (cervical primary)", "staging"))
    return gaps
