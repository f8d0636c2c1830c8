"""The treatment timeline: therapy lines as bars; pathology, imaging, resections, progressions as markers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.template.loader import get_template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString

from cases.models import Case
from guidelines import codes
from guidelines.pictures.geometry import FONT, GREY_LINE, GREY_TEXT, INK, NAVY, Text, svg_number, text_width

TEMPLATE = "guidelines/pictures/timeline.svg"
WIDTH = 820
GUTTER = 96  # room for the row labels
RIGHT_MARGIN = 24
ROW_HEIGHT = 36
AXIS_HEIGHT = 30
SMALL_SIZE = 10  # marker labels, "today"
TEXT_SIZE = 10.5  # month labels, bar labels, legend
ROW_LABEL_SIZE = 11.5
PATHOLOGY_PURPLE = "#6f42c1"
IMAGING_BLUE = "#0d6efd"
PROGRESSION_RED = "#b02a37"
GRID_GREY = "#e9ecef"


def short_date(day: date) -> str:
    """A date as "2 Mar 2026"."""
    return format_date(day, "j M Y")


# --- what the record says, in dates ----------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """A dated record drawn as a marker: its date, the label beside it and its tooltip."""

    day: date
    label: str
    tooltip: str


@dataclass(frozen=True)
class Therapy:
    """One line of systemic therapy: its regimen, dates, and whether it is still going."""

    regimen: str
    started_on: date
    ended_on: date | None = None
    progression_date: date | None = None
    ongoing: bool = False

    def stop(self, today: date) -> date:
        """Where its bar ends: the end of the line, else progression, else today."""
        return self.ended_on or self.progression_date or today


@dataclass(frozen=True)
class Chronology:
    """A case's dated records, as plain data: what the timeline draws."""

    pathology: tuple[Event, ...] = ()
    imaging: tuple[Event, ...] = ()
    resections: tuple[Event, ...] = ()
    lines: tuple[Therapy, ...] = ()

    @classmethod
    def of(cls, case: Case) -> Chronology:
        """From the case's prefetched records (cases.facts.with_record); studies not done are left out."""
        lines = sorted(case.treatment_lines.all(), key=lambda line: (line.started_on, line.created_at))
        return cls(
            pathology=tuple(
                Event(
                    report.specimen_date,
                    report.get_specimen_display().split()[0],
                    f"Pathology ({report.get_specimen_display()}) {short_date(report.specimen_date)}",
                )
                for report in case.pathology_reports.all()
            ),
            imaging=tuple(
                Event(
                    study.study_date,
                    codes.MODALITY.short_labels.get(study.modality, study.modality),
                    f"{study.get_modality_display()} {short_date(study.study_date)}",
                )
                for study in case.imaging_studies.all()
                if study.performed and study.study_date  # a performed study has a date (ImagingStudy.clean)
            ),
            resections=tuple(
                Event(
                    resection.resected_on,
                    f"Resection {resection.margin}",
                    f"Resection {short_date(resection.resected_on)}, {resection.get_margin_display()}",
                )
                for resection in case.resections.all()
                if resection.resected_on
            ),
            lines=tuple(
                Therapy(
                    line.get_regimen_display(),
                    line.started_on,
                    line.ended_on,
                    line.progression_date,
                    ongoing=line.ended_on is None and not line.has_progressed,
                )
                for line in lines
            ),
        )

    @property
    def dates(self) -> list[date]:
        """Every date the timeline shows."""
        days = [line.started_on for line in self.lines]
        days += [day for line in self.lines for day in (line.ended_on, line.progression_date) if day]
        return days + [event.day for event in (*self.resections, *self.imaging, *self.pathology)]


# --- where it is drawn -----------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """Maps dates to x positions of the plot area."""

    start: date
    end: date
    left: float
    right: float

    def x(self, day: date) -> float:
        span = (self.end - self.start).days or 1
        return self.left + (day - self.start).days / span * (self.right - self.left)


@dataclass(frozen=True)
class Marker:
    """A small symbol with a tooltip: circle (imaging), triangle (resection), square (pathology), diamond."""

    shape: str
    x: float
    y: float
    colour: str
    tooltip: str

    @property
    def left(self) -> float:
        return self.x - 4.5  # of the 9-pixel square

    @property
    def top(self) -> float:
        return self.y - 4.5

    @property
    def path(self) -> str:
        """SVG path data of the triangle or the diamond."""
        n, x, y = svg_number, self.x, self.y
        if self.shape == "triangle":
            return f"M{n(x)} {n(y - 6)} L{n(x + 6)} {n(y + 5)} L{n(x - 6)} {n(y + 5)} Z"
        return f"M{n(x)} {n(y - 7)} L{n(x + 7)} {n(y)} L{n(x)} {n(y + 7)} L{n(x - 7)} {n(y)} Z"


@dataclass(frozen=True)
class Bar:
    """One line of therapy: its bar (faded while ongoing), its label and any progression."""

    x: float
    y: float
    width: float
    opacity: str
    tooltip: str
    label: Text
    label_at_end: bool  # the label ends at its x (it starts there otherwise)
    progression: Marker | None


@dataclass(frozen=True)
class TimelineDrawing:
    """The whole picture, in drawing order: grid and axis, today, rows of markers, bars, legend."""

    width: int
    height: int
    left: float
    right: float
    axis_y: float
    today_x: float
    today: Text  # ends at its x
    ticks: tuple[Text, ...]  # month labels (centred), each over its grid line
    row_labels: tuple[Text, ...]
    markers: tuple[tuple[Marker, Text], ...]  # with their labels (centred)
    bars: tuple[Bar, ...]
    legend: tuple[tuple[Marker, Text], ...]
    description: str
    grid_colour: str = GRID_GREY
    axis_colour: str = GREY_LINE
    today_colour: str = NAVY
    bar_colour: str = NAVY


def month_ticks(start: date, end: date) -> tuple[list[date], str]:
    """First days of months between start and end, spaced so the labels do not collide."""
    months = (end.year - start.year) * 12 + end.month - start.month
    step = 1 if months <= 8 else 3 if months <= 24 else 6 if months <= 60 else 12
    ticks = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        if date(year, month, 1) >= start and (month - 1) % step == 0:
            ticks.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ticks, ("M Y" if step < 12 else "Y")


def labelled_markers(
    events: tuple[Event, ...], shape: str, colour: str, y: float, scale: Scale
) -> list[tuple[Marker, Text]]:
    """Markers on one row with their labels, alternating above and below when they crowd."""
    parts = []
    last_end = {True: -1e9, False: -1e9}
    for event in sorted(events, key=lambda event: event.day):
        x = scale.x(event.day)
        half = text_width(event.label, SMALL_SIZE) / 2
        above = last_end[True] <= x - half or last_end[False] > x - half
        label_x = min(max(x, scale.left + half), scale.right - half)
        label = Text(label_x, y - 10 if above else y + 17, event.label, SMALL_SIZE, GREY_TEXT)
        parts.append((Marker(shape, x, y, colour, event.tooltip), label))
        last_end[above] = label_x + half + 4
    return parts


def bar(number: int, line: Therapy, y: float, scale: Scale, today: date) -> Bar:
    """The bar of line `number`, with its label inside the plot and its progression marker."""
    stop = line.stop(today)
    x1, x2 = scale.x(line.started_on), max(scale.x(stop), scale.x(line.started_on) + 4)
    span = f"{short_date(line.started_on)} – {'ongoing' if line.ongoing else short_date(stop)}"
    content = line.regimen + (" (ongoing)" if line.ongoing else "")
    label_at_end = x1 + text_width(content, TEXT_SIZE) > scale.right  # else it would leave the plot
    label = Text(scale.right if label_at_end else x1, y - 6, content, TEXT_SIZE)
    progression = None
    if line.progression_date:
        tooltip = f"Progression on line {number}: {short_date(line.progression_date)}"
        progression = Marker("diamond", scale.x(line.progression_date), y + 4, PROGRESSION_RED, tooltip)
    return Bar(
        x1,
        y - 2,
        x2 - x1,
        "0.55" if line.ongoing else "1",
        f"Line {number}: {line.regimen}, {span}",
        label,
        label_at_end,
        progression,
    )


def legend(y: float) -> tuple[tuple[Marker, Text], ...]:
    """What each marker means, in a row under the axis."""
    parts = []
    x: float = GUTTER
    for shape, colour, label in (
        ("square", PATHOLOGY_PURPLE, "pathology"),
        ("circle", IMAGING_BLUE, "imaging"),
        ("triangle", INK, "resection"),
        ("diamond", PROGRESSION_RED, "progression"),
    ):
        parts.append((Marker(shape, x, y - 4, colour, label), Text(x + 10, y, label, TEXT_SIZE, GREY_TEXT)))
        x += 26 + text_width(label, TEXT_SIZE)
    return tuple(parts)


def timeline(chronology: Chronology, today: date) -> TimelineDrawing | None:
    """The timeline of a chronology, or None when it holds no dated event."""
    dates = chronology.dates
    if not dates:
        return None
    start = min(dates) - timedelta(days=14)
    end = max([*dates, today]) + timedelta(days=21)
    if (end - start).days < 120:
        start = end - timedelta(days=120)
    rows: list[tuple[str, tuple[Event, ...], str, str]] = [  # (label, events, shape, colour)
        (label, events, shape, colour)
        for label, events, shape, colour in (
            ("Pathology", chronology.pathology, "square", PATHOLOGY_PURPLE),
            ("Imaging", chronology.imaging, "circle", IMAGING_BLUE),
            ("Surgery", chronology.resections, "triangle", INK),
        )
        if events
    ]
    row_count = len(rows) + len(chronology.lines)
    axis_y = 14 + row_count * ROW_HEIGHT
    row_y = [20 + index * ROW_HEIGHT + ROW_HEIGHT / 2 for index in range(row_count)]
    labels = [label for label, *_ in rows] + [
        f"Line {number}" for number in range(1, len(chronology.lines) + 1)
    ]
    scale = Scale(start, end, GUTTER, WIDTH - RIGHT_MARGIN)
    days, tick_format = month_ticks(start, end)
    ticks = tuple(
        Text(scale.x(day), axis_y + 16, format_date(day, tick_format), TEXT_SIZE, GREY_TEXT) for day in days
    )
    markers = [
        pair
        for y, (_, events, shape, colour) in zip(row_y, rows, strict=False)
        for pair in labelled_markers(events, shape, colour, y, scale)
    ]
    bars = tuple(
        bar(number, line, row_y[len(rows) + number - 1], scale, today)
        for number, line in enumerate(chronology.lines, 1)
    )
    description = "; ".join(
        f"line {number} {line.regimen} from {short_date(line.started_on)}"
        + (f", progression {short_date(line.progression_date)}" if line.progression_date else "")
        for number, line in enumerate(chronology.lines, 1)
    )
    today_x = scale.x(today)
    height = 20 + row_count * ROW_HEIGHT + AXIS_HEIGHT + 24
    return TimelineDrawing(
        width=WIDTH,
        height=height + 10,
        left=scale.left,
        right=scale.right,
        axis_y=axis_y,
        today_x=today_x,
        today=Text(today_x - 4, 16, "today", SMALL_SIZE, NAVY),
        ticks=ticks,
        row_labels=tuple(
            Text(8, y + 4, label, ROW_LABEL_SIZE, INK) for y, label in zip(row_y, labels, strict=True)
        ),
        markers=tuple(markers),
        bars=bars,
        legend=legend(axis_y + 36),
        description=description or "no systemic therapy recorded",
    )


def treatment_timeline_svg(case: Case, today: date | None = None) -> SafeString:
    """Lines of therapy as bars, with resections, imaging, pathology and progressions as markers.

    Reads the case's prefetched records (cases.facts.with_record) and returns "" when the
    record holds no dated event yet.
    """
    drawing = timeline(Chronology.of(case), today or timezone.localdate())
    if drawing is None:
        return SafeString("")
    return SafeString(get_template(TEMPLATE).render({"drawing": drawing, "font": FONT}).strip())
