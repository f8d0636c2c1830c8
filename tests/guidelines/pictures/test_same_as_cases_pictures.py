"""Until cases.pictures is deleted: the templates draw exactly what its string builder drew."""

import datetime
from xml.etree import ElementTree

import pytest

import cases.pictures as old
import guidelines.pictures as new
from cases.facts import with_record
from cases.models import Case
from cases.pathway import pathway_for_case
from tests.factories import CaseFactory, ImagingStudyFactory, ResectionFactory, TreatmentLineFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 21)


def loaded(case: Case) -> Case:
    return with_record(Case.objects.filter(pk=case.pk)).get()


def structure(svg: str) -> tuple:
    """Tag, attributes, text and children of every element; whitespace between elements ignored."""

    def element(node: ElementTree.Element) -> tuple:
        text = node.text if node.text and node.text.strip() else None
        tail = node.tail if node.tail and node.tail.strip() else None
        return (node.tag, node.attrib, text, tail, [element(child) for child in node])

    return element(ElementTree.fromstring(svg))  # noqa: S314 (our own output, not untrusted input)


def cases(demo_cases) -> list:
    """The demo cases and three made here: incomplete, ongoing line with a resection, hostile text."""
    ongoing = CaseFactory()
    ResectionFactory(case=ongoing, resected_on=datetime.date(2026, 2, 1), margin="R0")
    TreatmentLineFactory(case=ongoing, started_on=datetime.date(2026, 3, 1))
    ImagingStudyFactory(case=ongoing, study_date=datetime.date(2026, 1, 5), performed=False)
    hostile = CaseFactory()
    TreatmentLineFactory(case=hostile, regimen='<script>"x"</script>', started_on=datetime.date(2026, 3, 1))
    return [*demo_cases.values(), CaseFactory(primary_site="cervix"), ongoing, hostile]


def test_the_flowchart_is_the_same_for_every_case(demo_cases):
    for case in cases(demo_cases):
        result = pathway_for_case(loaded(case))
        before = old.decision_flowchart_svg(old.Route.of(result.facts, result.pathway))
        after = new.decision_flowchart_svg(new.Route.of(result.facts, result.pathway))
        assert structure(after) == structure(before)
        assert after.replace("\n", "") == before  # the templates add only line breaks between elements


def test_the_timeline_is_the_same_for_every_case(demo_cases):
    for case in cases(demo_cases):
        before = old.treatment_timeline_svg(loaded(case), today=TODAY)
        after = new.treatment_timeline_svg(loaded(case), today=TODAY)
        assert (after == "") == (before == "")
        if before:
            assert structure(after) == structure(before)
            assert after.replace("\n", "") == before
