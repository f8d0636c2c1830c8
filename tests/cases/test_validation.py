"""Every range and cross-field rule of the record refuses bad input with a message naming the field."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import (
    CaseFactory,
    ClinicalStatusFactory,
    ImagingStudyFactory,
    MolecularResultFactory,
    PathologyReportFactory,
    PatientFactory,
    ResectionFactory,
    StagingAssessmentFactory,
    TreatmentLineFactory,
)

pytestmark = pytest.mark.django_db
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def errors_of(record) -> dict[str, list[str]]:
    """The field errors full_clean reports (empty when the record is valid)."""
    try:
        record.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ki67_percent", Decimal("140"), "less than or equal to 100"),
        ("ki67_percent", Decimal("-1"), "greater than or equal to 0"),
        ("mitoses_per_2mm2", Decimal("-0.5"), "greater than or equal to 0"),
        ("specimen_date", TOMORROW, "in the future"),
    ],
)
def test_pathology_ranges(field, value, message):
    report = PathologyReportFactory.build(case=CaseFactory(), **{field: value})
    problems = errors_of(report)
    assert list(problems) == [field]
    assert message in problems[field][0]


def test_pathology_valid_record_passes():
    assert errors_of(PathologyReportFactory.build(case=CaseFactory())) == {}


def test_small_cell_morphology_needs_poor_differentiation():
    report = PathologyReportFactory.build(case=CaseFactory(), differentiation="well", morphology="small_cell")
    assert list(errors_of(report)) == ["morphology"]


def test_patient_birth_date_not_in_future_and_mrn_unique():
    PatientFactory(mrn="X-1")
    problems = errors_of(PatientFactory.build(mrn="X-1", date_of_birth=TOMORROW))
    assert set(problems) == {"mrn", "date_of_birth"}


def test_tumour_size_must_be_positive():
    staging = StagingAssessmentFactory.build(case=CaseFactory(), tumor_size_cm=Decimal("0"))
    assert list(errors_of(staging)) == ["tumor_size_cm"]


@pytest.mark.parametrize("site", ["pancreas", "ovary"])
def test_figo_stage_only_for_a_cervical_primary(site):
    staging = StagingAssessmentFactory.build(
        case=CaseFactory(primary_site=site), extent="localized", figo_stage="IB1"
    )
    assert list(errors_of(staging)) == ["figo_stage"]


def test_figo_stage_accepted_for_cervix():
    staging = StagingAssessmentFactory.build(
        case=CaseFactory(primary_site="cervix"), extent="localized", figo_stage="IB1"
    )
    assert errors_of(staging) == {}


def test_figo_ivb_means_metastatic():
    staging = StagingAssessmentFactory.build(
        case=CaseFactory(primary_site="cervix"), extent="localized", figo_stage="IVB"
    )
    assert list(errors_of(staging)) == ["figo_stage"]


def test_stromal_invasion_and_lvsi_only_for_gynecologic_primary():
    staging = StagingAssessmentFactory.build(
        case=CaseFactory(primary_site="colon"), extent="localized", deep_stromal_invasion=True, lvsi=False
    )
    assert set(errors_of(staging)) == {"deep_stromal_invasion", "lvsi"}


def test_pancreatic_location_only_for_pancreas():
    staging = StagingAssessmentFactory.build(
        case=CaseFactory(primary_site="stomach"), pancreatic_location="head"
    )
    assert list(errors_of(staging)) == ["pancreatic_location"]


def test_liver_dominance_only_when_metastatic():
    staging = StagingAssessmentFactory.build(case=CaseFactory(), extent="localized", liver_dominant=True)
    assert list(errors_of(staging)) == ["extent"]


def test_ecog_range():
    assert list(errors_of(ClinicalStatusFactory.build(case=CaseFactory(), ecog=5))) == ["ecog"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"modality": "ct", "sstr_uptake": "negative"}, "sstr_uptake"),
        ({"modality": "sstr_pet", "fdg_avidity": "positive"}, "fdg_avidity"),
        ({"modality": "ct", "performed": False, "metastatic_sites": ["liver"]}, "performed"),
        ({"modality": "ct", "metastatic_sites": ["moon"]}, "metastatic_sites"),
        ({"modality": "brain_mri", "brain_metastases_count": 2}, "brain_metastases_count"),
        ({"modality": "ct", "study_date": TOMORROW}, "study_date"),
    ],
)
def test_imaging_rules(overrides, field):
    assert field in errors_of(ImagingStudyFactory.build(case=CaseFactory(), **overrides))


def test_sequencing_alterations_need_sequencing():
    result = MolecularResultFactory.build(case=CaseFactory(), ngs="pending", ntrk_fusion=True)
    assert list(errors_of(result)) == ["ngs"]


def test_resection_needs_a_date_unless_not_resected():
    assert list(errors_of(ResectionFactory.build(case=CaseFactory(), resected_on=None, margin="R0"))) == [
        "resected_on"
    ]
    not_done = ResectionFactory.build(case=CaseFactory(), resected_on=None, margin="not_resected")
    assert errors_of(not_done) == {}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ended_on": datetime.date(2026, 1, 1)}, "ended_on"),
        ({"progression_date": datetime.date(2026, 1, 1)}, "progression_date"),
        ({"progressed": False, "progression_date": datetime.date(2026, 5, 1)}, "progressed"),
        ({"progressed": False, "progressed_during_break": True}, "progressed_during_break"),
        ({"cycles": 0}, "cycles"),
        ({"regimen": "magic"}, "regimen"),
        ({"started_on": TOMORROW}, "started_on"),
    ],
)
def test_treatment_line_rules(overrides, field):
    line = TreatmentLineFactory.build(case=CaseFactory(), **overrides)
    assert field in errors_of(line)
