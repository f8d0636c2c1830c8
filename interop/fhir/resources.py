"""FHIR resources of one case's record, one builder per resource kind (plain JSON-ready dicts)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from cases.forms import entered_fields
from cases.models import (
    Case,
    ClinicalStatus,
    ImagingStudy,
    MolecularResult,
    PathologyReport,
    Patient,
    Resection,
    StagingAssessment,
    TreatmentLine,
)
from cases.models.choices import Margin, MetastaticSite
from interop.fhir import codes
from interop.fhir.codes import Code, concept
from meetings.models import Decision

# Stable ids: the same record gets the same id in every export (uuid5 of what it is).
ID_NAMESPACE = uuid.UUID("5c3f6f0e-3a8e-4f4e-9d55-2a4d3b9c1f60")
Resource = dict[str, Any]

# Each kind of record: the FHIR resource that groups its facts, and the fields that resource carries
# itself (every other entered field is one Observation of the group).
GROUP_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    PathologyReport: ("specimen_date",),
    MolecularResult: ("result_date",),
    StagingAssessment: ("assessed_on",),
    ClinicalStatus: ("assessed_on",),
    ImagingStudy: ("modality", "study_date", "performed", "metastatic_sites"),
    Resection: ("resected_on",),
    TreatmentLine: ("regimen", "started_on", "ended_on"),
}
# Facts with a standard code (the app's code travels alongside), and the mCODE profile they follow.
STANDARD_FACT_CODES = {
    "ki67_percent": codes.KI67,
    "ecog": codes.ECOG,
    "figo_stage": codes.FIGO_STAGE_CODE,
    "tumor_size_cm": codes.TUMOR_SIZE_CODE,
}
FACT_PROFILES = {
    "ki67_percent": codes.TUMOR_MARKER_TEST,
    "p53_ihc": codes.TUMOR_MARKER_TEST,
    "rb_ihc": codes.TUMOR_MARKER_TEST,
    "sstr2a_ihc": codes.TUMOR_MARKER_TEST,
    "ecog": codes.ECOG_PERFORMANCE_STATUS,
    "figo_stage": codes.FIGO_STAGE,
    "tumor_size_cm": codes.TUMOR_SIZE,
}
# Laboratory results (US Core lab observations, parent of mCODE's TumorMarkerTest).
LABORATORY_MODELS = (PathologyReport, MolecularResult)
UNITS = {
    "ki67_percent": {"unit": "%", "system": codes.UCUM, "code": "%"},
    "tumor_size_cm": {"unit": "cm", "system": codes.UCUM, "code": "cm"},
    "mitoses_per_2mm2": {"unit": "per 2 mm²"},
}


def resource_id(*parts: object) -> str:
    """A stable id for one resource of the export."""
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(str(part) for part in parts)))


def reference(resource: Resource) -> dict[str, str]:
    """A reference to a resource of the same Bundle (by its full URL)."""
    return {"reference": f"urn:uuid:{resource['id']}"}


def fhir_date(value: date | None) -> str | None:
    """A date as FHIR writes it (YYYY-MM-DD)."""
    return value.isoformat() if value else None


def fhir_instant(value: datetime) -> str:
    """A moment with its offset, as FHIR writes it."""
    return timezone.localtime(value).isoformat()


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _profiled(profile: str | None) -> dict[str, Any]:
    return {"meta": {"profile": [profile]}} if profile else {}


def _dropped_none(resource: Resource) -> Resource:
    return {key: value for key, value in resource.items() if value not in (None, [], {})}


# --- the patient and the cancer -------------------------------------------------------------------


def patient_resource(patient: Patient) -> Resource:
    """The patient (mCODE CancerPatient), the MRN as a medical-record-number identifier."""
    return {
        "resourceType": "Patient",
        "id": resource_id("patient", patient.pk),
        **_profiled(codes.CANCER_PATIENT),
        "identifier": [
            {
                "use": "usual",
                "type": concept(codes.MEDICAL_RECORD_NUMBER),
                "system": codes.mrn_system(),
                "value": patient.mrn,
            }
        ],
        "name": [{"family": patient.family_name, "given": [patient.given_name]}],
        # The record's sex codes are FHIR's administrative gender codes.
        "gender": patient.sex,
        "birthDate": fhir_date(patient.date_of_birth),
    }


def primary_condition(
    case: Case, subject: Resource, pathology: PathologyReport | None, stage: Resource | None
) -> Resource:
    """The primary cancer (mCODE PrimaryCancerCondition, ICD-O-3 encoded as mCODE describes)."""
    site = codes.value_code(Case, "primary_site", case.primary_site)
    topography = codes.PRIMARY_TOPOGRAPHY.get(case.primary_site)
    condition: Resource = {
        "resourceType": "Condition",
        "id": resource_id("case", case.pk, "primary"),
        **_profiled(codes.PRIMARY_CANCER_CONDITION),
        "clinicalStatus": concept(codes.ACTIVE),
        "verificationStatus": concept(codes.CONFIRMED),
        "category": [concept(codes.PROBLEM_LIST_ITEM)],
        "code": concept(codes.MALIGNANT_NEOPLASTIC_DISEASE, text=f"Neuroendocrine neoplasm, {site.display}"),
        "bodySite": [concept(*filter(None, (topography, site)), text=site.display)],
        "subject": reference(subject),
    }
    morphology = _morphology(pathology)
    if morphology is not None:
        condition["extension"] = [
            {"url": codes.HISTOLOGY_MORPHOLOGY_BEHAVIOR, "valueCodeableConcept": concept(morphology)}
        ]
    if stage is not None:
        condition["stage"] = [{"assessment": [reference(stage)]}]
    return condition


def _morphology(pathology: PathologyReport | None) -> Code | None:
    if pathology is None:
        return None
    return codes.morphology_for(
        pathology.differentiation,
        pathology.morphology,
        pathology.non_neuroendocrine_component,
        pathology.ki67_percent,
        pathology.mitoses_per_2mm2,
    )


def secondary_condition(
    case: Case, site: str, subject: Resource, primary: Resource, seen_by: list[Resource]
) -> Resource:
    """One metastatic site (mCODE SecondaryCancerCondition), with the imaging studies that showed it."""
    local = Code(codes.value_system("metastatic_sites"), site, str(MetastaticSite(site).label))
    topography = codes.METASTATIC_TOPOGRAPHY.get(site)
    return _dropped_none(
        {
            "resourceType": "Condition",
            "id": resource_id("case", case.pk, "metastasis", site),
            **_profiled(codes.SECONDARY_CANCER_CONDITION),
            "extension": [{"url": codes.RELATED_CONDITION, "valueReference": reference(primary)}],
            "clinicalStatus": concept(codes.ACTIVE),
            "verificationStatus": concept(codes.CONFIRMED),
            "category": [concept(codes.PROBLEM_LIST_ITEM)],
            "code": concept(codes.SECONDARY_MALIGNANT_NEOPLASM, text=f"Metastasis: {local.display}"),
            "bodySite": [concept(*filter(None, (topography, local)), text=local.display)],
            "subject": reference(subject),
            "evidence": [{"detail": [reference(study) for study in seen_by]}] if seen_by else None,
        }
    )


# --- findings: one group resource per record, one Observation per fact -------------------------------


def fact_observation(
    record: models.Model, name: str, subject: Resource, primary: Resource, when: str | None
) -> Resource:
    """One fact of a record as an Observation: the app's code (and a standard one where it exists)."""
    model = type(record)
    value = getattr(record, name)
    local = codes.fact_code(model, name)
    standard = STANDARD_FACT_CODES.get(name)
    observation: Resource = {
        "resourceType": "Observation",
        "id": resource_id(model._meta.model_name, record.pk, name),
        **_profiled(FACT_PROFILES.get(name)),
        "status": "final",
        "category": [concept(codes.LABORATORY)] if model in LABORATORY_MODELS else None,
        "code": concept(*filter(None, (standard, local)), text=local.display),
        "subject": reference(subject),
        "effectiveDateTime": when,
    }
    if name in ("ki67_percent", "p53_ihc", "rb_ihc", "sstr2a_ihc", "mmr", "tmb_high"):
        observation["extension"] = [{"url": codes.RELATED_CONDITION, "valueReference": reference(primary)}]
    if name == "figo_stage":
        observation["focus"] = [reference(primary)]
        observation["method"] = concept(codes.FIGO_CERVIX_METHOD)
        observation["valueCodeableConcept"] = concept(
            codes.FIGO_STAGES[value], codes.value_code(model, name, value)
        )
    elif name == "tumor_size_cm":
        # mCODE TumorSize: the longest dimension as a component, no value of its own.
        observation["component"] = [
            {
                "code": concept(codes.TUMOR_LONGEST_DIMENSION),
                "valueQuantity": {"value": _number(value), **UNITS[name]},
            }
        ]
    else:
        observation.update(_value(model, name, value))
    return _dropped_none(observation)


def _value(model: type[models.Model], name: str, value: Any) -> dict[str, Any]:
    """The value[x] of a fact by the field's type."""
    field = model._meta.get_field(name)
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if getattr(field, "choices", None):
        return {"valueCodeableConcept": concept(codes.value_code(model, name, value))}
    if isinstance(value, Decimal):
        return {"valueQuantity": {"value": _number(value), **UNITS.get(name, {})}}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, date):
        return {"valueDateTime": value.isoformat()}
    raise TypeError(f"{model.__name__}.{name}: no FHIR value for {type(value).__name__}")


def fact_names(record: models.Model) -> list[str]:
    """The entered facts of a record that are known and travel as Observations of its group."""
    model = type(record)
    return [
        name
        for name in entered_fields(model)
        if name not in GROUP_FIELDS[model] and getattr(record, name) not in (None, "", [])
    ]


def panel(record: models.Model, when: str | None, subject: Resource, members: list[Resource]) -> Resource:
    """A record whose facts are Observations only (pathology, staging, clinical status): a panel."""
    model = type(record)
    return _dropped_none(
        {
            "resourceType": "Observation",
            "id": resource_id(model._meta.model_name, record.pk),
            "status": "final",
            "category": [concept(codes.LABORATORY)] if model in LABORATORY_MODELS else None,
            "code": concept(codes.record_code(model), text=str(record)),
            "subject": reference(subject),
            "effectiveDateTime": when,
            "hasMember": [reference(member) for member in members],
        }
    )


def genomics_report(result: MolecularResult, subject: Resource, members: list[Resource]) -> Resource:
    """A molecular result as a genetic analysis report (shaped like mCODE's GenomicsReport)."""
    return _dropped_none(
        {
            "resourceType": "DiagnosticReport",
            "id": resource_id("molecularresult", result.pk),
            # registered: ordered, no result yet (tests pending or not done).
            "status": "final" if result.has_result else "registered",
            "code": concept(
                codes.GENETIC_ANALYSIS_REPORT, codes.record_code(MolecularResult), text=str(result)
            ),
            "subject": reference(subject),
            "effectiveDateTime": fhir_date(result.result_date),
            "result": [reference(member) for member in members],
        }
    )


def imaging_procedure(study: ImagingStudy, subject: Resource) -> Resource:
    """An imaging study (or the record that it was not done) as a Procedure."""
    modality = codes.value_code(ImagingStudy, "modality", study.modality)
    return _dropped_none(
        {
            "resourceType": "Procedure",
            "id": resource_id("imagingstudy", study.pk),
            "status": "completed" if study.performed else "not-done",
            "category": concept(codes.record_code(ImagingStudy)),
            "code": concept(modality, text=modality.display),
            "subject": reference(subject),
            "performedDateTime": fhir_date(study.study_date),
        }
    )


def resection_procedure(resection: Resection, subject: Resource, primary: Resource) -> Resource:
    """The resection of the primary (mCODE CancerRelatedSurgicalProcedure), or that none was done."""
    done = resection.margin != Margin.NOT_RESECTED
    return _dropped_none(
        {
            "resourceType": "Procedure",
            "id": resource_id("resection", resection.pk),
            **_profiled(codes.SURGICAL_PROCEDURE),
            "status": "completed" if done else "not-done",
            "code": concept(codes.record_code(Resection), text="Resection of the primary tumour"),
            "subject": reference(subject),
            "performedDateTime": fhir_date(resection.resected_on),
            "reasonReference": [reference(primary)],
        }
    )


def medication_administration(line: TreatmentLine, subject: Resource, primary: Resource) -> Resource:
    """A line of systemic therapy (mCODE CancerRelatedMedicationAdministration) over its period."""
    regimen = codes.value_code(TreatmentLine, "regimen", line.regimen)
    return {
        "resourceType": "MedicationAdministration",
        "id": resource_id("treatmentline", line.pk),
        **_profiled(codes.MEDICATION_ADMINISTRATION),
        "status": "completed" if line.ended_on else "in-progress",
        "category": concept(codes.record_code(TreatmentLine)),
        "medicationCodeableConcept": concept(regimen, text=regimen.display),
        "subject": reference(subject),
        "effectivePeriod": _dropped_none(
            {"start": fhir_date(line.started_on), "end": fhir_date(line.ended_on)}
        ),
        "reasonReference": [reference(primary)],
    }


def part_of(observation: Resource, group: Resource) -> Resource:
    """An Observation made during a procedure or an administration."""
    return {**observation, "partOf": [reference(group)]}


# --- board decisions -------------------------------------------------------------------------------


def board_review(decision: Decision, subject: Resource, primary: Resource) -> Resource:
    """A board decision as a tumor board review Procedure (as Onconova's FHIR IG models it)."""
    meeting = decision.agenda_item.meeting
    notes = [decision.plan] if decision.plan.strip() else []
    extensions: list[dict[str, Any]] = [
        {"url": f"{codes.EXTENSION_BASE}follows-guideline", "valueBoolean": decision.follows_guideline},
        {"url": f"{codes.EXTENSION_BASE}next-review", "valueDate": fhir_date(decision.next_review_on)},
    ]
    if not decision.follows_guideline:
        reason = codes.value_code(Decision, "deviation_reason", decision.deviation_reason)
        extensions.append(
            {"url": f"{codes.EXTENSION_BASE}deviation-reason", "valueCodeableConcept": concept(reason)}
        )
        detail = f": {decision.deviation_detail}" if decision.deviation_detail.strip() else ""
        notes.append(f"Deviation from the guideline ({reason.display}){detail}")
    follow_up = None
    if decision.option_code:
        option = Code(codes.value_system("pathway_option"), decision.option_code, decision.option_text)
        follow_up = [concept(option, text=decision.option_text)]
    return _dropped_none(
        {
            "resourceType": "Procedure",
            "id": resource_id("decision", decision.pk),
            "extension": extensions,
            "status": "completed",
            "category": concept(codes.DIAGNOSTIC_PROCEDURE),
            "code": concept(codes.TUMOR_BOARD_REVIEW, text=f"Tumor board review: {meeting.board_name}"),
            "subject": reference(subject),
            "performedDateTime": fhir_instant(meeting.starts_at),
            "reasonReference": [reference(primary)],
            "followUp": follow_up,
            "note": [{"text": text} for text in notes],
        }
    )
