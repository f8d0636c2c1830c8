"""SVG pictures of a case: the decision route the engine follows, and the treatment timeline.

Every element is built with format_html, which escapes each value, so record data can
never inject markup. Colours and fonts are presentation attributes, not style attributes
or <style> blocks, so the pictures pass a strict Content-Security-Policy and render the
same in the browser and in WeasyPrint.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString

from cases.models import Case
from cases.models import choices as ch
from guidelines.engine import Pathway
from guidelines.engine.context import site_group

FONT = "DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif"
NAVY = "#0a3d7a"
GREY_FILL = "#f1f3f5"
GREY_LINE = "#c4cad0"
GREY_TEXT = "#6c757d"
INK = "#212529"
STATUS_COLOURS = {  # (fill, text) per status; dark enough for white text (WCAG AA)
    "recommended": ("#146c43", "#ffffff"),
    "consider": ("#ffcd39", "#3b2c00"),
    "not_recommended": ("#b02a37", "#ffffff"),
}
PROGRESSION_RED = "#b02a37"


def _escaped(value: Any) -> str:
    """django.utils.html.conditional_escape: safe fragments as they are, everything else escaped."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


# The same contract and output as django.utils.html.format_html and format_html_join, without their
# lazy-string wrappers: a picture takes hundreds of calls, and the wrappers were a fifth of the
# pathway page's time (docs/performance.md).
def format_html(format_string: str, *args: Any) -> SafeString:
    """format_string with every argument escaped (unless already safe), as safe markup."""
    return SafeString(format_string.format(*map(_escaped, args)))


def format_html_join(sep: str, format_string: str, args_generator: Iterable[Iterable[Any]]) -> SafeString:
    """format_html of each item of args_generator, joined by sep."""
    return SafeString(sep.join(format_html(format_string, *args) for args in args_generator))


def _join(parts: Iterable[SafeString | str]) -> SafeString:
    """Concatenate already-built (safe) fragments; plain strings would be escaped."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _text(x: float, y: float, content: str, *, size: float = 12, fill: str = INK, **extra: Any) -> SafeString:
    """A <text> element; extra keyword arguments become attributes (text_anchor -> text-anchor)."""
    attributes = _join(
        format_html(' {}="{}"', name.replace("_", "-"), value) for name, value in extra.items()
    )
    return format_html(
        '<text x="{}" y="{}" font-size="{}" fill="{}" font-family="{}"{}>{}</text>',
        _n(x),
        _n(y),
        size,
        fill,
        FONT,
        attributes,
        content,
    )


def _n(value: float) -> str:
    """Coordinates with one decimal at most: smaller markup, same picture."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text_width(content: str, size: float) -> float:
    """A generous estimate of the rendered width (no font metrics on the server)."""
    return len(content) * size * 0.6


def _svg(
    width: int, height: int, label_id: str, title: str, desc: str, body: Iterable[SafeString]
) -> SafeString:
    return format_html(
        # Full width of the container, height from the viewBox: fits any column without CSS.
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" class="{}" '
        'role="img" aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        width,
        height,
        label_id,
        label_id,
        label_id,
        label_id,
        title,
        label_id,
        desc,
        _join(body),
    )


# --- decision route --------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """One level of the decision tree: its branches, the one this case takes, and why."""

    title: str
    branches: tuple[tuple[str, str], ...]  # (code, label)
    chosen: tuple[str, ...] = ()
    caption: str = ""
    skipped: bool = False  # the engine does not branch here for this case
    pending: str = "not recorded"  # what to say when nothing is chosen


@dataclass(frozen=True)
class Route:
    """The six stages from differentiation to options, with this case's choices."""

    stages: tuple[Stage, ...]

    @classmethod
    def of(cls, facts: dict[str, Any], pathway: Pathway | None) -> Route:
        """This case's route; stages stay unchosen where a fact or the pathway is missing."""
        differentiation = facts.get("differentiation")
        morphology = facts.get("morphology")
        extent = facts.get("extent")
        outside = pathway is not None and pathway.classification.code == "not_high_grade"
        grade = []
        if facts.get("ki67_percent") is not None:
            grade.append(f"Ki-67 {facts['ki67_percent']:g}%")
        if facts.get("mitoses_per_2mm2") is not None:
            grade.append(f"mitoses {facts['mitoses_per_2mm2']:g}")
        sites = [ch.MetastaticSite(site).label.lower() for site in facts.get("metastatic_sites") or []]
        extent_caption = facts.get("figo_stage") and f"FIGO {facts['figo_stage']}" or ", ".join(sites)
        decision_caption = ""
        counts: dict[str, int] = {}
        if pathway is not None:
            decision = pathway.decision_point
            if decision.code == "after_progression":
                decision_caption = f"choosing line {decision.line}"
            elif decision.code == "after_resection":
                margin = facts.get("resection_margin")
                shown = ch.Margin(margin).label if margin in ch.Margin.values else margin
                decision_caption = f"margin {shown}"
            for item in pathway.recommendations:
                counts[item.status] = counts.get(item.status, 0) + 1
        stages = (
            Stage(
                "Differentiation",
                (("well", "Well"), ("poor", "Poor"), ("indeterminate", "Indeterminate")),
                (differentiation,) if differentiation else (),
                ch.Morphology(morphology).label.lower() if morphology in ("small_cell", "large_cell") else "",
            ),
            Stage(
                "Classification",
                (
                    ("g3_net", "G3 NET"),
                    ("nec", "NEC"),
                    ("high_grade_indeterminate", "Type unresolved"),
                    ("not_high_grade", "Not high grade"),
                ),
                (pathway.classification.code,) if pathway else (),
                ", ".join(grade),
                pending="not computed",
            ),
            Stage(
                "Extent",
                (
                    ("localized", "Localized"),
                    ("locally_advanced", "Locally advanced"),
                    ("metastatic", "Metastatic"),
                ),
                (extent,) if extent and not outside else (),
                "" if outside else extent_caption,
                skipped=outside,
            ),
            Stage(
                "Site group",
                (
                    ("pancreatic", "Pancreatic"),
                    ("gastrointestinal", "Gastrointestinal"),
                    ("gynecologic", "Gynecologic"),
                    ("unknown", "Unknown primary"),
                ),
                () if outside else (site_group(facts["primary_site"]),),
                "" if outside else ch.PrimarySite(facts["primary_site"]).label.lower(),
                skipped=outside,
            ),
            Stage(
                "Decision point",
                (
                    ("initial", "Initial"),
                    ("after_resection", "After resection"),
                    ("after_progression", "After progression"),
                ),
                (pathway.decision_point.code,) if pathway and not outside else (),
                decision_caption,
                skipped=outside,
                pending="not computed",
            ),
            Stage(
                "Options",  # the codes are statuses, so chosen boxes take the status colours
                tuple(
                    (status, f"{label} ({counts[status]})" if pathway else label)
                    for status, label in (
                        ("recommended", "Recommended"),
                        ("consider", "Consider"),
                        ("not_recommended", "Not recommended"),
                    )
                    if not pathway or counts.get(status)
                ),
                tuple(status for status in STATUS_COLOURS if counts.get(status)),
                "outside these recommendations" if outside else "",
                pending="not computed",
            ),
        )
        return cls(stages)

    @property
    def text(self) -> str:
        """The route in words, for readers and text extraction."""
        parts = []
        for stage in self.stages:
            labels = dict(stage.branches)
            if stage.skipped:
                continue
            chosen = ", ".join(labels[code] for code in stage.chosen if code in labels)
            parts.append(chosen or f"{stage.title.lower()} {stage.pending}")
        return " → ".join(parts)


FLOW_MIN_COLUMN = 112
FLOW_GAP = 26
FLOW_NODE_HEIGHT = 30
FLOW_NODE_GAP = 10
FLOW_TOP = 26
FLOW_BAND = 4 * FLOW_NODE_HEIGHT + 3 * FLOW_NODE_GAP
FLOW_LABEL_SIZE = 11.5
FLOW_CAPTION_SIZE = 10.5


@dataclass(frozen=True)
class _Column:
    """Where one stage is drawn: left edge, width and the top of each branch's box."""

    x: float
    width: float
    tops: dict[str, float]

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


def _columns(route: Route) -> list[_Column]:
    """Lay the stages out left to right, each as wide as its longest (bold) label needs."""
    columns, x = [], 8.0
    for stage in route.stages:
        width = max(
            FLOW_MIN_COLUMN, *(_text_width(label, FLOW_LABEL_SIZE) * 1.05 + 18 for _, label in stage.branches)
        )
        count = len(stage.branches)
        top = FLOW_TOP + (FLOW_BAND - count * FLOW_NODE_HEIGHT - (count - 1) * FLOW_NODE_GAP) / 2
        tops = {
            code: top + index * (FLOW_NODE_HEIGHT + FLOW_NODE_GAP)
            for index, (code, _) in enumerate(stage.branches)
        }
        columns.append(_Column(x, width, tops))
        x += width + FLOW_GAP
    return columns


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Split a caption into lines that fit the column (at most two; the rest stays on line two)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines) < 2 and _text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        elif lines and len(lines) == 2:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _arrowhead(x: float, y: float) -> SafeString:
    """A small arrowhead pointing right, its tip at (x, y)."""
    return format_html(
        '<path d="M{} {} L{} {} L{} {} Z" fill="{}"/>',
        _n(x - 6),
        _n(y - 4),
        _n(x),
        _n(y),
        _n(x - 6),
        _n(y + 4),
        NAVY,
    )


def _edge(x1: float, y1: float, x2: float, y2: float, on_route: bool) -> SafeString:
    middle = (x1 + x2) / 2
    colour, width = (NAVY, 2.5) if on_route else (GREY_LINE, 1)
    path = format_html(
        '<path d="M{} {} C{} {} {} {} {} {}" fill="none" stroke="{}" stroke-width="{}"/>',
        _n(x1),
        _n(y1),
        _n(middle),
        _n(y1),
        _n(middle),
        _n(y2),
        _n(x2 - 5),
        _n(y2),
        colour,
        width,
    )
    return _join([path, _arrowhead(x2, y2)]) if on_route else path


def _bypass(x1: float, y1: float, x2: float, y2: float) -> SafeString:
    """The route past stages the engine skips: down below the boxes, along, and up into the target."""
    low = FLOW_TOP + FLOW_BAND + 6
    path = format_html(
        '<path d="M{} {} C{} {} {} {} {} {} L{} {} C{} {} {} {} {} {}" fill="none" stroke="{}" '
        'stroke-width="2.5"/>',
        _n(x1),
        _n(y1),
        _n(x1 + 14),
        _n(y1),
        _n(x1 + 14),
        _n(low),
        _n(x1 + 28),
        _n(low),
        _n(x2 - 28),
        _n(low),
        _n(x2 - 14),
        _n(low),
        _n(x2 - 14),
        _n(y2),
        _n(x2 - 5),
        _n(y2),
        NAVY,
    )
    return _join([path, _arrowhead(x2, y2)])


def _route_edges(route: Route, columns: list[_Column]) -> list[SafeString]:
    """Edges from each chosen branch to every branch of the next stage the engine uses."""
    grey: list[SafeString] = []
    coloured: list[SafeString] = []
    previous: int | None = None
    for index, stage in enumerate(route.stages):
        if stage.skipped:  # the engine does not branch here: the route goes past it
            continue
        if previous is not None:
            source_column, target_column = columns[previous], columns[index]
            jumps = index - previous > 1
            for source in route.stages[previous].chosen:
                x1 = source_column.x + source_column.width
                y1 = source_column.tops[source] + FLOW_NODE_HEIGHT / 2
                for code, top in target_column.tops.items():
                    y2 = top + FLOW_NODE_HEIGHT / 2
                    if code not in stage.chosen:
                        if not jumps:  # grey branches only between neighbouring stages
                            grey.append(_edge(x1, y1, target_column.x, y2, on_route=False))
                    elif jumps:
                        coloured.append(_bypass(x1, y1, target_column.x, y2))
                    else:
                        coloured.append(_edge(x1, y1, target_column.x, y2, on_route=True))
        previous = index
    return grey + coloured  # the route is drawn last, on top of the grey branches


def _stage_nodes(stage: Stage, column: _Column) -> list[SafeString]:
    """A stage's title, its branch boxes (chosen ones filled) and the caption saying why."""
    title_fill = GREY_TEXT if stage.skipped else INK
    parts = [
        _text(
            column.centre, 14, stage.title, size=12, fill=title_fill, text_anchor="middle", font_weight="bold"
        )
    ]
    for code, label in stage.branches:
        chosen = code in stage.chosen
        if chosen and code in STATUS_COLOURS:
            fill, ink = STATUS_COLOURS[code]
        elif chosen:
            fill, ink = NAVY, "#ffffff"
        else:
            fill, ink = GREY_FILL, GREY_TEXT
        top = column.tops[code]
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{}" stroke="{}"/>',
                _n(column.x),
                _n(top),
                _n(column.width),
                FLOW_NODE_HEIGHT,
                fill,
                fill if chosen else GREY_LINE,
            )
        )
        parts.append(
            _text(
                column.centre,
                top + FLOW_NODE_HEIGHT / 2 + 4,
                label,
                size=FLOW_LABEL_SIZE,
                fill=ink,
                text_anchor="middle",
                font_weight="bold" if chosen else "normal",
            )
        )
    caption = "not used" if stage.skipped else stage.caption or ("" if stage.chosen else stage.pending)
    colour = NAVY if stage.chosen else GREY_TEXT
    for number, line in enumerate(_wrap(caption, column.width + FLOW_GAP - 6, FLOW_CAPTION_SIZE)):
        y = FLOW_TOP + FLOW_BAND + 20 + number * 14
        parts.append(_text(column.centre, y, line, size=FLOW_CAPTION_SIZE, fill=colour, text_anchor="middle"))
    return parts


def decision_flowchart_svg(route: Route) -> SafeString:
    """The decision tree as columns of branches; this case's route in colour, the rest grey."""
    columns = _columns(route)
    width = round(columns[-1].x + columns[-1].width + 8)
    height = FLOW_TOP + FLOW_BAND + 44
    nodes = [
        part
        for stage, column in zip(route.stages, columns, strict=True)
        for part in _stage_nodes(stage, column)
    ]
    return _svg(
        width,
        height,
        "pw-route",
        "Decision route of the NANETS 2023 pathway",
        f"Route for this case: {route.text}. Grey boxes are branches this case does not take.",
        [*_route_edges(route, columns), *nodes],
    )


# --- treatment timeline ----------------------------------------------------------------------

TIMELINE_WIDTH = 820
TIMELINE_GUTTER = 96
TIMELINE_RIGHT = 24
TIMELINE_ROW = 36
TIMELINE_AXIS = 30
MODALITY_SHORT = {
    "ct": "CT",
    "mri": "MRI",
    "sstr_pet": "SSTR PET",
    "fdg_pet": "FDG PET",
    "brain_mri": "Brain MRI",
    "endoscopy": "Endoscopy",
    "ultrasound": "US",
}


def _short_date(day: date) -> str:
    return format_date(day, "j M Y")


@dataclass(frozen=True)
class _Scale:
    """Maps dates to x positions of the plot area."""

    start: date
    end: date
    left: float
    right: float

    def x(self, day: date) -> float:
        span = (self.end - self.start).days or 1
        return self.left + (day - self.start).days / span * (self.right - self.left)


def _month_ticks(start: date, end: date) -> tuple[list[date], str]:
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


def _marker(shape: str, x: float, y: float, colour: str, tooltip: str) -> SafeString:
    """A small symbol with a hover title: circle (imaging), triangle (resection), square, diamond."""
    if shape == "circle":
        figure = format_html(
            '<circle cx="{}" cy="{}" r="5" fill="{}" stroke="#ffffff"/>', _n(x), _n(y), colour
        )
    elif shape == "triangle":
        figure = format_html(
            '<path d="M{} {} L{} {} L{} {} Z" fill="{}"/>',
            _n(x),
            _n(y - 6),
            _n(x + 6),
            _n(y + 5),
            _n(x - 6),
            _n(y + 5),
            colour,
        )
    elif shape == "square":
        figure = format_html(
            '<rect x="{}" y="{}" width="9" height="9" fill="{}"/>', _n(x - 4.5), _n(y - 4.5), colour
        )
    else:
        figure = format_html(
            '<path d="M{} {} L{} {} L{} {} L{} {} Z" fill="{}" stroke="#ffffff"/>',
            _n(x),
            _n(y - 7),
            _n(x + 7),
            _n(y),
            _n(x),
            _n(y + 7),
            _n(x - 7),
            _n(y),
            colour,
        )
    return format_html("<g><title>{}</title>{}</g>", tooltip, figure)


def _row_label(y: float, label: str) -> SafeString:
    return _text(8, y + 4, label, size=11.5, fill=INK, font_weight="bold")


def _labelled_markers(
    events: list[tuple[date, str, str]], shape: str, colour: str, y: float, scale: _Scale
) -> list[SafeString]:
    """Markers on one row with their labels, alternating above and below when they crowd."""
    parts: list[SafeString] = []
    last_end = {True: -1e9, False: -1e9}
    for day, label, tooltip in sorted(events, key=lambda event: event[0]):
        x = scale.x(day)
        parts.append(_marker(shape, x, y, colour, tooltip))
        above = (
            last_end[True] <= x - _text_width(label, 10) / 2
            or last_end[False] > x - _text_width(label, 10) / 2
        )
        label_x = min(
            max(x, scale.left + _text_width(label, 10) / 2), scale.right - _text_width(label, 10) / 2
        )
        parts.append(
            _text(label_x, y - 10 if above else y + 17, label, size=10, fill=GREY_TEXT, text_anchor="middle")
        )
        last_end[above] = label_x + _text_width(label, 10) / 2 + 4
    return parts


def treatment_timeline_svg(case: Case, today: date | None = None) -> SafeString:
    """Lines of therapy as bars, with resections, imaging, pathology and progressions as markers.

    Reads the case's prefetched records (cases.facts.with_record) and returns "" when the
    record holds no dated event yet.
    """
    from django.utils import timezone  # local: keeps this module importable without settings

    today = today or timezone.localdate()
    lines = sorted(case.treatment_lines.all(), key=lambda line: (line.started_on, line.created_at))
    resections = [resection for resection in case.resections.all() if resection.resected_on]
    studies = [study for study in case.imaging_studies.all() if study.performed]
    reports = list(case.pathology_reports.all())
    dates = [line.started_on for line in lines]
    dates += [day for line in lines for day in (line.ended_on, line.progression_date) if day]
    dates += [resection.resected_on for resection in resections]
    dates += [study.study_date for study in studies] + [report.specimen_date for report in reports]
    if not dates:
        return SafeString("")
    start = min(dates) - timedelta(days=14)
    end = max([*dates, today]) + timedelta(days=21)
    if (end - start).days < 120:
        start = end - timedelta(days=120)
    rows: list[tuple[str, str]] = []
    if reports:
        rows.append(("pathology", "Pathology"))
    if studies:
        rows.append(("imaging", "Imaging"))
    if resections:
        rows.append(("surgery", "Surgery"))
    rows += [(f"line-{number}", f"Line {number}") for number in range(1, len(lines) + 1)]
    height = 20 + len(rows) * TIMELINE_ROW + TIMELINE_AXIS + 24
    scale = _Scale(start, end, TIMELINE_GUTTER, TIMELINE_WIDTH - TIMELINE_RIGHT)
    axis_y = 14 + len(rows) * TIMELINE_ROW
    row_y = {key: 20 + index * TIMELINE_ROW + TIMELINE_ROW / 2 for index, (key, _) in enumerate(rows)}
    parts: list[SafeString] = []
    ticks, tick_format = _month_ticks(start, end)
    for tick in ticks:
        x = scale.x(tick)
        parts.append(
            format_html('<line x1="{}" y1="10" x2="{}" y2="{}" stroke="#e9ecef"/>', _n(x), _n(x), axis_y)
        )
        parts.append(
            _text(
                x,
                axis_y + 16,
                format_date(tick, tick_format),
                size=10.5,
                fill=GREY_TEXT,
                text_anchor="middle",
            )
        )
    parts.append(
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
            scale.left,
            axis_y,
            _n(scale.right),
            axis_y,
            GREY_LINE,
        )
    )
    today_x = scale.x(today)
    parts.append(
        format_html(
            '<line x1="{}" y1="8" x2="{}" y2="{}" stroke="{}" stroke-dasharray="4 3"/>',
            _n(today_x),
            _n(today_x),
            axis_y,
            NAVY,
        )
    )
    parts.append(_text(today_x - 4, 16, "today", size=10, fill=NAVY, text_anchor="end"))
    for key, label in rows:
        parts.append(_row_label(row_y[key], label))
    if reports:
        events = [
            (
                report.specimen_date,
                report.get_specimen_display().split()[0],
                f"Pathology ({report.get_specimen_display()}) {_short_date(report.specimen_date)}",
            )
            for report in reports
        ]
        parts += _labelled_markers(events, "square", "#6f42c1", row_y["pathology"], scale)
    if studies:
        events = [
            (
                study.study_date,
                MODALITY_SHORT.get(study.modality, study.modality),
                f"{study.get_modality_display()} {_short_date(study.study_date)}",
            )
            for study in studies
        ]
        parts += _labelled_markers(events, "circle", "#0d6efd", row_y["imaging"], scale)
    if resections:
        events = [
            (
                resection.resected_on,
                f"Resection {resection.margin}",
                f"Resection {_short_date(resection.resected_on)}, {resection.get_margin_display()}",
            )
            for resection in resections
        ]
        parts += _labelled_markers(events, "triangle", INK, row_y["surgery"], scale)
    for number, line in enumerate(lines, 1):
        y = row_y[f"line-{number}"]
        ongoing = line.ended_on is None and not line.has_progressed
        stop = line.ended_on or line.progression_date or today
        x1, x2 = scale.x(line.started_on), max(scale.x(stop), scale.x(line.started_on) + 4)
        span = f"{_short_date(line.started_on)} – {'ongoing' if ongoing else _short_date(stop)}"
        parts.append(
            format_html(
                '<g><title>{}</title><rect x="{}" y="{}" width="{}" height="12" rx="3" fill="{}" '
                'opacity="{}"/></g>',
                f"Line {number}: {line.get_regimen_display()}, {span}",
                _n(x1),
                _n(y - 2),
                _n(x2 - x1),
                NAVY,
                "0.55" if ongoing else "1",
            )
        )
        label = line.get_regimen_display() + (" (ongoing)" if ongoing else "")
        label_width = _text_width(label, 10.5)
        if x1 + label_width <= scale.right:
            parts.append(_text(x1, y - 6, label, size=10.5, fill=INK))
        else:
            parts.append(_text(scale.right, y - 6, label, size=10.5, fill=INK, text_anchor="end"))
        if line.progression_date:
            tooltip = f"Progression on line {number}: {_short_date(line.progression_date)}"
            parts.append(_marker("diamond", scale.x(line.progression_date), y + 4, PROGRESSION_RED, tooltip))
    legend_y = axis_y + 36
    legend = [
        ("square", "#6f42c1", "pathology"),
        ("circle", "#0d6efd", "imaging"),
        ("triangle", INK, "resection"),
        ("diamond", PROGRESSION_RED, "progression"),
    ]
    x = TIMELINE_GUTTER
    for shape, colour, label in legend:
        parts.append(_marker(shape, x, legend_y - 4, colour, label))
        parts.append(_text(x + 10, legend_y, label, size=10.5, fill=GREY_TEXT))
        x += 26 + _text_width(label, 10.5)
    description = (
        "; ".join(
            f"line {number} {line.get_regimen_display()} from {_short_date(line.started_on)}"
            + (f", progression {_short_date(line.progression_date)}" if line.progression_date else "")
            for number, line in enumerate(lines, 1)
        )
        or "no systemic therapy recorded"
    )
    return _svg(
        TIMELINE_WIDTH,
        height + 10,
        "pw-timeline",
        "Treatment timeline",
        f"Treatment timeline: {description}.",
        parts,
    )
