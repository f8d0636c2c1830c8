"""Writes to the record: keyword-only functions on plain data; a step's save is checked by the engine."""

import datetime
import inspect
from decimal import Decimal

import pytest

from cases import services
from cases.facts import with_record
from cases.models import Case, TreatmentLine, WorkupDraft
from cases.workup import RecordEdit, StepEdits
from tests.factories import (
    CaseFactory,
    ImagingStudyFactory,
    PathologyReportFactory,
    StagingAssessmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_every_service_takes_keyword_arguments_only():
    public = [
        function
        for name, function in inspect.getmembers(services, inspect.isfunction)
        if function.__module__ == services.__name__ and not name.startswith("_")
    ]
    assert public
    for function in public:
        kinds = {parameter.kind for parameter in inspect.signature(function).parameters.values()}
        assert kinds <= {inspect.Parameter.KEYWORD_ONLY}, function.__name__


@pytest.fixture
def case():
    case = CaseFactory(primary_site="colon")
    PathologyReportFactory(case=case, differentiation="poor", morphology="small_cell", ki67_percent=80)
    ImagingStudyFactory(case=case, modality="ct", metastatic_sites=["liver"])
    StagingAssessmentFactory(case=case, extent="metastatic")
    return with_record(Case.objects.filter(pk=case.pk)).get()


def test_save_step_writes_the_records_forgets_the_draft_and_returns_the_pathway_as_saved(case):
    user = UserFactory(username="clinician")
    services.save_draft(user=user, case=case, step="pathology", data={"ki67_percent": ["45"]})
    report = case.pathology_reports.get()
    report.ki67_percent = Decimal("45")
    saved = services.save_step(
        user=user, case=case, step="pathology", edits=StepEdits((RecordEdit(report, report.version),))
    )
    assert saved.facts["ki67_percent"] == 45
    assert saved.pathway is not None
    assert case.pathology_reports.get().updated_by == user
    assert not WorkupDraft.objects.filter(case=case).exists()


def test_save_step_into_a_contradiction_on_its_step_writes_nothing(case):
    user = UserFactory(username="clinician")
    staging = case.staging_assessments.get()
    staging.extent = "localized"
    with pytest.raises(services.RefusedSave) as refused:
        services.save_step(
            user=user, case=case, step="staging", edits=StepEdits((RecordEdit(staging, staging.version),))
        )
    assert [item.step for item in refused.value.refusals.contradictions] == ["staging"]
    assert case.staging_assessments.get().extent == "metastatic"


def test_save_step_refuses_more_lines_of_therapy_than_the_contract_takes(case):
    user = UserFactory(username="clinician")
    lines = tuple(
        RecordEdit(
            TreatmentLine(
                regimen="captem", started_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=day)
            ),
            None,
        )
        for day in range(31)
    )
    with pytest.raises(services.RefusedSave) as refused:
        services.save_step(user=user, case=case, step="treatment", edits=StepEdits(lines))
    assert [item.message for item in refused.value.refusals.invalid] == [
        "prior_systemic_therapy: 31 lines given; at most 30 are accepted"
    ]
    assert not TreatmentLine.objects.filter(case=case).exists()


def test_a_stale_record_is_refused_naming_the_record(case):
    user = UserFactory(username="clinician")
    report = case.pathology_reports.get()
    with pytest.raises(services.StaleEdit) as stale:
        services.save_step(
            user=user, case=case, step="pathology", edits=StepEdits((RecordEdit(report, report.version - 1),))
        )
    assert (stale.value.record, stale.value.current_version) == (report, report.version)
