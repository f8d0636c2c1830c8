"""The FHIR export: a collection Bundle of one case following mCODE STU3, parsed by fhir.resources (R4B)."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from fhir.resources.R4B.bundle import Bundle

from cases.models import Case
from interop.fhir import codes
from interop.fhir.export import bundle_for_case, cases_for_export
from tests.factories import (
    ClinicalStatusFactory,
    ImagingStudyFactory,
    PathologyReportFactory,
    StagingAssessmentFactory,
)
from tests.interop.mcode import resources
from tests.meetings.factories import AgendaItemFactory, DecisionFactory

pytestmark = pytest.mark.django_db


def exported(case: Case) -> dict:
    bundle = bundle_for_case(cases_for_export(Case.objects.filter(pk=case.pk)).get())
    Bundle.model_validate(bundle)
    return bundle


def coded(concept: dict, system: str) -> list[str]:
    return [coding["code"] for coding in concept.get("coding", []) if coding["system"] == system]


def by_fact(bundle: dict, name: str) -> list[dict]:
    return [
        observation
        for observation in resources(bundle, "Observation")
        if name in coded(observation["code"], codes.FACT_SYSTEM)
    ]


def test_every_demo_case_exports_a_collection_bundle_that_fhir_resources_parses(demo_cases):
    for case in demo_cases.values():
        bundle = exported(case)
        assert bundle["type"] == "collection"
        assert Bundle.model_validate(bundle).entry[0].resource.get_resource_type() == "Patient"
        urls = [entry["fullUrl"] for entry in bundle["entry"]]
        assert len(urls) == len(set(urls)) and all(url.startswith("urn:uuid:") for url in urls)


def test_ki67_is_a_tumor_marker_test_with_loinc_29593_1_in_percent(demo_cases):
    (ki67,) = by_fact(exported(demo_cases["P01"]), "ki67_percent")
    assert coded(ki67["code"], codes.LOINC) == ["29593-1"]
    assert ki67["meta"]["profile"] == [codes.TUMOR_MARKER_TEST]
    assert ki67["valueQuantity"] == {"value": 30, "unit": "%", "system": codes.UCUM, "code": "%"}
    assert ki67["effectiveDateTime"] == "2026-09-08"


def test_the_patient_is_a_cancer_patient_with_the_mrn_as_medical_record_number(demo_cases):
    (patient,) = resources(exported(demo_cases["P01"]), "Patient")
    assert patient["meta"]["profile"] == [codes.CANCER_PATIENT]
    (identifier,) = patient["identifier"]
    assert identifier["value"] == "DEMO-0001" and identifier["system"] == codes.DEFAULT_MRN_SYSTEM
    assert coded(identifier["type"], codes.IDENTIFIER_TYPE) == ["MR"]
    assert patient["gender"] == "male" and patient["birthDate"] == "1961-04-12"


@override_settings(FHIR_MRN_SYSTEM="http://hospital.example.org/mrn")
def test_the_mrn_system_is_the_hospitals_when_set(demo_cases):
    (patient,) = resources(exported(demo_cases["P01"]), "Patient")
    assert patient["identifier"][0]["system"] == "http://hospital.example.org/mrn"


@pytest.mark.parametrize(
    ("vignette", "morphology", "topography"),
    [
        ("P01", "8249/3", "C25.9"),
        ("P02", "8041/3", "C18.9"),
        ("P04", "8013/3", "C20.9"),
        ("P05", "8041/3", "C53.9"),
    ],
)
def test_the_primary_is_icd_o_3_encoded_as_mcode_describes(demo_cases, vignette, morphology, topography):
    primary = next(
        condition
        for condition in resources(exported(demo_cases[vignette]), "Condition")
        if condition["meta"]["profile"] == [codes.PRIMARY_CANCER_CONDITION]
    )
    assert coded(primary["code"], codes.SNOMED) == ["363346000"]
    (extension,) = primary["extension"]
    assert extension["url"] == codes.HISTOLOGY_MORPHOLOGY_BEHAVIOR
    assert coded(extension["valueCodeableConcept"], codes.ICD_O_3) == [morphology]
    assert coded(primary["bodySite"][0], codes.ICD_O_3) == [topography]


def test_minen_and_nec_nos_have_their_morphology(clinician):
    minen = PathologyReportFactory(differentiation="poor", non_neuroendocrine_component=True).case
    nec = PathologyReportFactory(differentiation="poor", morphology=None).case
    for case, expected in ((minen, "8154/3"), (nec, "8246/3")):
        primary = resources(exported(case), "Condition")[0]
        assert coded(primary["extension"][0]["valueCodeableConcept"], codes.ICD_O_3) == [expected]


def test_each_metastatic_site_is_a_secondary_condition_with_the_studies_that_showed_it(demo_cases):
    bundle = exported(demo_cases["P07"])
    secondaries = [
        c for c in resources(bundle, "Condition") if codes.SECONDARY_CANCER_CONDITION in c["meta"]["profile"]
    ]
    assert [coded(c["bodySite"][0], codes.ICD_O_3) for c in secondaries] == [["C22.0"], ["C77.9"]]
    (ct,) = [
        p for p in resources(bundle, "Procedure") if "ct" in coded(p["code"], codes.value_system("modality"))
    ]
    primary_url = next(
        e["fullUrl"] for e in bundle["entry"] if e["resource"] is resources(bundle, "Condition")[0]
    )
    for secondary in secondaries:
        assert coded(secondary["code"], codes.SNOMED) == ["128462008"]
        assert secondary["extension"][0]["valueReference"]["reference"] == primary_url
        assert secondary["evidence"][0]["detail"] == [{"reference": f"urn:uuid:{ct['id']}"}]


def test_figo_is_an_mcode_figo_stage_the_primary_points_to(demo_cases):
    bundle = exported(demo_cases["P05"])
    (figo,) = by_fact(bundle, "figo_stage")
    assert figo["meta"]["profile"] == [codes.FIGO_STAGE]
    assert coded(figo["code"], codes.SNOMED) == ["385361009"]
    assert coded(figo["valueCodeableConcept"], codes.NCIT) == ["C96250"]
    primary = resources(bundle, "Condition")[0]
    assert primary["stage"][0]["assessment"] == [{"reference": f"urn:uuid:{figo['id']}"}]
    (size,) = by_fact(bundle, "tumor_size_cm")
    assert size["component"][0]["valueQuantity"]["value"] == 2.5
    assert coded(size["component"][0]["code"], codes.LOINC) == ["33728-7"]


def test_ecog_is_an_mcode_ecog_performance_status(demo_cases):
    (ecog,) = by_fact(exported(demo_cases["P01"]), "ecog")
    assert coded(ecog["code"], codes.LOINC) == ["89247-1"] and ecog["valueInteger"] == 1
    assert ecog["meta"]["profile"] == [codes.ECOG_PERFORMANCE_STATUS]


def test_molecular_results_form_a_genetic_analysis_report(demo_cases):
    bundle = exported(demo_cases["P07"])
    (report,) = resources(bundle, "DiagnosticReport")
    assert coded(report["code"], codes.LOINC) == ["51969-4"] and report["effectiveDateTime"] == "2026-03-20"
    members = {ref["reference"] for ref in report["result"]}
    facts = {
        coded(o["code"], codes.FACT_SYSTEM)[0]: o
        for o in resources(bundle, "Observation")
        if f"urn:uuid:{o['id']}" in members
    }
    assert set(facts) == {"mmr", "ngs", "tmb_high", "ntrk_fusion", "ret_fusion"}
    assert facts["ntrk_fusion"]["valueBoolean"] is False
    assert coded(facts["mmr"]["valueCodeableConcept"], codes.value_system("mmr")) == ["proficient"]


def test_treatment_lines_and_resections_follow_mcode(demo_cases):
    line = resources(exported(demo_cases["P07"]), "MedicationAdministration")[0]
    assert line["meta"]["profile"] == [codes.MEDICATION_ADMINISTRATION]
    assert line["effectivePeriod"] == {"start": "2026-03-02", "end": "2026-07-02"}
    assert coded(line["medicationCodeableConcept"], codes.value_system("regimen")) == ["platinum_etoposide"]
    (resection,) = [p for p in resources(exported(demo_cases["P04"]), "Procedure") if p.get("meta")]
    assert resection["meta"]["profile"] == [codes.SURGICAL_PROCEDURE]
    assert resection["status"] == "completed" and resection["performedDateTime"] == "2026-07-21"
    (not_done,) = [p for p in resources(exported(demo_cases["P03"]), "Procedure") if p.get("meta")]
    assert not_done["status"] == "not-done"


def test_a_board_decision_is_a_tumor_board_review_with_its_plan_and_deviation(clinician):
    item = AgendaItemFactory(meeting__starts_at=datetime.datetime(2026, 11, 26, 16, 0, tzinfo=datetime.UTC))
    PathologyReportFactory(case=item.case)
    DecisionFactory(
        agenda_item=item,
        plan="Carboplatin and etoposide, 4 cycles.",
        follows_guideline=False,
        deviation_reason="performance_status",
        deviation_detail="ECOG 3 after surgery.",
    )
    (review,) = [p for p in resources(exported(item.case), "Procedure") if coded(p["code"], codes.NCIT)]
    assert coded(review["code"], codes.NCIT) == ["C93304"] and review["status"] == "completed"
    assert coded(review["category"], codes.SNOMED) == ["103693007"]
    assert review["performedDateTime"].startswith("2026-11-26")
    notes = [note["text"] for note in review["note"]]
    assert notes[0] == "Carboplatin and etoposide, 4 cycles."
    assert "Deviation from the guideline (Performance status or comorbidity): ECOG 3 after surgery." in notes
    extensions = {e["url"].rsplit(":", 1)[-1]: e for e in review["extension"]}
    assert extensions["follows-guideline"]["valueBoolean"] is False
    primary = resources(exported(item.case), "Condition")[0]
    assert review["reasonReference"] == [{"reference": f"urn:uuid:{primary['id']}"}]


def test_unknown_facts_are_left_out_not_exported_as_empty_values(clinician):
    case = StagingAssessmentFactory(extent="localized").case
    PathologyReportFactory(case=case, ki67_percent=Decimal("25.5"), mitoses_per_2mm2=None)
    ImagingStudyFactory(case=case, modality="sstr_pet", sstr_uptake="negative")
    ClinicalStatusFactory(case=case, ecog=None)
    bundle = exported(case)
    assert by_fact(bundle, "mitoses_per_2mm2") == [] and by_fact(bundle, "ecog") == []
    assert by_fact(bundle, "ki67_percent")[0]["valueQuantity"]["value"] == 25.5
    assert not [
        c for c in resources(bundle, "Condition") if codes.SECONDARY_CANCER_CONDITION in c["meta"]["profile"]
    ]
