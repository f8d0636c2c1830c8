"""The quality charts' geometry: bar widths are the shares, the box sits on a round axis of days."""

import pytest

from meetings.quality import Share, Spread
from meetings.quality_charts import BAR_SPACE, BOX_LEFT, BOX_SPACE, bar_chart, box_chart


def test_bar_widths_are_the_shares_of_the_bar_space():
    chart = bar_chart([("a", Share(1, 4)), ("b", Share(3, 4)), ("none", Share(0, 0))])
    assert [bar.width for bar in chart.bars] == [BAR_SPACE / 4, BAR_SPACE * 3 / 4, 0]
    assert [bar.y for bar in chart.bars] == sorted({bar.y for bar in chart.bars})


@pytest.mark.parametrize(
    ("longest", "axis_end"), [(0, 10), (7, 10), (10, 10), (11, 20), (45, 50), (120, 200)]
)
def test_the_axis_ends_on_a_round_number_of_days(longest, axis_end):
    chart = box_chart(Spread(1, 0, 0, 0, 0, longest))
    assert [tick.days for tick in chart.ticks] == [0, axis_end // 2, axis_end]
    assert chart.maximum_x == pytest.approx(BOX_LEFT + BOX_SPACE * longest / axis_end, abs=0.1)


def test_the_box_spans_the_quartiles():
    chart = box_chart(Spread(4, 7, 9.25, 20, 33.75, 45))
    assert chart.minimum_x < chart.lower_x < chart.median_x < chart.upper_x < chart.maximum_x
    assert chart.box_width == pytest.approx(BOX_SPACE * (33.75 - 9.25) / 50, abs=0.2)


def test_no_days_no_box():
    assert box_chart(None) is None
