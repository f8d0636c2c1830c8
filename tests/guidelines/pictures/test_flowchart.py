"""The SVG pictures: well-formed, escaped, and the case's route highlighted."""

import datetime
from xml.etree import ElementTree

import pytest

from cases.facts import with_record
from cases.models import Case
from cases.pathway import pathway_for_case
from cases.pictures import Route, decision_flowchart_svg, treatment_timeline_svg
from tests.factories import CaseFactory, ImagingStudyFactory, ResectionFactory, TreatmentLineFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def loaded(case: Case) -> Case:
    return with_record(Case.objects.filter(pk=case.pk)).get()


def parse(svg: str) -> ElementTree.Element:
    """Parse an SVG the app built; failing here means the markup is not well-formed."""
    return ElementTree.fromstring(svg)  # noqa: S314 (our own output, not untrusted input)


def chosen_labels(svg: str) -> list[str]:
    """Labels drawn in bold: the branches on the case's route."""
    root = parse(svg)
    return [
        text.text
        for text in root.iter(f"{SVG}text")
        if text.get("font-weight") == "bold" and text.get("y") != "14"
    ]


def test_flowchart_highlights_the_route_of_a_second_line_nec(demo_cases):
    result = pathway_for_case(loaded(demo_cases["P07"]))
    route = Route.of(result.facts, result.pathway)
    svg = decision_flowchart_svg(route)
    assert chosen_labels(svg) == [
        "Poor",
        "NEC",
        "Metastatic",
        "Pancreatic",
        "After progression",
        "Recommended (4)",
        "Consider (4)",
        "Not recommended (10)",
    ]
    assert "choosing line 2" in svg
    assert route.text.startswith("Poor → NEC → Metastatic → Pancreatic → After progression")


def test_flowchart_skips_stages_for_a_tumour_that_is_not_high_grade(demo_cases):
    result = pathway_for_case(loaded(demo_cases["P10"]))
    route = Route.of(result.facts, result.pathway)
    assert [stage.title for stage in route.stages if stage.skipped] == [
        "Extent",
        "Site group",
        "Decision point",
    ]
    assert route.text == "Well → Not high grade → Recommended (2)"
    assert decision_flowchart_svg(route).count("not used") == 3


def test_flowchart_of_an_incomplete_record_marks_what_is_missing():
    case = CaseFactory(primary_site="cervix")
    result = pathway_for_case(loaded(case))
    svg = decision_flowchart_svg(Route.of(result.facts, result.pathway))
    captions = [text.text for text in parse(svg).iter(f"{SVG}text")]
    assert chosen_labels(svg) == ["Gynecologic"]
    assert captions.count("not recorded") == 2 and captions.count("not computed") == 3


def test_timeline_draws_lines_progression_resection_and_imaging(demo_cases):
    svg = treatment_timeline_svg(loaded(demo_cases["P09"]), today=datetime.date(2026, 11, 21))
    root = parse(svg)
    titles = [title.text for title in root.iter(f"{SVG}title")]
    assert "Line 1: Somatostatin analog, 4 Nov 2024 – 5 Jun 2025" in titles
    assert "Progression on line 2: 17 May 2026" in titles
    assert any(title.startswith("CT (multiphase, contrast) 28 Sep 2026") for title in titles)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "pw-timeline-title pw-timeline-desc"


def test_timeline_shows_an_ongoing_line_and_a_resection():
    case = CaseFactory()
    ResectionFactory(case=case, resected_on=datetime.date(2026, 2, 1), margin="R0")
    TreatmentLineFactory(case=case, started_on=datetime.date(2026, 3, 1))
    ImagingStudyFactory(case=case, study_date=datetime.date(2026, 1, 5), performed=False)
    svg = treatment_timeline_svg(loaded(case), today=datetime.date(2026, 11, 21))
    assert "Capecitabine + temozolomide (CAPTEM) (ongoing)" in svg
    assert "Resection R0" in svg
    assert ">CT<" not in svg  # a study that was not done is not drawn


def test_timeline_of_an_empty_record_is_empty():
    assert treatment_timeline_svg(loaded(CaseFactory())) == ""


def test_timeline_escapes_record_text():
    case = CaseFactory()
    TreatmentLineFactory(
        case=case, regimen='<script>alert("x")</script>', started_on=datetime.date(2026, 3, 1)
    )
    svg = treatment_timeline_svg(loaded(case), today=datetime.date(2026, 11, 21))
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg
    parse(svg)
