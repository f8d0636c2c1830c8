"""A case's pathway: its facts built once from the record, always validated by the engine before it runs."""

from decimal import Decimal

import pytest

import cases.pathway
from cases.facts import with_record
from cases.models import Case, PathologyReport
from cases.pathway import pathway_for_case
from tests.factories import CaseFactory, PathologyReportFactory, StagingAssessmentFactory

pytestmark = pytest.mark.django_db


def loaded(case: Case) -> Case:
    return with_record(Case.objects.filter(pk=case.pk)).get()


def test_the_facts_are_built_once_per_pathway(monkeypatch):
    case = CaseFactory()
    PathologyReportFactory(case=case)
    StagingAssessmentFactory(case=case)
    calls = []
    build = cases.pathway.facts_dict_for_case

    def counted(record):
        calls.append(record.pk)
        return build(record)

    monkeypatch.setattr(cases.pathway, "facts_dict_for_case", counted)
    result = pathway_for_case(loaded(case))
    assert result.complete
    assert calls == [case.pk]


def test_a_stored_value_the_contract_refuses_gives_no_pathway_but_the_problem():
    """A Ki-67 of 150 % written around the forms (a bulk update) never reaches the engine unchecked."""
    case = CaseFactory()
    PathologyReportFactory(case=case)
    StagingAssessmentFactory(case=case)
    PathologyReport.objects.filter(case=case).update(ki67_percent=Decimal("150"))
    result = pathway_for_case(loaded(case))
    assert (result.pathway, result.missing, result.conflicts) == (None, [], ())
    assert [problem.split(":")[0] for problem in result.problems] == ["ki67_percent"]
    assert not result.complete


def test_missing_required_facts_are_named_with_their_steps():
    result = pathway_for_case(loaded(CaseFactory()))
    assert [(item.field, item.step) for item in result.missing] == [
        ("differentiation", "pathology"),
        ("extent", "staging"),
    ]
    assert result.pathway is None and result.problems == ()
