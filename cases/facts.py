"""The one adapter from a case's records to the engine's input (contract case-facts/v1), always validated."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import QuerySet

from cases.models import FINDING_MODELS, Case, ImagingStudy
from cases.models.choices import MetastaticSite, Modality
from guidelines.engine import CaseFacts, parse_facts

# Prefetching every kind of finding makes building the facts of any number of cases a fixed number of queries.
RECORD_PREFETCH = tuple(model.related_name() for model in FINDING_MODELS)
SITE_ORDER = {site: index for index, site in enumerate(MetastaticSite.values)}
Row = TypeVar("Row")


@dataclass(frozen=True)
class MissingFact:
    """A fact the engine cannot do without, and the workup step where it is entered."""

    field: str
    label: str
    step: str


class IncompleteRecord(Exception):
    """The record lacks facts the engine requires (differentiation, extent)."""

    def __init__(self, missing: list[MissingFact]) -> None:
        super().__init__(", ".join(item.field for item in missing))
        self.missing = missing


def with_record(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with everything the adapter reads, in a fixed number of queries."""
    return cases.select_related("patient").prefetch_related(*RECORD_PREFETCH)


def _latest(rows: Iterable[Row], key: Callable[[Row], Any]) -> Row | None:
    return max(rows, key=key, default=None)


def _dated(day: date | None, created_at: datetime) -> tuple[bool, date, datetime]:
    """Sort key of a record by its date: an undated one (a test not done or pending) before every dated one.

    So a dated result is never replaced by an undated "not done" or "pending" entry; among
    undated records the one entered last counts.
    """
    return (day is not None, day or date.min, created_at)


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _done(studies: list[ImagingStudy], modalities: tuple[str, ...]) -> bool | None:
    relevant = [study for study in studies if study.modality in modalities]
    if not relevant:
        return None
    return any(study.performed for study in relevant)


def _functional(studies: list[ImagingStudy], modality: str, result: str) -> str | None:
    latest = _latest(
        (s for s in studies if s.modality == modality), key=lambda s: _dated(s.study_date, s.created_at)
    )
    if latest is None:
        return None
    return getattr(latest, result) if latest.performed else "not_done"


def facts_dict_for_case(case: Case) -> dict[str, Any]:
    """The case's facts as the contract's JSON object; unknown stays null (required ones too)."""
    pathology = _latest(case.pathology_reports.all(), key=lambda r: (r.specimen_date, r.created_at))
    molecular = _latest(case.molecular_results.all(), key=lambda r: _dated(r.result_date, r.created_at))
    staging = _latest(case.staging_assessments.all(), key=lambda r: (r.assessed_on, r.created_at))
    clinical = _latest(case.clinical_statuses.all(), key=lambda r: (r.assessed_on, r.created_at))
    resection = _latest(case.resections.all(), key=lambda r: r.created_at)
    studies = [study for study in case.imaging_studies.all()]
    performed = [study for study in studies if study.performed]
    sites = sorted(
        {site for study in performed for site in study.metastatic_sites}, key=SITE_ORDER.__getitem__
    )
    counted = _latest(
        (s for s in performed if s.brain_metastases_count is not None),
        key=lambda s: _dated(s.study_date, s.created_at),
    )
    lines = sorted(case.treatment_lines.all(), key=lambda line: (line.started_on, line.created_at))

    def value(record: object, name: str) -> Any:
        return None if record is None else getattr(record, name)

    return {
        "primary_site": case.primary_site,
        "differentiation": value(pathology, "differentiation"),
        "morphology": value(pathology, "morphology"),
        "ki67_percent": _number(value(pathology, "ki67_percent")),
        "mitoses_per_2mm2": _number(value(pathology, "mitoses_per_2mm2")),
        "lower_grade_component": value(pathology, "lower_grade_component"),
        "non_neuroendocrine_component": value(pathology, "non_neuroendocrine_component"),
        "p53_ihc": value(pathology, "p53_ihc"),
        "rb_ihc": value(pathology, "rb_ihc"),
        "sstr2a_ihc": value(pathology, "sstr2a_ihc"),
        "mmr": value(molecular, "mmr"),
        "ngs": value(molecular, "ngs"),
        "tmb_high": value(molecular, "tmb_high"),
        "ntrk_fusion": value(molecular, "ntrk_fusion"),
        "ret_fusion": value(molecular, "ret_fusion"),
        "braf_v600e": value(molecular, "braf_v600e"),
        "extent": value(staging, "extent"),
        "figo_stage": value(staging, "figo_stage"),
        "tumor_size_cm": _number(value(staging, "tumor_size_cm")),
        "deep_stromal_invasion": value(staging, "deep_stromal_invasion"),
        "lvsi": value(staging, "lvsi"),
        "pancreatic_location": value(staging, "pancreatic_location"),
        "resectable": value(staging, "resectable"),
        "metastatic_sites": sites,
        "liver_dominant": value(staging, "liver_dominant"),
        "brain_metastases_count": value(counted, "brain_metastases_count"),
        "high_systemic_burden": value(staging, "high_systemic_burden"),
        "ct_mri_done": _done(studies, (Modality.CT, Modality.MRI)),
        "sstr_imaging": _functional(studies, Modality.SSTR_PET, "sstr_uptake"),
        "fdg_pet": _functional(studies, Modality.FDG_PET, "fdg_avidity"),
        "endoscopy_done": _done(studies, (Modality.ENDOSCOPY,)),
        "hormonal_syndrome": value(clinical, "hormonal_syndrome"),
        "carcinoid_syndrome_suspected": value(clinical, "carcinoid_syndrome_suspected"),
        "hiaa_5_elevated": value(clinical, "hiaa_5_elevated"),
        "cns_symptoms": value(clinical, "cns_symptoms"),
        "ecog": value(clinical, "ecog"),
        "disease_pace": value(clinical, "disease_pace"),
        "discordant_lesion_growth": value(clinical, "discordant_lesion_growth"),
        "resection_margin": value(resection, "margin"),
        "radiation_amenable": value(resection, "radiation_amenable"),
        "etoposide_unsuitable": value(clinical, "etoposide_unsuitable"),
        "prior_systemic_therapy": [
            {
                "regimen": line.regimen,
                "best_response": line.best_response,
                "progressed": line.has_progressed,
                "months_to_progression": line.months_to_progression,
                "progressed_off_treatment": line.progressed_during_break,
            }
            for line in lines
        ],
    }


REQUIRED = (
    MissingFact("differentiation", "Differentiation (pathology report)", "pathology"),
    MissingFact("extent", "Extent of disease (staging)", "staging"),
)


def missing_required(facts: dict[str, Any]) -> list[MissingFact]:
    """Required facts the record does not hold yet."""
    return [item for item in REQUIRED if facts.get(item.field) is None]


def case_facts(facts: dict[str, Any]) -> CaseFacts:
    """The engine's input from the contract's JSON object, validated by the engine (schema, then consistency).

    Raises IncompleteRecord when a required fact is missing, else the engine's FactsError (ContradictoryFacts
    when two facts contradict each other).
    """
    missing = missing_required(facts)
    if missing:
        raise IncompleteRecord(missing)
    return parse_facts(facts)


def facts_for_case(case: Case) -> CaseFacts:
    """The engine's validated input for a case with its record prefetched (raises as case_facts does)."""
    return case_facts(facts_dict_for_case(case))


def with_typed(facts: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """The facts as a step's typed, validated values would make them (other names are ignored)."""
    typed = {name: _number(value) if isinstance(value, Decimal) else value for name, value in values.items()}
    return {**facts, **{name: value for name, value in typed.items() if name in facts}}
