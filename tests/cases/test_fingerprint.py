"""A case's fingerprint: one query, changed by every edit of what its pages show and by no other case's."""

import datetime

import pytest

from cases import pathway as case_pathway
from cases.facts import with_record
from cases.fingerprint import cached_pathway_for_case, case_fingerprint
from cases.models import Case
from tests.factories import (
    CaseFactory,
    ImagingStudyFactory,
    PathologyReportFactory,
    StagingAssessmentFactory,
    UserFactory,
)
from tests.meetings.factories import AgendaItemFactory, DecisionFactory

pytestmark = pytest.mark.django_db


def digest(case: Case) -> str:
    fingerprint = case_fingerprint(case.pk)
    assert fingerprint is not None
    assert (fingerprint.case_id, fingerprint.patient_id) == (case.pk, case.patient_id)
    return fingerprint.digest


def test_the_fingerprint_is_one_query_and_none_for_no_case(django_assert_num_queries):
    case = CaseFactory()
    PathologyReportFactory(case=case)
    with django_assert_num_queries(1):
        assert case_fingerprint(case.pk) is not None
    with django_assert_num_queries(1):
        assert case_fingerprint(case.pk + 1000) is None


def add_finding(case: Case) -> None:
    ImagingStudyFactory(case=case)


def change_finding(case: Case) -> None:
    report = case.pathology_reports.get()
    report.ki67_percent = 70
    report.save()


def remove_finding(case: Case) -> None:
    case.pathology_reports.get().delete()


def change_case(case: Case) -> None:
    case.board_question = "Another question?"
    case.save()


def change_patient(case: Case) -> None:
    case.patient.family_name = "Other"
    case.patient.save()


def decide(case: Case) -> None:
    DecisionFactory(agenda_item=AgendaItemFactory(case=case))


def change_decision(case: Case) -> None:
    decision = DecisionFactory._meta.model.objects.get(agenda_item__case=case)
    decision.plan = "Another plan."
    decision.save()


def rename_clinician(case: Case) -> None:
    clinician = case.responsible_clinician
    clinician.last_name = "Renamed"
    clinician.save()


@pytest.mark.parametrize(
    "edit",
    [add_finding, change_finding, remove_finding, change_case, change_patient, rename_clinician, decide],
)
def test_every_edit_changes_the_cases_fingerprint_and_no_other(edit):
    case, other = CaseFactory(responsible_clinician=UserFactory()), CaseFactory()
    PathologyReportFactory(case=case)
    before, unchanged = digest(case), digest(other)
    edit(Case.objects.get(pk=case.pk))
    assert digest(case) != before
    assert digest(other) == unchanged


def move_meeting(case: Case) -> None:
    meeting = DecisionFactory._meta.model.objects.get(agenda_item__case=case).agenda_item.meeting
    meeting.starts_at += datetime.timedelta(days=7)
    meeting.save()


@pytest.mark.parametrize("edit", [change_decision, move_meeting])
def test_a_corrected_decision_or_its_moved_meeting_changes_the_fingerprint(edit):
    case = CaseFactory()
    decide(case)
    before = digest(case)
    edit(case)
    assert digest(case) != before


def test_the_engine_runs_once_per_facts(monkeypatch):
    runs = []
    build = case_pathway.build_pathway
    monkeypatch.setattr(case_pathway, "build_pathway", lambda facts: runs.append(facts) or build(facts))
    case = CaseFactory()
    PathologyReportFactory(case=case)
    ImagingStudyFactory(case=case, modality="ct", metastatic_sites=["liver"])
    StagingAssessmentFactory(case=case, extent="metastatic")

    def loaded() -> Case:
        return with_record(Case.objects.filter(pk=case.pk)).get()

    first = cached_pathway_for_case(loaded())
    assert cached_pathway_for_case(loaded()) == first
    assert len(runs) == 1
    change_finding(case)
    changed = cached_pathway_for_case(loaded())
    assert len(runs) == 2
    assert changed.facts["ki67_percent"] == 70 != first.facts["ki67_percent"]
