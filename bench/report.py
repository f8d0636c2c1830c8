"""The benchmark's one table: each measure with its value, its budget, and whether it met it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

HEADERS = ("area", "measure", "value", "budget", "result")


@dataclass(frozen=True)
class Row:
    """One line of the table; met is None for a reference figure that has no budget."""

    area: str
    measure: str
    value: str
    budget: str = ""
    met: bool | None = None

    @property
    def result(self) -> str:
        """met / MISSED / blank for a reference line."""
        if self.met is None:
            return ""
        return "met" if self.met else "MISSED"


def ms(seconds: float) -> str:
    """A duration in milliseconds with sensible precision."""
    value = seconds * 1000
    return f"{value:.2f} ms" if value < 10 else f"{value:.0f} ms"


def render_table(rows: Iterable[Row]) -> str:
    """The rows as a plain-text table (fixed-width columns, one header, one rule)."""
    cells = [HEADERS] + [(row.area, row.measure, row.value, row.budget, row.result) for row in rows]
    widths = [max(len(line[column]) for line in cells) for column in range(len(HEADERS))]

    def line(values: tuple[str, ...]) -> str:
        return "  ".join(value.ljust(width) for value, width in zip(values, widths, strict=True)).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule, *(line(values) for values in cells[1:])])


def summary(rows: Iterable[Row]) -> str:
    """One closing sentence: all budgets met, or which ones were missed."""
    judged = [row for row in rows if row.met is not None]
    missed = [f"{row.area}: {row.measure}" for row in judged if not row.met]
    if not missed:
        return f"All {len(judged)} budgets met."
    return f"{len(missed)} of {len(judged)} budgets missed ({'; '.join(missed)}): see docs/performance.md."
