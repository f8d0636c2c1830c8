"""The decision flowchart: the route the engine follows for a case, laid out as columns of branches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import get_template
from django.utils.safestring import SafeString

from guidelines import codes
from guidelines.codes import CodeSet
from guidelines.engine import Pathway
from guidelines.engine.context import site_group
from guidelines.pictures.geometry import (
    FONT,
    GREY_FILL,
    GREY_LINE,
    GREY_TEXT,
    INK,
    NAVY,
    STATUS_COLOURS,
    WHITE,
    Text,
    svg_number,
    text_width,
    wrap,
)

TEMPLATE = "guidelines/pictures/flowchart.svg"


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
        sites = [codes.METASTATIC_SITE.label(site).lower() for site in facts.get("metastatic_sites") or []]
        extent_caption = facts.get("figo_stage") and f"FIGO {facts['figo_stage']}" or ", ".join(sites)
        decision_caption = ""
        counts: dict[str, int] = {}
        if pathway is not None:
            decision = pathway.decision_point
            if decision.code == "after_progression":
                decision_caption = f"choosing line {decision.line}"
            elif decision.code == "after_resection":
                margin = facts.get("resection_margin")
                shown = codes.MARGIN.label(margin) if margin in codes.MARGIN else margin
                decision_caption = f"margin {shown}"
            for item in pathway.recommendations:
                counts[item.status] = counts.get(item.status, 0) + 1
        stages = (
            Stage(
                "Differentiation",
                _branches(codes.DIFFERENTIATION),
                (differentiation,) if differentiation else (),
                codes.MORPHOLOGY.label(morphology).lower()
                if morphology in ("small_cell", "large_cell")
                else "",
            ),
            Stage(
                "Classification",
                _branches(codes.CLASSIFICATION),
                (pathway.classification.code,) if pathway else (),
                ", ".join(grade),
                pending="not computed",
            ),
            Stage(
                "Extent",
                _branches(codes.EXTENT),
                (extent,) if extent and not outside else (),
                "" if outside else extent_caption,
                skipped=outside,
            ),
            Stage(
                "Site group",
                _branches(codes.SITE_GROUP),
                () if outside else (site_group(facts["primary_site"]),),
                "" if outside else codes.PRIMARY_SITE.label(facts["primary_site"]).lower(),
                skipped=outside,
            ),
            Stage(
                "Decision point",
                _branches(codes.DECISION_POINT),
                (pathway.decision_point.code,) if pathway and not outside else (),
                decision_caption,
                skipped=outside,
                pending="not computed",
            ),
            Stage(
                "Options",  # the codes are statuses, so chosen boxes take the status colours
                tuple(
                    (status, f"{label} ({counts[status]})" if pathway else label)
                    for status, label in _branches(codes.RECOMMENDATION_STATUS)
                    if not pathway or counts.get(status)
                ),
                tuple(status for status in codes.RECOMMENDATION_STATUS.values if counts.get(status)),
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


def _branches(code_set: CodeSet) -> tuple[tuple[str, str], ...]:
    """A stage's branches: each code with its short label (boxes are narrow)."""
    return tuple((code.value, code.short_label) for code in code_set)


MIN_COLUMN = 112
COLUMN_GAP = 26
NODE_HEIGHT = 30
NODE_GAP = 10
TOP = 26
BAND = 4 * NODE_HEIGHT + 3 * NODE_GAP  # the height of the tallest stage (four branches)
BELOW = TOP + BAND + 6  # where the route runs past skipped stages
TITLE_SIZE = 12
LABEL_SIZE = 11.5
CAPTION_SIZE = 10.5
ROUTE_WIDTH = 2.5
BRANCH_WIDTH = 1


@dataclass(frozen=True)
class Placement:
    """Where one stage is drawn: its left edge, its width and the top of each branch's box."""

    x: float
    width: float
    tops: dict[str, float]

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Branch:
    """One branch's box and label; filled when the case takes it."""

    x: float
    y: float
    width: float
    fill: str
    stroke: str
    label: Text
    chosen: bool  # its label is bold
    height: float = NODE_HEIGHT


@dataclass(frozen=True)
class Column:
    """One stage as drawn: its title, its branches and the caption saying why (all text centred)."""

    title: Text
    branches: tuple[Branch, ...]
    captions: tuple[Text, ...]


@dataclass(frozen=True)
class Edge:
    """A curve from a chosen branch (x1, y1) to a branch of the next stage used (x2, y2).

    On the route it is navy with an arrowhead, else grey; `below` is the height at which the
    route runs under stages the engine skips.
    """

    x1: float
    y1: float
    x2: float
    y2: float
    on_route: bool
    below: float | None = None

    @property
    def stroke(self) -> str:
        return NAVY if self.on_route else GREY_LINE

    @property
    def stroke_width(self) -> float:
        return ROUTE_WIDTH if self.on_route else BRANCH_WIDTH

    @property
    def path(self) -> str:
        """SVG path data: one curve, or down, along and up again past skipped stages."""
        n, x1, y1, x2, y2 = svg_number, self.x1, self.y1, self.x2, self.y2
        if self.below is None:
            middle = n((x1 + x2) / 2)
            return f"M{n(x1)} {n(y1)} C{middle} {n(y1)} {middle} {n(y2)} {n(x2 - 5)} {n(y2)}"
        low = n(self.below)
        return (
            f"M{n(x1)} {n(y1)} C{n(x1 + 14)} {n(y1)} {n(x1 + 14)} {low} {n(x1 + 28)} {low} "
            f"L{n(x2 - 28)} {low} C{n(x2 - 14)} {low} {n(x2 - 14)} {n(y2)} {n(x2 - 5)} {n(y2)}"
        )

    @property
    def arrowhead(self) -> str:
        """SVG path data of a small arrowhead pointing right, its tip at the end of the edge."""
        n, x, y = svg_number, self.x2, self.y2
        return f"M{n(x - 6)} {n(y - 4)} L{n(x)} {n(y)} L{n(x - 6)} {n(y + 4)} Z"


@dataclass(frozen=True)
class Flowchart:
    """The whole picture: its size, the edges (grey first, the route on top) and the columns."""

    width: int
    height: int
    edges: tuple[Edge, ...]
    columns: tuple[Column, ...]
    route_text: str


def placements(route: Route) -> list[Placement]:
    """Lay the stages out left to right, each as wide as its longest (bold) label needs."""
    result, x = [], 8.0
    for stage in route.stages:
        width = max(MIN_COLUMN, *(text_width(label, LABEL_SIZE) * 1.05 + 18 for _, label in stage.branches))
        count = len(stage.branches)
        top = TOP + (BAND - count * NODE_HEIGHT - (count - 1) * NODE_GAP) / 2
        tops = {
            code: top + index * (NODE_HEIGHT + NODE_GAP) for index, (code, _) in enumerate(stage.branches)
        }
        result.append(Placement(x, width, tops))
        x += width + COLUMN_GAP
    return result


def edges(route: Route, places: list[Placement]) -> tuple[Edge, ...]:
    """Edges from each chosen branch to every branch of the next stage the engine uses."""
    grey: list[Edge] = []
    coloured: list[Edge] = []
    previous: int | None = None
    for index, stage in enumerate(route.stages):
        if stage.skipped:  # the engine does not branch here: the route goes past it
            continue
        if previous is not None:
            source, target = places[previous], places[index]
            jumps = index - previous > 1
            for code in route.stages[previous].chosen:
                x1 = source.x + source.width
                y1 = source.tops[code] + NODE_HEIGHT / 2
                for target_code, top in target.tops.items():
                    y2 = top + NODE_HEIGHT / 2
                    if target_code not in stage.chosen:
                        if not jumps:  # grey branches only between neighbouring stages
                            grey.append(Edge(x1, y1, target.x, y2, on_route=False))
                    else:
                        coloured.append(Edge(x1, y1, target.x, y2, True, BELOW if jumps else None))
        previous = index
    return (*grey, *coloured)  # the route is drawn last, on top of the grey branches


def column(stage: Stage, place: Placement) -> Column:
    """A stage's title, its branch boxes (chosen ones filled) and the caption saying why."""
    title = Text(place.centre, 14, stage.title, TITLE_SIZE, GREY_TEXT if stage.skipped else INK)
    branches = []
    for code, label in stage.branches:
        chosen = code in stage.chosen
        if chosen and code in STATUS_COLOURS:
            fill, ink = STATUS_COLOURS[code]
        elif chosen:
            fill, ink = NAVY, WHITE
        else:
            fill, ink = GREY_FILL, GREY_TEXT
        top = place.tops[code]
        text = Text(place.centre, top + NODE_HEIGHT / 2 + 4, label, LABEL_SIZE, ink)
        branches.append(Branch(place.x, top, place.width, fill, fill if chosen else GREY_LINE, text, chosen))
    caption = "not used" if stage.skipped else stage.caption or ("" if stage.chosen else stage.pending)
    colour = NAVY if stage.chosen else GREY_TEXT
    captions = tuple(
        Text(place.centre, TOP + BAND + 20 + number * 14, line, CAPTION_SIZE, colour)
        for number, line in enumerate(wrap(caption, place.width + COLUMN_GAP - 6, CAPTION_SIZE))
    )
    return Column(title, tuple(branches), captions)


def flowchart(route: Route) -> Flowchart:
    """The decision tree as columns of branches; this case's route in colour, the rest grey."""
    places = placements(route)
    return Flowchart(
        width=round(places[-1].x + places[-1].width + 8),
        height=TOP + BAND + 44,
        edges=edges(route, places),
        columns=tuple(column(stage, place) for stage, place in zip(route.stages, places, strict=True)),
        route_text=route.text,
    )


def decision_flowchart_svg(route: Route) -> SafeString:
    """The decision flowchart of a route as an SVG element (escaped by the template engine)."""
    return SafeString(get_template(TEMPLATE).render({"chart": flowchart(route), "font": FONT}).strip())
