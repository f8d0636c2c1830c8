"""The words the pathway page, PDF and board screens use for the engine's codes, case facts and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import TextChoices
from django.utils.dateformat import format as format_date

from cases.models import choices as ch
from cases.workup import STEPS
from guidelines.engine import Pathway

DATE_FORMAT = "j M Y"  # "2 Mar 2026": unambiguous in every locale a board may use

STATUS_LABELS = {"recommended": "Recommended", "consider": "Consider", "not_recommended": "Not recommended"}
STRENGTH_LABELS = {
    "consensus": "Consensus",
    "majority": "Majority",
    "lack_of_consensus": "Lack of consensus",
    "not_voted": "No vote recorded",
}
SITE_GROUP_LABELS = {
    "pancreatic": "Pancreatic",
    "gastrointestinal": "Gastrointestinal",
    "gynecologic": "Gynecologic",
    "unknown": "Unknown primary",
}
# Brain, cardiac and hereditary items are read together as special considerations, by topic.
SPECIAL_TOPICS = {"brain": "Brain", "cardiac": "Cardiac", "hereditary": "Hereditary risk"}
FLAG_LABELS = {
    "discordant": "Discordant findings",
    "grade_unknown": "Grade not established",
    "lower_grade_component": "Lower-grade (G1/G2) NET component",
    "non_neuroendocrine_component": "Non-neuroendocrine component (MiNEN)",
    "ihc_supports_nec": "p53/Rb IHC supports NEC",
    "sstr2a_diffuse_strong": "Diffuse strong SSTR2A",
}
WARNING_FLAGS = frozenset({"discordant", "grade_unknown"})
DONE_STATES = {True: "done", False: "outstanding", None: "unknown"}

# Workup step titles where each fact is entered.
STEP_LABELS = {step.slug: step.title for step in STEPS}


@dataclass(frozen=True)
class FactSpec:
    """How to show one case fact: its label, the workup step it comes from, its coded labels."""

    label: str
    step: str
    choices: type[TextChoices] | None = None
    unit: str = ""


FACTS: dict[str, FactSpec] = {
    "primary_site": FactSpec("Primary site", "patient", ch.PrimarySite),
    "differentiation": FactSpec("Differentiation", "pathology", ch.Differentiation),
    "morphology": FactSpec("Morphology", "pathology", ch.Morphology),
    "ki67_percent": FactSpec("Ki-67", "pathology", unit="%"),
    "mitoses_per_2mm2": FactSpec("Mitoses", "pathology", unit=" per 2 mm²"),
    "lower_grade_component": FactSpec("Lower-grade (G1/G2) NET component", "pathology"),
    "non_neuroendocrine_component": FactSpec("Non-neuroendocrine component (MiNEN)", "pathology"),
    "p53_ihc": FactSpec("p53 IHC", "pathology", ch.P53),
    "rb_ihc": FactSpec("Rb IHC", "pathology", ch.Rb),
    "sstr2a_ihc": FactSpec("SSTR2A IHC", "pathology", ch.Sstr2a),
    "mmr": FactSpec("MMR / MSI", "molecular", ch.Mmr),
    "ngs": FactSpec("Next-generation sequencing", "molecular", ch.NgsStatus),
    "tmb_high": FactSpec("TMB-high", "molecular"),
    "ntrk_fusion": FactSpec("NTRK fusion", "molecular"),
    "ret_fusion": FactSpec("RET fusion", "molecular"),
    "braf_v600e": FactSpec("BRAF V600E", "molecular"),
    "extent": FactSpec("Extent of disease", "staging", ch.Extent),
    "figo_stage": FactSpec("FIGO 2018 stage", "staging", ch.FigoStage),
    "tumor_size_cm": FactSpec("Tumour size", "staging", unit=" cm"),
    "deep_stromal_invasion": FactSpec("Deep stromal invasion", "staging"),
    "lvsi": FactSpec("Lymphovascular space invasion", "staging"),
    "pancreatic_location": FactSpec("Pancreatic location", "staging", ch.PancreaticLocation),
    "resectable": FactSpec("Resectable", "staging"),
    "metastatic_sites": FactSpec("Metastatic sites", "imaging", ch.MetastaticSite),
    "liver_dominant": FactSpec("Liver-dominant disease", "staging"),
    "brain_metastases_count": FactSpec("Brain metastases (number)", "imaging"),
    "high_systemic_burden": FactSpec("High systemic disease burden", "staging"),
    "ct_mri_done": FactSpec("Multiphase CT/MRI done", "imaging"),
    "sstr_imaging": FactSpec("SSTR PET", "imaging", ch.SstrUptake),
    "fdg_pet": FactSpec("FDG PET", "imaging", ch.FdgAvidity),
    "endoscopy_done": FactSpec("Endoscopy done", "imaging"),
    "hormonal_syndrome": FactSpec("Hormone-mediated syndrome", "clinical"),
    "carcinoid_syndrome_suspected": FactSpec("Carcinoid syndrome suspected", "clinical"),
    "hiaa_5_elevated": FactSpec("5-HIAA elevated", "clinical"),
    "cns_symptoms": FactSpec("CNS symptoms", "clinical"),
    "ecog": FactSpec("ECOG performance status", "clinical"),
    "disease_pace": FactSpec("Pace of disease", "clinical", ch.DiseasePace),
    "discordant_lesion_growth": FactSpec("One lesion outpacing the others", "clinical"),
    "resection_margin": FactSpec("Resection margin", "treatment", ch.Margin),
    "radiation_amenable": FactSpec("Tumour bed amenable to radiation", "treatment"),
    "etoposide_unsuitable": FactSpec("Etoposide cannot be given", "clinical"),
    "prior_systemic_therapy": FactSpec("Prior systemic therapy", "treatment", ch.Regimen),
}


def value_label(spec: FactSpec, value: Any) -> str:
    """One fact's value in words: its choice label, Yes/No, "Not done", or the number with its unit."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if spec.choices is not None and value in spec.choices.values:
        return str(spec.choices(value).label)
    if value == "not_done":
        return "Not done"
    if isinstance(value, float):
        return f"{value:g}{spec.unit}"
    return f"{value}{spec.unit}"


def show_date(day: date) -> str:
    """A date as every page and PDF of the app writes it."""
    return format_date(day, DATE_FORMAT)


def decision_label(pathway: Pathway) -> str:
    """Where the patient stands, in words."""
    decision = pathway.decision_point
    if decision.code == "after_progression":
        done = decision.line - 1
        return f"After progression on {done} line{'s' if done > 1 else ''}: choosing line {decision.line}"
    if decision.code == "after_resection":
        return "After resection: adjuvant decision"
    return "Initial assessment: first treatment decision"


def user_name(user: AbstractBaseUser | AnonymousUser) -> str:
    """Full name, else user name: the author every PDF prints."""
    full_name = getattr(user, "get_full_name", lambda: "")()
    return full_name or user.get_username()
