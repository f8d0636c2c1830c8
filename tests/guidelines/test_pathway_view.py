"""The pathway view model: typed fields for the page, the PDF and present mode, from one engine run."""

import datetime

import pytest
from django.http import Http404
from django.utils import timezone

from cases.models import Case
from guidelines.classification_view import Flag
from guidelines.gaps import FactWarning
from guidelines.items import StatusCounts, WorkupStates
from guidelines.pathway_view import age_on, pathway_case, pathway_view
from tests.factories import (
    CaseFactory,
    ImagingStudyFactory,
    PathologyReportFactory,
    PatientFactory,
    StagingAssessmentFactory,
    UserFactory,
)
from tests.guidelines.conftest import view_of

pytestmark = pytest.mark.django_db
D = datetime.date


def test_counts_and_workup_states_are_numbers_per_status(demo_cases, user):
    plan = view_of(demo_cases["P12"].pk, user).plan
    # The same numbers as the page's checklist line "3 done · 4 outstanding · 2 unknown".
    assert plan.items.workup_states == WorkupStates(done=3, outstanding=4, unknown=2)
    assert len(plan.items.workup) == 9
    statuses = [item.status for item in plan.pathway.recommendations]
    assert plan.items.counts == StatusCounts(
        recommended=statuses.count("recommended"),
        consider=statuses.count("consider"),
        not_recommended=statuses.count("not_recommended"),
    )
    # Advice against is its own group, except within a special topic (brain, cardiac, hereditary).
    special = [item.status for group in plan.items.special_groups for item in group.items]
    against = len(plan.items.not_recommended) + special.count("not_recommended")
    assert plan.items.counts.not_recommended == against


def test_offered_groups_are_the_options_then_the_special_topics(demo_cases, user):
    items = view_of(demo_cases["P12"].pk, user).plan.items
    assert [group.key for group in items.offered_groups] == [
        *(group.key for group in items.option_groups),
        *(group.key for group in items.special_groups),
    ]
    assert {"brain", "cardiac", "hereditary"} <= {group.key for group in items.special_groups}
    assert all(group.items for group in items.offered_groups)
    options = [item for group in items.option_groups for item in group.items]
    assert options and all(item.status != "not_recommended" for item in options)


def test_a_case_without_required_facts_has_no_plan_and_says_what_is_missing(user):
    view = view_of(CaseFactory().pk, user)
    assert view.plan is None
    assert [(item.field, item.step, item.required) for item in view.missing] == [
        ("differentiation", "pathology", True),
        ("extent", "staging", True),
    ]
    assert view.missing[1].step_label == "Extent and staging"
    assert view.contradictions == () and view.fact_warnings == ()
    assert view.facts_table[0].label == "Primary site" and view.facts_table[0].value == "Pancreas"


def test_classification_flags_are_typed_with_their_warning(user):
    case = CaseFactory(primary_site="pancreas")
    PathologyReportFactory(
        case=case, differentiation="well", ki67_percent=40, p53_ihc="aberrant", rb_ihc="lost"
    )
    StagingAssessmentFactory(case=case, extent="metastatic")
    classification = view_of(case.pk, user).plan.classification
    assert Flag("discordant", "Discordant findings", is_warning=True) in classification.flags
    assert classification.reasons[1] == "Ki-67 40%: high grade by Ki-67 (> 20)"


def test_an_unusual_combination_is_a_fact_warning_with_its_step(user):
    case = CaseFactory(primary_site="pancreas")
    PathologyReportFactory(case=case, differentiation="well", ki67_percent=30)
    ImagingStudyFactory(case=case, modality="ct", performed=True, metastatic_sites=["bone"])
    StagingAssessmentFactory(case=case, extent="metastatic", liver_dominant=True)
    view = view_of(case.pk, user)
    assert view.plan is not None
    [warning] = view.fact_warnings
    assert isinstance(warning, FactWarning)
    assert "liver_dominant: true with metastatic_sites: bone" in warning.message
    assert (warning.step, warning.step_label) == ("staging", "Extent and staging")


def test_the_agendas_question_replaces_the_cases_own_in_memory_only(user):
    case = CaseFactory(board_question="Surgery or not?")
    view = pathway_view(
        pathway_case(case.pk),
        user=user,
        today=timezone.localdate(),
        now=timezone.localtime(),
        board_question="Trial?",
    )
    assert view.board_question == "Trial?"
    assert view.case.board_question == "Surgery or not?"
    assert Case.objects.get(pk=case.pk).board_question == "Surgery or not?"
    assert view_of(case.pk, user).board_question == "Surgery or not?"


def test_file_name_age_and_author(user):
    patient = PatientFactory(mrn="AB 12/3", date_of_birth=D(1955, 9, 14))
    author = UserFactory(username="dr-who", first_name="Ada", last_name="Lovelace")
    view = view_of(CaseFactory(patient=patient).pk, author, today=D(2026, 9, 13))
    assert view.pdf_filename == "pathway-AB_12_3-2026-09-13.pdf"
    assert view.age == 70
    assert view.generated_by == "Ada Lovelace"
    assert view_of(CaseFactory().pk, user).generated_by == user.username


def test_age_counts_completed_years():
    assert age_on(D(1955, 9, 14), D(2026, 9, 13)) == 70
    assert age_on(D(1955, 9, 14), D(2026, 9, 14)) == 71
    assert age_on(D(2000, 2, 29), D(2026, 2, 28)) == 25


def test_an_unknown_case_is_404():
    with pytest.raises(Http404):
        pathway_case(999_999)
