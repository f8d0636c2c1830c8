"""The quality page's charts as geometry for inline SVG (drawn on the server: no script, no inline style)."""

from __future__ import annotations

from dataclasses import dataclass

from meetings.quality import QualityFigures, Share, Spread

# SVG user units: labels on the left, bars from LABEL_WIDTH, a value after each bar.
LABEL_WIDTH = 240
BAR_SPACE = 220
ROW_HEIGHT = 26
BAR_HEIGHT = 16
CHART_WIDTH = LABEL_WIDTH + BAR_SPACE + 90
# The box chart: an axis of days under a box from the lower to the upper quartile.
BOX_LEFT = 20
BOX_SPACE = CHART_WIDTH - 2 * BOX_LEFT
BOX_TOP = 10
BOX_HEIGHT = 30
AXIS_Y = BOX_TOP + BOX_HEIGHT + 14


@dataclass(frozen=True)
class Bar:
    """One labelled bar: its share drawn as a width out of the bar space."""

    label: str
    share: Share
    y: int
    width: float

    @property
    def text_y(self) -> int:
        """The baseline of the bar's label and value."""
        return self.y + BAR_HEIGHT - 3


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars of shares (0 to 100 %)."""

    bars: list[Bar]

    @property
    def height(self) -> int:
        """The chart's height in user units."""
        return max(len(self.bars), 1) * ROW_HEIGHT


def bar_chart(shares: list[tuple[str, Share]]) -> BarChart:
    """Bars whose widths are the shares' percentages of the bar space."""
    return BarChart(
        [
            Bar(label, share, index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2, _width(share))
            for index, (label, share) in enumerate(shares)
        ]
    )


def _width(share: Share) -> float:
    return round(BAR_SPACE * (share.percent or 0) / 100, 1)


@dataclass(frozen=True)
class Tick:
    """A labelled mark on the box chart's axis."""

    x: float
    days: int


@dataclass(frozen=True)
class BoxChart:
    """Whiskers from minimum to maximum, a box between the quartiles and the median across it."""

    minimum_x: float
    lower_x: float
    median_x: float
    upper_x: float
    maximum_x: float
    ticks: list[Tick]
    box_top: int = BOX_TOP
    box_height: int = BOX_HEIGHT
    box_bottom: int = BOX_TOP + BOX_HEIGHT
    middle_y: int = BOX_TOP + BOX_HEIGHT // 2
    axis_y: int = AXIS_Y
    height: int = AXIS_Y + 22
    left: int = BOX_LEFT
    right: int = BOX_LEFT + BOX_SPACE

    @property
    def box_width(self) -> float:
        """The box's width (the interquartile range)."""
        return round(self.upper_x - self.lower_x, 1)


def _axis_end(days: float) -> int:
    """A round end of the axis at or above the longest delay (10, 20, 50, 100, 200, ... days)."""
    end = 10
    while end < days:
        end = end * 5 // 2 if str(end).startswith("2") else end * 2
    return end


def box_chart(spread: Spread | None) -> BoxChart | None:
    """The box chart of days to discussion, or None without data."""
    if spread is None:
        return None
    end = _axis_end(max(spread.maximum, 1))

    def x(days: float) -> float:
        return round(BOX_LEFT + BOX_SPACE * days / end, 1)

    # Every axis end is even: its half is a whole number of days.
    ticks = [Tick(x(days), days) for days in (0, end // 2, end)]
    return BoxChart(
        x(spread.minimum),
        x(spread.lower_quartile),
        x(spread.median),
        x(spread.upper_quartile),
        x(spread.maximum),
        ticks,
    )


@dataclass(frozen=True)
class QualityCharts:
    """The page's three charts."""

    follows: BarChart
    reasons: BarChart
    delay: BoxChart | None
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH
    bar_space: int = BAR_SPACE
    bar_height: int = BAR_HEIGHT
    # Values are written after the full bar space, aligned whatever the bars' lengths.
    value_x: int = LABEL_WIDTH + BAR_SPACE + 8


def quality_charts(figures: QualityFigures) -> QualityCharts:
    """The charts of the figures: follows-guideline share, deviation reasons and days to discussion."""
    deviations = Share(figures.deviations, figures.decisions)
    return QualityCharts(
        follows=bar_chart([("Follows the guideline", figures.follows_guideline), ("Deviates", deviations)]),
        reasons=bar_chart([(reason.label, reason.share) for reason in figures.reasons]),
        delay=box_chart(figures.days_to_discussion),
    )
