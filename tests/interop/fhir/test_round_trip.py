"""Export then import of every demo case gives the same engine facts (cases.facts builds them)."""

import datetime
import json
from decimal import Decimal

import pytest
from fhir.resources.R4B.bundle import Bundle

from cases.facts import facts_dict_for_case, with_record
from cases.models import Case
from interop.fhir.export import bundle_for_case, cases_for_export
from interop.fhir.import_ import import_bundle_file
from tests.factories import (
    CaseFactory,
    ClinicalStatusFactory,
    ImagingStudyFactory,
    MolecularResultFactory,
    PathologyReportFactory,
    ResectionFactory,
    StagingAssessmentFactory,
    TreatmentLineFactory,
)
from tests.interop.mcode import resources

pytestmark = pytest.mark.django_db


def test_every_demo_case_comes_back_with_the_same_facts(demo_cases, clinician):
    assert len(demo_cases) == 12
    for vignette, case in sorted(demo_cases.items()):
        bundle = bundle_for_case(cases_for_export(Case.objects.filter(pk=case.pk)).get())
        Bundle.model_validate(bundle)
        # A new MRN: the demo patient already has this case (the same MRN asks before opening another).
        resources(bundle, "Patient")[0]["identifier"][0]["value"] = f"RT-{vignette}"
        result = import_bundle_file(json.dumps(bundle).encode(), user=clinician)
        again = with_record(Case.objects.filter(pk=result.case.pk)).get()
        assert facts_dict_for_case(again) == facts_dict_for_case(case), vignette
        assert again.classification == case.classification and again.status == "draft", vignette
        assert result.unmapped == [], vignette


def test_the_imported_patient_is_the_exported_one(demo_cases, clinician):
    case = demo_cases["P05"]
    bundle = bundle_for_case(cases_for_export(Case.objects.filter(pk=case.pk)).get())
    resources(bundle, "Patient")[0]["identifier"][0]["value"] = "RT-P05"
    patient = import_bundle_file(json.dumps(bundle).encode(), user=clinician).case.patient
    original = case.patient
    assert (patient.family_name, patient.given_name, patient.date_of_birth, patient.sex) == (
        original.family_name,
        original.given_name,
        original.date_of_birth,
        original.sex,
    )


def test_a_record_using_the_other_fields_comes_back_with_the_same_facts(clinician):
    """Fields the demo cases leave empty: indeterminate differentiation, the gynecologic and rarer facts."""
    case = CaseFactory(
        primary_site="vulva_vagina", patient__mrn="RT-ALL", patient__date_of_birth=datetime.date(1970, 5, 5)
    )
    PathologyReportFactory(
        case=case,
        specimen_date=datetime.date(2026, 3, 1),
        differentiation="indeterminate",
        ki67_percent=Decimal("45.5"),
        mitoses_per_2mm2=Decimal("12"),
        lower_grade_component=False,
        non_neuroendocrine_component=True,
        p53_ihc="wild_type",
        rb_ihc="retained",
        sstr2a_ihc="focal_or_weak",
    )
    PathologyReportFactory(case=case, specimen_date=datetime.date(2026, 1, 1), differentiation="poor")
    ImagingStudyFactory(
        case=case, modality="mri", study_date=datetime.date(2026, 3, 2), metastatic_sites=["bone", "other"]
    )
    ImagingStudyFactory(
        case=case,
        modality="brain_mri",
        study_date=datetime.date(2026, 3, 3),
        metastatic_sites=["brain"],
        brain_metastases_count=2,
    )
    ImagingStudyFactory(
        case=case, modality="fdg_pet", study_date=datetime.date(2026, 3, 4), fdg_avidity="positive"
    )
    ImagingStudyFactory(case=case, modality="endoscopy", study_date=None, performed=False)
    MolecularResultFactory(
        case=case, result_date=None, ordered_on=datetime.date(2026, 3, 5), mmr=None, ngs="pending"
    )
    StagingAssessmentFactory(
        case=case,
        assessed_on=datetime.date(2026, 3, 6),
        extent="metastatic",
        tumor_size_cm=Decimal("3.2"),
        deep_stromal_invasion=True,
        lvsi=False,
        resectable=False,
        liver_dominant=False,
        high_systemic_burden=True,
    )
    ClinicalStatusFactory(
        case=case,
        assessed_on=datetime.date(2026, 3, 6),
        ecog=2,
        hormonal_syndrome=False,
        carcinoid_syndrome_suspected=False,
        hiaa_5_elevated=True,
        cns_symptoms=True,
        disease_pace="rapid",
        discordant_lesion_growth=True,
        etoposide_unsuitable=False,
    )
    ResectionFactory(case=case, resected_on=datetime.date(2026, 1, 1), margin="R1", radiation_amenable=False)
    TreatmentLineFactory(
        case=case,
        regimen="platinum_etoposide",
        started_on=datetime.date(2026, 1, 10),
        ended_on=datetime.date(2026, 2, 20),
        cycles=4,
        best_response="PR",
        progressed=True,
        progression_date=datetime.date(2026, 3, 1),
        progressed_during_break=True,
    )
    bundle = bundle_for_case(cases_for_export(Case.objects.filter(pk=case.pk)).get())
    resources(bundle, "Patient")[0]["identifier"][0]["value"] = "RT-ALL-2"
    result = import_bundle_file(json.dumps(bundle).encode(), user=clinician)
    again = with_record(Case.objects.filter(pk=result.case.pk)).get()
    original = with_record(Case.objects.filter(pk=case.pk)).get()
    assert facts_dict_for_case(again) == facts_dict_for_case(original)
    assert result.unmapped == [] and result.fhir_import.covered
    assert again.molecular_results.get().ordered_on == datetime.date(2026, 3, 5)
    assert again.treatment_lines.get().cycles == 4


def test_a_line_of_therapy_as_a_medication_statement_is_read_too(demo_cases, clinician):
    case = demo_cases["P09"]
    bundle = bundle_for_case(cases_for_export(Case.objects.filter(pk=case.pk)).get())
    resources(bundle, "Patient")[0]["identifier"][0]["value"] = "RT-STATEMENT"
    for line in resources(bundle, "MedicationAdministration"):
        line["resourceType"] = "MedicationStatement"
        line["status"] = "completed"
        del line["meta"]
    result = import_bundle_file(json.dumps(bundle).encode(), user=clinician)
    again = with_record(Case.objects.filter(pk=result.case.pk)).get()
    assert (
        facts_dict_for_case(again)["prior_systemic_therapy"]
        == facts_dict_for_case(case)["prior_systemic_therapy"]
    )
