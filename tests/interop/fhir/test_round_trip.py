"""Export then import of every demo case gives the same engine facts (cases.facts builds them)."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle

from cases.facts import facts_dict_for_case, with_record
from cases.models import Case
from interop.fhir.export import bundle_for_case, cases_for_export
from interop.fhir.import_ import import_bundle_file
from tests.interop.conftest import resources

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
