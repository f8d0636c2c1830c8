"""The step registry: each finding kind has a step; each step loads its forms and says what saving writes."""

import datetime

import pytest
from django.http import QueryDict

from cases.facts import with_record
from cases.forms import CaseRowsFormSet
from cases.models import FINDING_MODELS, Case
from cases.pathway import pathway_for_case, pathway_for_facts
from cases.workup import STEP_BY_SLUG, STEPS, invalid_items, progress, readiness_gaps, step_refusals
from tests.factories import (
    CaseFactory,
    ImagingStudyFactory,
    PathologyReportFactory,
    StagingAssessmentFactory,
    TreatmentLineFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NO_QUERY = QueryDict()


def loaded(case: Case) -> Case:
    return with_record(Case.objects.filter(pk=case.pk)).get()


def edited_models(forms) -> set[type]:
    """The models a step's forms edit (a formset's model, a form's model)."""
    return {
        section.form.model if isinstance(section.form, CaseRowsFormSet) else section.form._meta.model
        for section in forms.sections
    }


def test_every_kind_of_finding_is_entered_on_exactly_one_step():
    case = loaded(CaseFactory())
    user = UserFactory(username="clinician")
    edited = [
        model
        for step in STEPS
        if step.entry is not None and step.slug != "patient"
        for model in edited_models(step.entry.load(case=case, data=None, query=NO_QUERY, user=user))
    ]
    assert sorted(model.__name__ for model in edited) == sorted(model.__name__ for model in FINDING_MODELS)


def test_only_the_review_has_no_forms():
    assert [step.slug for step in STEPS if step.entry is None] == ["review"]
    assert STEP_BY_SLUG["review"].template == "cases/partials/review.html"


def test_a_single_record_step_writes_its_record_with_the_version_it_loaded():
    report = PathologyReportFactory(ki67_percent=30)
    case = loaded(report.case)
    entry = STEP_BY_SLUG["pathology"].entry
    data = QueryDict(mutable=True)
    data.update(
        {
            "specimen": "primary",
            "specimen_date": "2026-01-10",
            "differentiation": "well",
            "ki67_percent": "45",
            "loaded_version": str(report.version),
        }
    )
    forms = entry.load(case=case, data=data, query=NO_QUERY, user=UserFactory(username="clinician"))
    assert forms.is_valid(), forms["record"].errors
    edits = entry.edits(forms)
    assert [(edit.record.pk, edit.record.ki67_percent, edit.loaded_version) for edit in edits.saved] == [
        (report.pk, 45, report.version)
    ]
    assert edits.removed == ()
    # The prefetched record still shows what is saved: the form edits a copy.
    assert case.pathology_reports.get().ki67_percent == 30


def test_a_rows_step_lists_removed_rows_with_their_versions():
    study = ImagingStudyFactory(modality="ct")
    case = loaded(study.case)
    entry = STEP_BY_SLUG["imaging"].entry
    data = QueryDict(mutable=True)
    data.update(
        {
            "studies-TOTAL_FORMS": "1",
            "studies-INITIAL_FORMS": "1",
            "studies-0-id": str(study.pk),
            "studies-0-modality": "ct",
            "studies-0-study_date": "2026-01-05",
            "studies-0-performed": "on",
            "studies-0-loaded_version": str(study.version),
            "studies-0-DELETE": "on",
        }
    )
    forms = entry.load(case=case, data=data, query=NO_QUERY, user=UserFactory(username="clinician"))
    assert forms.is_valid()
    edits = entry.edits(forms)
    assert edits.saved == ()
    assert [(edit.record.pk, edit.loaded_version) for edit in edits.removed] == [(study.pk, study.version)]


def test_an_untouched_optional_resection_writes_nothing_but_the_lines_do():
    case = loaded(CaseFactory())
    entry = STEP_BY_SLUG["treatment"].entry
    data = QueryDict(mutable=True)
    data.update(
        {
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-regimen": "captem",
            "lines-0-started_on": "2026-02-15",
        }
    )
    forms = entry.load(case=case, data=data, query=NO_QUERY, user=UserFactory(username="clinician"))
    assert forms.is_valid()
    saved = entry.edits(forms).saved
    assert [(type(edit.record).__name__, edit.loaded_version) for edit in saved] == [("TreatmentLine", None)]


def test_progress_asks_each_step_whether_it_is_done():
    case = CaseFactory()
    PathologyReportFactory(case=case, ki67_percent=None, mitoses_per_2mm2=None)
    StagingAssessmentFactory(case=case)
    states = {item.step.slug: item.state for item in progress(loaded(case), "staging", {"clinical"}, set())}
    assert states == {
        "patient": "complete",
        "pathology": "incomplete",  # a report without Ki-67 or mitoses does not grade the tumour
        "imaging": "incomplete",
        "molecular": "incomplete",
        "staging": "complete",
        "clinical": "draft",
        "treatment": "incomplete",
        "review": "incomplete",
    }


def test_facts_outside_the_contract_are_refused_on_the_step_of_their_field():
    case = CaseFactory()
    PathologyReportFactory(case=case)
    StagingAssessmentFactory(case=case)
    for day in range(31):
        TreatmentLineFactory(case=case, started_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=day))
    result = pathway_for_case(loaded(case))
    assert result.pathway is None and result.conflicts == ()
    assert [item.step for item in invalid_items(result)] == ["treatment"]
    assert step_refusals(result, "treatment").invalid == invalid_items(result)
    assert not step_refusals(result, "pathology")
    assert "Not valid engine input: prior_systemic_therapy: 31 lines given; at most 30 are accepted" in [
        gap.label for gap in readiness_gaps(result, case)
    ]


def test_a_contradiction_is_a_refusal_of_the_later_step_only():
    facts = {
        **pathway_for_case(loaded(CaseFactory(primary_site="colon"))).facts,
        "differentiation": "poor",
        "extent": "localized",
        "metastatic_sites": ["liver"],
    }
    result = pathway_for_facts(facts)
    assert [item.fields for item in step_refusals(result, "staging").contradictions] == [
        ("extent", "metastatic_sites")
    ]
    assert not step_refusals(result, "imaging")
