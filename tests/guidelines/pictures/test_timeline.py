"""The treatment timeline: well-formed, escaped SVG of the record's dates, and its layout."""

import datetime
from xml.etree import ElementTree

import pytest

from cases.facts import with_record
from cases.models import Case
from guidelines.pictures import treatment_timeline_svg
from guidelines.pictures.timeline import (
    GUTTER,
    WIDTH,
    Chronology,
    Event,
    Scale,
    Therapy,
    month_ticks,
    timeline,
)
from tests.factories import CaseFactory, ImagingStudyFactory, ResectionFactory, TreatmentLineFactory

SVG = "{http://www.w3.org/2000/svg}"
TODAY = datetime.date(2026, 11, 21)


def loaded(case: Case) -> Case:
    return with_record(Case.objects.filter(pk=case.pk)).get()


def parse(svg: str) -> ElementTree.Element:
    """Parse an SVG the app built; failing here means the markup is not well-formed."""
    return ElementTree.fromstring(svg)  # noqa: S314 (our own output, not untrusted input)


@pytest.mark.django_db
def test_timeline_draws_lines_progression_resection_and_imaging(demo_cases):
    svg = treatment_timeline_svg(loaded(demo_cases["P09"]), today=datetime.date(2026, 11, 21))
    root = parse(svg)
    titles = [title.text for title in root.iter(f"{SVG}title")]
    assert "Line 1: Somatostatin analog, 4 Nov 2024 – 5 Jun 2025" in titles
    assert "Progression on line 2: 17 May 2026" in titles
    assert any(title.startswith("CT (multiphase, contrast) 28 Sep 2026") for title in titles)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "pw-timeline-title pw-timeline-desc"


@pytest.mark.django_db
def test_timeline_shows_an_ongoing_line_and_a_resection():
    case = CaseFactory()
    ResectionFactory(case=case, resected_on=datetime.date(2026, 2, 1), margin="R0")
    TreatmentLineFactory(case=case, started_on=datetime.date(2026, 3, 1))
    ImagingStudyFactory(case=case, study_date=datetime.date(2026, 1, 5), performed=False)
    svg = treatment_timeline_svg(loaded(case), today=datetime.date(2026, 11, 21))
    assert "Capecitabine + temozolomide (CAPTEM) (ongoing)" in svg
    assert "Resection R0" in svg
    assert ">CT<" not in svg  # a study that was not done is not drawn


@pytest.mark.django_db
def test_timeline_of_an_empty_record_is_empty():
    assert treatment_timeline_svg(loaded(CaseFactory())) == ""


@pytest.mark.django_db
def test_timeline_escapes_record_text():
    case = CaseFactory()
    TreatmentLineFactory(
        case=case, regimen='<script>alert("x")</script>', started_on=datetime.date(2026, 3, 1)
    )
    svg = treatment_timeline_svg(loaded(case), today=datetime.date(2026, 11, 21))
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg
    parse(svg)


@pytest.mark.django_db
def test_timeline_says_what_it_shows_in_its_title_and_description():
    case = CaseFactory()
    TreatmentLineFactory(
        case=case, started_on=datetime.date(2026, 3, 1), progression_date=datetime.date(2026, 9, 2)
    )
    root = parse(treatment_timeline_svg(loaded(case), today=TODAY))
    assert root.find(f"{SVG}title").text == "Treatment timeline"
    assert root.find(f"{SVG}desc").text == (
        "Treatment timeline: line 1 Capecitabine + temozolomide (CAPTEM) from 1 Mar 2026,"
        " progression 2 Sep 2026."
    )


# --- layout, without a template or a database ------------------------------------------------


def test_a_chronology_without_dates_draws_nothing():
    assert timeline(Chronology(), TODAY) is None


def test_the_scale_maps_the_first_and_last_day_to_the_plot_edges():
    scale = Scale(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), 96, 796)
    assert scale.x(datetime.date(2026, 1, 1)) == 96 and scale.x(datetime.date(2026, 12, 31)) == 796
    assert Scale(TODAY, TODAY, 0, 10).x(TODAY) == 0  # an empty span does not divide by zero


def test_month_ticks_thin_out_as_the_span_grows():
    ticks, label = month_ticks(datetime.date(2026, 1, 15), datetime.date(2026, 6, 20))
    assert ticks == [datetime.date(2026, month, 1) for month in (2, 3, 4, 5, 6)] and label == "M Y"
    ticks, label = month_ticks(datetime.date(2020, 1, 1), datetime.date(2026, 1, 1))
    assert ticks == [datetime.date(year, 1, 1) for year in range(2020, 2027)] and label == "Y"


def test_rows_come_in_order_pathology_imaging_surgery_then_lines():
    day = datetime.date(2026, 3, 1)
    chronology = Chronology(
        pathology=(Event(day, "Biopsy", "Pathology"),),
        resections=(Event(day, "Resection R0", "Resection"),),
        lines=(Therapy("CAPTEM", day), Therapy("FOLFOX", day)),
    )
    drawing = timeline(chronology, TODAY)
    assert [row.content for row in drawing.row_labels] == ["Pathology", "Surgery", "Line 1", "Line 2"]
    assert [row.y for row in drawing.row_labels] == [42, 78, 114, 150]  # 36 apart
    assert drawing.axis_y == 14 + 4 * 36 and drawing.height == 20 + 4 * 36 + 30 + 24 + 10
    assert [marker.shape for marker, _ in drawing.markers] == ["square", "triangle"]


def test_crowded_marker_labels_alternate_above_and_below():
    days = [datetime.date(2026, 3, day) for day in (1, 2, 3)]
    chronology = Chronology(imaging=tuple(Event(day, "SSTR PET", f"PET {day}") for day in days))
    drawing = timeline(chronology, TODAY)
    marker_y = drawing.markers[0][0].y
    assert [label.y - marker_y for _, label in drawing.markers] == [-10, 17, -10]


def test_an_ongoing_line_is_faded_and_runs_to_today():
    chronology = Chronology(lines=(Therapy("CAPTEM", datetime.date(2026, 3, 1), ongoing=True),))
    drawing = timeline(chronology, TODAY)
    (bar,) = drawing.bars
    assert bar.opacity == "0.55" and bar.x + bar.width == pytest.approx(drawing.today_x)
    assert bar.label.content == "CAPTEM (ongoing)" and bar.progression is None
    assert bar.tooltip == "Line 1: CAPTEM, 1 Mar 2026 – ongoing"


def test_a_progression_is_a_diamond_and_ends_the_bar():
    line = Therapy("FOLFOX", datetime.date(2025, 1, 1), progression_date=datetime.date(2025, 8, 1))
    (bar,) = timeline(Chronology(lines=(line,)), TODAY).bars
    assert bar.opacity == "1" and bar.progression.shape == "diamond"
    assert bar.progression.x == pytest.approx(bar.x + bar.width)
    assert bar.progression.tooltip == "Progression on line 1: 1 Aug 2025"


def test_a_label_that_would_leave_the_plot_ends_at_its_right_edge():
    late = Therapy("A regimen with a very long name indeed", TODAY - datetime.timedelta(days=3), ongoing=True)
    (bar,) = timeline(Chronology(lines=(late,)), TODAY).bars
    assert bar.label_at_end and bar.label.x == WIDTH - 24
    early = Therapy("CAPTEM", TODAY - datetime.timedelta(days=300), ongoing=True)
    (bar,) = timeline(Chronology(lines=(early,)), TODAY).bars
    assert not bar.label_at_end and bar.label.x == bar.x


def test_the_legend_names_the_four_markers_from_the_gutter():
    drawing = timeline(Chronology(lines=(Therapy("CAPTEM", datetime.date(2026, 3, 1)),)), TODAY)
    assert [(marker.shape, label.content) for marker, label in drawing.legend] == [
        ("square", "pathology"),
        ("circle", "imaging"),
        ("triangle", "resection"),
        ("diamond", "progression"),
    ]
    assert drawing.legend[0][0].x == GUTTER and drawing.legend[0][1].y == drawing.axis_y + 36
