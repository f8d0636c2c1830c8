"""The FHIR import: Bundles shaped like the mCODE guide's examples into a new draft case, or refused whole."""

import json

import pytest

from cases import services
from cases.models import (
    AccessEvent,
    Case,
    ClinicalStatus,
    MolecularResult,
    PathologyReport,
    Patient,
    StagingAssessment,
)
from interop.fhir import codes
from interop.fhir.export import bundle_for_case, cases_for_export
from interop.fhir.import_ import CHANGE_REASON, import_bundle, import_bundle_file
from interop.fhir.reading import BundleRefused
from interop.models import FhirImport
from tests.interop.mcode import mcode_bundle, resources

pytestmark = pytest.mark.django_db


def record_counts() -> dict[str, int]:
    """How many rows of every kind of record the database holds."""
    models = (Patient, Case, PathologyReport, MolecularResult, StagingAssessment, ClinicalStatus, FhirImport)
    return {model.__name__: model.objects.count() for model in models}


def refused(document, user) -> list[str]:
    before = record_counts()
    with pytest.raises(BundleRefused) as raised:
        import_bundle(document, user=user)
    assert record_counts() == before, "a refused Bundle saves nothing"
    return [str(problem) for problem in raised.value.problems]


def test_an_mcode_bundle_from_another_system_becomes_a_prefilled_draft_case(clinician):
    result = import_bundle(mcode_bundle("mcode-pancreatic-nec"), user=clinician)
    case = result.case
    assert (
        case.status == "draft" and case.primary_site == "pancreas" and case.responsible_clinician == clinician
    )
    patient = case.patient
    assert (patient.mrn, patient.family_name, patient.given_name) == ("m7781", "Example", "Ann B.")
    assert (str(patient.date_of_birth), patient.sex) == ("1961-03-14", "female")
    pathology = case.pathology_reports.get()
    assert (pathology.differentiation, pathology.morphology, pathology.ki67_percent) == ("poor", None, 70)
    assert str(pathology.specimen_date) == "2026-10-02" and pathology.specimen == "other"
    assert case.clinical_statuses.get().ecog == 1
    molecular = case.molecular_results.get()
    assert (molecular.mmr, molecular.tmb_high, molecular.braf_v600e, molecular.ntrk_fusion) == (
        "deficient",
        False,
        True,
        False,
    )
    assert str(molecular.result_date) == "2026-10-12"
    # A variant found by sequencing and a mutational burden: next-generation sequencing was done.
    assert molecular.ngs == "done"
    # No staging in the Bundle: the engine waits for the extent of disease before it classifies.
    assert case.classification == ""


def test_what_does_not_map_is_listed_with_the_reason(clinician):
    result = import_bundle(mcode_bundle("mcode-pancreatic-nec"), user=clinician)
    unmapped = {item.source: item.reason for item in result.unmapped}
    assert set(unmapped) == {
        "Practitioner/us-core-practitioner-kyle-anydoc",
        "Condition/secondary-cancer-condition-liver-ann",
        "Procedure/cancer-related-surgical-procedure-ann",
        "MedicationRequest/cancer-related-medication-request-cisplatin-ann",
        "Condition/primary-cancer-condition-ann",
    }
    assert "imaging study" in unmapped["Condition/secondary-cancer-condition-liver-ann"]
    assert "Staging step" in unmapped["Condition/primary-cancer-condition-ann"]  # the pancreatic head
    assert any("specimen “Other”" in notice for notice in result.notices)
    assert any("TMB-high no" in notice for notice in result.notices)


def test_imported_records_are_marked_with_their_sources_and_in_the_history(clinician):
    result = import_bundle(mcode_bundle("mcode-pancreatic-nec"), user=clinician)
    marker = FhirImport.objects.get(case=result.case)
    assert marker.imported_by == clinician and marker.covered
    assert marker.bundle_identifier == "http://hospital.example.org/bundles|b-0001"
    steps = [item["step"] for item in marker.imported]
    assert steps == ["patient", "pathology", "molecular", "clinical"]
    pathology = next(item for item in marker.imported if item["step"] == "pathology")
    assert pathology["sources"] == [
        "Observation/tumor-marker-test-ki67-ann",
        "Condition/primary-cancer-condition-ann",
    ]
    assert len(marker.unmapped) == len(result.unmapped)
    created = result.case.pathology_reports.get().history.earliest()
    assert created.history_change_reason == CHANGE_REASON
    assert result.case.history.earliest().history_change_reason == CHANGE_REASON


def test_a_cervical_bundle_reads_snomed_body_site_and_lists_the_stage_without_extent(clinician):
    result = import_bundle(mcode_bundle("mcode-cervix-small-cell"), user=clinician)
    assert result.case.primary_site == "cervix"
    pathology = result.case.pathology_reports.get()
    assert (pathology.differentiation, pathology.morphology, pathology.ki67_percent) == (
        "poor",
        "small_cell",
        90,
    )
    (figo,) = [item for item in result.unmapped if item.what == "FIGO 2018 stage"]
    assert "extent of disease" in figo.reason
    assert not StagingAssessment.objects.filter(case=result.case).exists()


def test_a_cancer_the_app_does_not_cover_brings_demographics_and_ecog_with_a_plain_message(clinician):
    result = import_bundle(mcode_bundle("mcode-nsclc"), user=clinician)
    case = result.case
    assert case.patient.mrn == "m123" and case.primary_site == "unknown_primary"
    assert not result.fhir_import.covered
    assert list(case.clinical_statuses.values_list("ecog", flat=True)) == [0]
    assert not case.pathology_reports.exists(), "a lung adenocarcinoma's Ki-67 is not a NEN's"
    assert any(
        "Non-small cell lung cancer" in notice
        and "not a high-grade gastroenteropancreatic or gynecologic neuroendocrine neoplasm" in notice
        for notice in result.notices
    )
    sources = {item.source for item in result.unmapped}
    assert {"Observation/tumor-marker-test-egf", "Observation/tumor-marker-test-ki67-lung"} <= sources


def test_our_own_export_maps_completely(demo_cases, clinician):
    document = bundle_for_case(cases_for_export(Case.objects.filter(pk=demo_cases["P09"].pk)).get())
    resources(document, "Patient")[0]["identifier"][0]["value"] = "OTHER-0009"
    result = import_bundle(document, user=clinician)
    assert result.unmapped == [] and result.notices == []
    assert result.case.treatment_lines.count() == 2 and result.case.imaging_studies.count() == 2


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"{not json", "file: not valid JSON"),
        (b'{"resourceType": "Patient"}', "file: expected a FHIR Bundle, got Patient"),
        (
            b'{"resourceType": "Bundle", "type": "collection", "entry": []}',
            "Bundle.entry: the Bundle holds no resources",
        ),
        (
            b'{"resourceType": "Bundle", "type": "collection", "entry": '
            b'[{"resource": {"resourceType": "Observation", "code": {"text": "Ki-67"}}}]}',
            "entry.0.resource.status",
        ),
    ],
)
def test_a_file_that_is_not_a_valid_bundle_is_refused_naming_the_problem(clinician, raw, expected):
    with pytest.raises(BundleRefused) as raised:
        import_bundle_file(raw, user=clinician)
    assert any(str(problem).startswith(expected) for problem in raised.value.problems), raised.value.problems
    assert Case.objects.count() == 0


def test_a_bundle_about_two_patients_is_refused(clinician):
    document = mcode_bundle("mcode-nsclc")
    document["entry"].append({"resource": {**resources(document, "Patient")[0], "id": "another"}})
    assert refused(document, clinician) == [
        "Bundle.entry: the Bundle holds 2 Patients; import one patient's Bundle"
    ]


def test_an_implausible_value_refuses_the_whole_bundle_with_the_same_rules_as_typed_entry(clinician):
    document = mcode_bundle("mcode-pancreatic-nec")
    ki67 = next(r for r in resources(document, "Observation") if r["id"] == "tumor-marker-test-ki67-ann")
    ki67["valueQuantity"]["value"] = 140
    problems = refused(document, clinician)
    assert problems == [
        "Observation/tumor-marker-test-ki67-ann (Ki-67 (%)): Ensure this value is less than or equal to 100."
    ]


def test_a_birth_date_after_the_findings_refuses_the_bundle(clinician):
    document = mcode_bundle("mcode-pancreatic-nec")
    resources(document, "Patient")[0]["birthDate"] = "2026-10-10"
    problems = refused(document, clinician)
    assert any("before the patient's date of birth" in problem for problem in problems), problems


def test_a_patient_without_an_mrn_is_refused(clinician):
    document = mcode_bundle("mcode-nsclc")
    del resources(document, "Patient")[0]["identifier"]
    assert refused(document, clinician) == [
        "Patient/cancer-patient-john-anyperson Patient.identifier: This field is required."
    ]


def test_contradictory_facts_refuse_the_bundle_as_the_engine_does(demo_cases, clinician):
    document = bundle_for_case(cases_for_export(Case.objects.filter(pk=demo_cases["P02"].pk)).get())
    resources(document, "Patient")[0]["identifier"][0]["value"] = "OTHER-0002"
    extent = next(
        r for r in resources(document, "Observation") if "extent" in [c["code"] for c in r["code"]["coding"]]
    )
    extent["valueCodeableConcept"]["coding"][0]["code"] = "localized"
    problems = refused(document, clinician)
    assert problems == [
        "Extent and staging step: contradictory facts: "
        "extent: localized contradicts metastatic_sites: liver, peritoneum"
    ]


def test_a_known_mrn_asks_first_and_opens_another_case_only_when_asked(demo_cases, clinician):
    document = bundle_for_case(cases_for_export(Case.objects.filter(pk=demo_cases["P01"].pk)).get())
    with pytest.raises(services.KnownPatient) as raised:
        import_bundle(json.loads(json.dumps(document)), user=clinician)
    assert raised.value.cases == [demo_cases["P01"]]
    assert Case.objects.count() == len(demo_cases)
    result = import_bundle(document, user=clinician, another_case_for_patient=True)
    assert result.case.patient == demo_cases["P01"].patient and result.case != demo_cases["P01"]
    assert not AccessEvent.objects.exists(), "the import itself reads no other record"


def test_an_mrn_of_another_person_is_refused(demo_cases, clinician):
    document = mcode_bundle("mcode-nsclc")
    resources(document, "Patient")[0]["identifier"][0]["value"] = "DEMO-0001"
    problems = refused(document, clinician)
    assert problems == [
        "Patient/cancer-patient-john-anyperson Patient.identifier: "
        "This MRN belongs to another patient (family name or date of birth differ)."
    ]


def test_local_codes_the_app_does_not_know_are_listed_not_guessed(clinician):
    document = mcode_bundle("mcode-pancreatic-nec")
    document["entry"].append(
        {
            "resource": {
                "resourceType": "Observation",
                "id": "p53-from-elsewhere",
                "status": "final",
                "code": {"coding": [{"system": codes.FACT_SYSTEM, "code": "p53_ihc"}]},
                "subject": {"reference": "Patient/cancer-patient-ann-example"},
                "effectiveDateTime": "2026-10-02",
                "valueCodeableConcept": {
                    "coding": [{"system": "http://snomed.info/sct", "code": "10828004"}]
                },
            }
        }
    )
    result = import_bundle(document, user=clinician)
    (item,) = [item for item in result.unmapped if item.source == "Observation/p53-from-elsewhere"]
    assert "not a code the app reads" in item.reason
    assert result.case.pathology_reports.get().p53_ihc is None


def test_an_alteration_without_the_sequencing_status_is_imported_with_a_notice(clinician):
    document = mcode_bundle("mcode-pancreatic-nec")
    document["entry"] = [e for e in document["entry"] if e["resource"].get("id") != "tmb-ann"]
    braf = next(r for r in resources(document, "Observation") if r.get("id") == "genomic-variant-braf-ann")
    del braf["method"]
    result = import_bundle(document, user=clinician)
    molecular = result.case.molecular_results.get()
    assert (molecular.ngs, molecular.braf_v600e) == (None, True)
    assert any(
        notice.startswith("NTRK fusion, BRAF V600E imported without the sequencing status")
        for notice in result.notices
    )
