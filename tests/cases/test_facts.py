"""The adapter from records to case facts: field by field, latest wins, unknown stays null."""

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from jsonschema import Draft202012Validator

from cases.demo import DEMO_CASES, seed_demo_cases
from cases.facts import IncompleteRecord, facts_dict_for_case, facts_for_case, with_record
from cases.models import Case
from guidelines.engine import parse_facts
from guidelines.engine.facts import SCHEMA
from tests.factories import (
    CaseFactory,
    ClinicalStatusFactory,
    ImagingStudyFactory,
    MolecularResultFactory,
    PathologyReportFactory,
    ResectionFactory,
    StagingAssessmentFactory,
    TreatmentLineFactory,
    UserFactory,
)

VIGNETTES = Path(__file__).resolve().parent.parent / "vignettes"
pytestmark = pytest.mark.django_db


def fresh(case: Case) -> Case:
    """The case reloaded with its record prefetched, as the pages load it."""
    return with_record(Case.objects.filter(pk=case.pk)).get()


def test_unknown_facts_stay_null():
    case = CaseFactory(primary_site="colon")
    data = facts_dict_for_case(fresh(case))
    assert data["primary_site"] == "colon"
    assert {key for key, value in data.items() if value not in (None, [])} == {"primary_site"}
    assert data["metastatic_sites"] == [] and data["prior_systemic_therapy"] == []


def test_missing_differentiation_and_extent_raise_incomplete_record():
    case = CaseFactory()
    with pytest.raises(IncompleteRecord) as raised:
        facts_for_case(fresh(case))
    assert [item.field for item in raised.value.missing] == ["differentiation", "extent"]
    assert [item.step for item in raised.value.missing] == ["pathology", "staging"]


def test_pathology_fields_map_one_to_one():
    report = PathologyReportFactory(
        differentiation="poor",
        morphology="large_cell",
        ki67_percent=Decimal("62.5"),
        mitoses_per_2mm2=Decimal("31"),
        lower_grade_component=False,
        non_neuroendocrine_component=True,
        p53_ihc="aberrant",
        rb_ihc="lost",
        sstr2a_ihc="focal_or_weak",
    )
    data = facts_dict_for_case(fresh(report.case))
    assert data["differentiation"] == "poor"
    assert data["morphology"] == "large_cell"
    assert data["ki67_percent"] == 62.5
    assert data["mitoses_per_2mm2"] == 31 and isinstance(data["mitoses_per_2mm2"], int)
    assert data["lower_grade_component"] is False
    assert data["non_neuroendocrine_component"] is True
    assert (data["p53_ihc"], data["rb_ihc"], data["sstr2a_ihc"]) == ("aberrant", "lost", "focal_or_weak")


def test_latest_pathology_report_wins_even_if_entered_first():
    case = CaseFactory()
    PathologyReportFactory(case=case, specimen_date=datetime.date(2026, 3, 1), ki67_percent=Decimal("45"))
    PathologyReportFactory(case=case, specimen_date=datetime.date(2025, 12, 1), ki67_percent=Decimal("15"))
    assert facts_dict_for_case(fresh(case))["ki67_percent"] == 45


def test_same_day_reports_later_entry_wins():
    case = CaseFactory()
    PathologyReportFactory(case=case, differentiation="indeterminate")
    PathologyReportFactory(case=case, differentiation="poor")
    assert facts_dict_for_case(fresh(case))["differentiation"] == "poor"


def test_staging_molecular_clinical_latest_wins():
    case = CaseFactory(primary_site="cervix")
    StagingAssessmentFactory(
        case=case, assessed_on=datetime.date(2026, 1, 1), extent="localized", figo_stage="IB1"
    )
    StagingAssessmentFactory(
        case=case,
        assessed_on=datetime.date(2026, 4, 1),
        extent="locally_advanced",
        figo_stage="IIB",
        tumor_size_cm=Decimal("4.5"),
        lvsi=True,
        deep_stromal_invasion=True,
        resectable=False,
    )
    MolecularResultFactory(case=case, result_date=datetime.date(2026, 1, 1), mmr="not_done")
    MolecularResultFactory(
        case=case,
        result_date=datetime.date(2026, 2, 1),
        mmr="deficient",
        ngs="done",
        tmb_high=True,
        ntrk_fusion=False,
        ret_fusion=False,
        braf_v600e=True,
    )
    ClinicalStatusFactory(case=case, assessed_on=datetime.date(2026, 1, 1), ecog=0)
    ClinicalStatusFactory(
        case=case,
        assessed_on=datetime.date(2026, 3, 1),
        ecog=2,
        hormonal_syndrome=False,
        carcinoid_syndrome_suspected=True,
        hiaa_5_elevated=True,
        cns_symptoms=False,
        disease_pace="rapid",
        discordant_lesion_growth=True,
        etoposide_unsuitable=True,
    )
    data = facts_dict_for_case(fresh(case))
    assert (data["extent"], data["figo_stage"], data["tumor_size_cm"]) == ("locally_advanced", "IIB", 4.5)
    assert (data["lvsi"], data["deep_stromal_invasion"], data["resectable"]) == (True, True, False)
    assert (data["mmr"], data["ngs"], data["tmb_high"], data["braf_v600e"]) == (
        "deficient",
        "done",
        True,
        True,
    )
    assert (data["ntrk_fusion"], data["ret_fusion"]) == (False, False)
    assert data["ecog"] == 2 and data["disease_pace"] == "rapid"
    assert data["carcinoid_syndrome_suspected"] is True and data["hiaa_5_elevated"] is True
    assert data["discordant_lesion_growth"] is True and data["etoposide_unsuitable"] is True
    assert data["hormonal_syndrome"] is False and data["cns_symptoms"] is False


def test_imaging_done_flags_are_three_valued():
    case = CaseFactory()
    assert facts_dict_for_case(fresh(case))["ct_mri_done"] is None
    ImagingStudyFactory(case=case, modality="mri", performed=False)
    assert facts_dict_for_case(fresh(case))["ct_mri_done"] is False
    ImagingStudyFactory(case=case, modality="ct")
    assert facts_dict_for_case(fresh(case))["ct_mri_done"] is True


def test_brain_mri_and_ultrasound_do_not_count_as_multiphase_ct_mri():
    case = CaseFactory()
    ImagingStudyFactory(case=case, modality="brain_mri")
    ImagingStudyFactory(case=case, modality="ultrasound", metastatic_sites=["liver"])
    data = facts_dict_for_case(fresh(case))
    assert data["ct_mri_done"] is None
    assert data["metastatic_sites"] == ["liver"]


def test_functional_imaging_latest_result_or_not_done():
    case = CaseFactory()
    ImagingStudyFactory(
        case=case, modality="sstr_pet", study_date=datetime.date(2025, 6, 1), sstr_uptake="negative"
    )
    ImagingStudyFactory(
        case=case, modality="sstr_pet", study_date=datetime.date(2026, 1, 1), sstr_uptake="high_homogeneous"
    )
    ImagingStudyFactory(case=case, modality="fdg_pet", performed=False)
    ImagingStudyFactory(case=case, modality="endoscopy", performed=True)
    data = facts_dict_for_case(fresh(case))
    assert data["sstr_imaging"] == "high_homogeneous"
    assert data["fdg_pet"] == "not_done"
    assert data["endoscopy_done"] is True


def test_metastatic_sites_union_in_contract_order_and_latest_brain_count():
    case = CaseFactory()
    ImagingStudyFactory(case=case, modality="ct", metastatic_sites=["peritoneum", "liver"])
    ImagingStudyFactory(
        case=case, modality="ct", metastatic_sites=["bone"], study_date=datetime.date(2026, 2, 1)
    )
    ImagingStudyFactory(
        case=case,
        modality="brain_mri",
        metastatic_sites=["brain"],
        brain_metastases_count=2,
        study_date=datetime.date(2026, 2, 1),
    )
    ImagingStudyFactory(
        case=case,
        modality="brain_mri",
        metastatic_sites=["brain"],
        brain_metastases_count=6,
        study_date=datetime.date(2026, 3, 1),
    )
    data = facts_dict_for_case(fresh(case))
    assert data["metastatic_sites"] == ["liver", "bone", "peritoneum", "brain"]
    assert data["brain_metastases_count"] == 6


def test_resection_and_radiation():
    case = CaseFactory()
    ResectionFactory(case=case, margin="R1", radiation_amenable=False)
    data = facts_dict_for_case(fresh(case))
    assert (data["resection_margin"], data["radiation_amenable"]) == ("R1", False)


def test_treatment_lines_in_order_with_months_to_progression():
    case = CaseFactory()
    TreatmentLineFactory(
        case=case,
        regimen="captem",
        started_on=datetime.date(2025, 6, 16),
        best_response="PR",
        progression_date=datetime.date(2026, 5, 17),
    )
    TreatmentLineFactory(
        case=case,
        regimen="ssa",
        started_on=datetime.date(2024, 11, 4),
        progressed=True,
        progression_date=datetime.date(2025, 6, 5),
        progressed_during_break=True,
    )
    TreatmentLineFactory(case=case, regimen="prrt", started_on=datetime.date(2026, 6, 1))
    lines = facts_dict_for_case(fresh(case))["prior_systemic_therapy"]
    assert [line["regimen"] for line in lines] == ["ssa", "captem", "prrt"]
    assert lines[0] == {
        "regimen": "ssa",
        "best_response": None,
        "progressed": True,
        "months_to_progression": 7.0,
        "progressed_off_treatment": True,
    }
    assert lines[1]["progressed"] is True  # implied by the progression date
    assert lines[1]["months_to_progression"] == 11.0
    assert lines[2]["progressed"] is None and lines[2]["months_to_progression"] is None


@pytest.mark.parametrize("spec", DEMO_CASES, ids=lambda spec: spec.vignette)
def test_demo_case_facts_equal_their_vignette_and_validate(spec):
    seed_demo_cases(UserFactory(username="clinician"))
    case = with_record(Case.objects.filter(patient__mrn=spec.mrn)).get()
    vignette = json.loads((VIGNETTES / f"{spec.vignette}.json").read_text())
    data = facts_dict_for_case(case)
    assert list(Draft202012Validator(SCHEMA).iter_errors(data)) == []
    assert facts_for_case(case) == parse_facts(vignette["facts"])


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (Case.objects.count(), Case.objects.values("patient").distinct().count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (Case.objects.count(), Case.objects.values("patient").distinct().count()) == counts == (12, 12)


def test_case_facts_command_prints_the_contract_json(capsys):
    seed_demo_cases(UserFactory(username="clinician"))
    case = Case.objects.get(patient__mrn="DEMO-0007")
    call_command("case_facts", str(case.pk))
    printed = json.loads(capsys.readouterr().out)
    assert printed["primary_site"] == "pancreas"
    assert printed["prior_systemic_therapy"][0]["months_to_progression"] == 4.0


def test_facts_of_many_cases_take_a_fixed_number_of_queries(django_assert_num_queries):
    for _ in range(5):
        case = CaseFactory()
        PathologyReportFactory(case=case)
        StagingAssessmentFactory(case=case)
        ImagingStudyFactory(case=case, metastatic_sites=["liver"])
        TreatmentLineFactory(case=case)
    with django_assert_num_queries(8):
        for case in with_record(Case.objects.all()):
            facts_for_case(case)
