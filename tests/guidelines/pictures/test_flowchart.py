"""The decision flowchart: the case's route highlighted, well-formed SVG, and its layout."""

from xml.etree import ElementTree

import pytest

from cases.facts import with_record
from cases.models import Case
from cases.pathway import pathway_for_case
from guidelines.pictures import Route, Stage, decision_flowchart_svg
from guidelines.pictures.flowchart import BAND, BELOW, MIN_COLUMN, NODE_HEIGHT, TOP, flowchart
from guidelines.pictures.geometry import GREY_FILL, GREY_LINE, GREY_TEXT, NAVY, STATUS_COLOURS
from tests.factories import CaseFactory

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


@pytest.mark.django_db
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


@pytest.mark.django_db
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


@pytest.mark.django_db
def test_flowchart_of_an_incomplete_record_marks_what_is_missing():
    case = CaseFactory(primary_site="cervix")
    result = pathway_for_case(loaded(case))
    svg = decision_flowchart_svg(Route.of(result.facts, result.pathway))
    captions = [text.text for text in parse(svg).iter(f"{SVG}text")]
    assert chosen_labels(svg) == ["Gynecologic"]
    assert captions.count("not recorded") == 2 and captions.count("not computed") == 3


@pytest.mark.django_db
def test_flowchart_is_an_accessible_image_named_by_its_title_and_route(demo_cases):
    result = pathway_for_case(loaded(demo_cases["P07"]))
    route = Route.of(result.facts, result.pathway)
    root = parse(decision_flowchart_svg(route))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "pw-route-title pw-route-desc"
    assert root.find(f"{SVG}title").text == "Decision route of the NANETS 2023 pathway"
    assert root.find(f"{SVG}desc").text == (
        f"Route for this case: {route.text}. Grey boxes are branches this case does not take."
    )


def test_flowchart_escapes_the_text_it_is_given():
    route = Route((Stage("Stage <1>", (("a", 'A & "B"'),), ("a",), caption="<script>x</script>"),))
    svg = decision_flowchart_svg(route)
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt;" in svg
    assert [text.text for text in parse(svg).iter(f"{SVG}text")] == [
        "Stage <1>",
        'A & "B"',
        "<script>x</script>",
    ]


# --- layout, without a template --------------------------------------------------------------

TWO_STAGES = Route(
    (
        Stage("First", (("a", "A"), ("b", "B")), ("a",), caption="because"),
        Stage("Second", (("c", "C"), ("d", "A much longer branch label")), ("d",)),
    )
)


def test_columns_run_left_to_right_as_wide_as_their_longest_label():
    first, second = flowchart(TWO_STAGES).columns
    assert first.branches[0].x == 8 and first.branches[0].width == MIN_COLUMN
    assert second.branches[0].x == 8 + MIN_COLUMN + 26
    assert second.branches[0].width > MIN_COLUMN  # "A much longer branch label" needs more
    assert first.title.x == 8 + MIN_COLUMN / 2  # titles, labels and captions are centred


def test_branches_of_a_short_stage_are_centred_in_the_band():
    four = flowchart(Route((Stage("Four", tuple((code, code) for code in "wxyz")),)))
    assert [branch.y for branch in four.columns[0].branches] == [TOP, TOP + 40, TOP + 80, TOP + 120]
    first, second = flowchart(TWO_STAGES).columns[0].branches
    assert (first.y + second.y + NODE_HEIGHT) / 2 == TOP + BAND / 2


def test_chosen_branches_are_filled_and_the_others_grey():
    first = flowchart(TWO_STAGES).columns[0].branches
    assert (first[0].fill, first[0].stroke, first[0].label.fill, first[0].chosen) == (
        NAVY,
        NAVY,
        "#ffffff",
        True,
    )
    assert (first[1].fill, first[1].stroke, first[1].chosen) == (GREY_FILL, GREY_LINE, False)
    options = flowchart(Route((Stage("Options", (("consider", "Consider (1)"),), ("consider",)),)))
    assert options.columns[0].branches[0].fill == STATUS_COLOURS["consider"][0]


def test_edges_go_from_the_chosen_branch_to_every_branch_of_the_next_stage_route_last():
    edges = flowchart(TWO_STAGES).edges
    first, second = flowchart(TWO_STAGES).columns
    assert [edge.on_route for edge in edges] == [False, True]
    grey, route = edges
    assert (route.x1, route.y1) == (8 + MIN_COLUMN, first.branches[0].y + NODE_HEIGHT / 2)
    assert (route.x2, route.y2) == (second.branches[1].x, second.branches[1].y + NODE_HEIGHT / 2)
    assert (route.stroke, route.stroke_width, grey.stroke, grey.stroke_width) == (NAVY, 2.5, GREY_LINE, 1)
    # Tip at the target's left edge (8 + 112 + 26) and middle (band top 26 + 40, second box 40 lower, + 15).
    assert route.arrowhead == "M140 117 L146 121 L140 125 Z"


def test_the_route_runs_below_skipped_stages_with_no_grey_branches():
    route = Route(
        (
            Stage("First", (("a", "A"),), ("a",)),
            Stage("Skipped", (("s", "S"),), skipped=True),
            Stage("Last", (("b", "B"), ("c", "C")), ("b",)),
        )
    )
    chart = flowchart(route)
    (edge,) = chart.edges
    assert edge.on_route and edge.below == BELOW
    assert f"L{edge.x2 - 28:g} {BELOW}" in edge.path
    skipped = chart.columns[1]
    assert [caption.content for caption in skipped.captions] == ["not used"]
    assert skipped.title.fill == GREY_TEXT


def test_captions_wrap_onto_two_lines_at_most():
    caption = "liver, bone, lung, peritoneum, lymph nodes, brain, adrenal"
    chart = flowchart(Route((Stage("Extent", (("m", "Metastatic"),), ("m",), caption=caption),)))
    lines = chart.columns[0].captions
    assert len(lines) == 2 and " ".join(line.content for line in lines) == caption
    assert lines[1].y - lines[0].y == 14 and lines[0].fill == NAVY
