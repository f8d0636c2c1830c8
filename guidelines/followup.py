"""Follow-up imaging: the engine's schedule as due dates counted from the record's treatment dates."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from cases.models import Case
from guidelines.codes import FOLLOWUP_KIND, STRENGTH
from guidelines.engine.pathway import FollowUp, ImagingPhase
from guidelines.labels import show_date

FOLLOWUP_HORIZON_MONTHS = 36  # due dates are listed for the next three years


@dataclass(frozen=True)
class Visit:
    """One follow-up imaging date."""

    due: date
    month: int
    is_next: bool


@dataclass(frozen=True)
class FollowUpView:
    """The follow-up schedule with concrete due dates counted from the record's dates."""

    kind: str
    title: str
    schedule: tuple[str, ...]
    anchor_text: str
    anchor_date: date | None
    visits: tuple[Visit, ...]
    next_due: Visit | None
    earlier_count: int
    dates_note: str
    months_text: str
    notes: tuple[str, ...]
    source: str
    strength_label: str


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _phase_end(phase: ImagingPhase) -> int | None:
    """The month a phase ends; the longer bound of a range, None when open-ended."""
    low, high = phase.until_month
    return None if high is None else max(value for value in (low, high) if value is not None)


def schedule_months(phases: Iterable[ImagingPhase]) -> Iterator[int]:
    """Months after the anchor when imaging is due, using each phase's shorter interval.

    Taking the shorter interval and the longer phase is the cautious reading of a range
    ("every 6-12 months", "for 2-3 years"); the page says so next to the dates.
    """
    month = 0
    for phase in phases:
        interval, end = min(phase.every_months), _phase_end(phase)
        while end is None or month + interval <= end:
            month += interval
            yield month
        month = end


def _range(low: int | None, high: int | None) -> str:
    values = list(dict.fromkeys(value for value in (low, high) if value is not None))
    return "–".join(str(value) for value in values)


def describe_phase(phase: ImagingPhase, first: bool, kind: str) -> str:
    """One phase in words: "Every 3 months until month 24–36"."""
    every = _range(*phase.every_months)
    text = f"{'Every' if first else 'Then every'} {every} month{'s' if every != '1' else ''}"
    low, high = phase.until_month
    if low is None and high is None:
        return f"{text} while on treatment" if kind == "monitoring" else text
    if high is None:
        return f"{text} until month {low} or later"
    return f"{text} until month {_range(low, high)}"


def _months_text(phases: Iterable[ImagingPhase]) -> str:
    """The imaging months of a schedule when no date anchors it ("3, 6, 9, ... 60")."""
    months = []
    for month in schedule_months(phases):
        months.append(month)
        if len(months) == 24:
            return f"Imaging at months {', '.join(map(str, months))}, and so on."
    return f"Imaging at months {', '.join(map(str, months))}."


def _surveillance_anchor(case: Case) -> tuple[date | None, str]:
    """End of curative treatment: the latest of the resection and the end of the last line."""
    lines = sorted(case.treatment_lines.all(), key=lambda line: (line.started_on, line.created_at))
    last_line = lines[-1] if lines else None
    if last_line is not None and last_line.ended_on is None:
        return None, (
            f"from the end of curative treatment ({last_line.get_regimen_display()} "
            f"started {show_date(last_line.started_on)} has no end date yet)"
        )
    candidates = [
        (resection.resected_on, f"resection on {show_date(resection.resected_on)}")
        for resection in case.resections.all()
        if resection.resected_on
    ]
    if last_line is not None and last_line.ended_on:
        candidates.append(
            (
                last_line.ended_on,
                f"end of {last_line.get_regimen_display()} on {show_date(last_line.ended_on)}",
            )
        )
    if not candidates:
        return None, "from the end of curative treatment (not yet recorded)"
    anchor, what = max(candidates, key=lambda pair: pair[0])
    if what.startswith("resection"):
        what += "; adjuvant treatment, once recorded, moves the start to its end"
    return anchor, f"from the end of curative treatment: {what}"


def _monitoring_anchor(case: Case, today: date) -> tuple[date, str]:
    """Start of the current treatment: the latest line's start, else today."""
    latest = max(
        case.treatment_lines.all(), key=lambda line: (line.started_on, line.created_at), default=None
    )
    if latest is None:
        return today, "from today: no treatment line is recorded yet, so dates count from today"
    started = f"{latest.get_regimen_display()} started {show_date(latest.started_on)}"
    stopped = latest.progression_date or latest.ended_on
    if latest.has_progressed or stopped:
        # The board is choosing the next line: the count restarts when that line starts.
        ended = f"progressed {show_date(stopped)}" if latest.has_progressed and stopped else "ended"
        return latest.started_on, (
            f"from the start of the latest treatment line ({started}, {ended}); "
            "the count restarts when the next line starts"
        )
    return latest.started_on, f"from the start of the current treatment: {started}"


def followup_view(case: Case, followup: FollowUp, today: date) -> FollowUpView:
    """Turn the engine's schedule into dates counted from the record's treatment dates."""
    if followup.kind == "surveillance":
        anchor, anchor_text = _surveillance_anchor(case)
    else:
        monitoring_anchor, anchor_text = _monitoring_anchor(case, today)
        anchor = monitoring_anchor
    schedule = tuple(
        describe_phase(phase, index == 0, followup.kind) for index, phase in enumerate(followup.imaging)
    )
    visits: list[Visit] = []
    earlier = 0
    months_text = ""
    if anchor is not None and followup.imaging:
        horizon = add_months(today, FOLLOWUP_HORIZON_MONTHS)
        for month in schedule_months(followup.imaging):
            due = add_months(anchor, month)
            if due > horizon:
                break
            if due < today:
                earlier += 1
            else:
                visits.append(Visit(due, month, is_next=not visits))
    ranged = any(len(set(p.every_months)) > 1 or len(set(p.until_month)) > 1 for p in followup.imaging)
    if not followup.imaging:
        dates_note = ""
    elif anchor is None:
        dates_note = (
            "Due dates appear once the end of curative treatment is recorded "
            "(resection date or end date of the last treatment line)."
        )
        months_text = _months_text(followup.imaging)
    elif not visits:
        dates_note = "The imaging schedule has been completed."
    else:
        dates_note = "Multiphase CT or MRI with contrast due on these dates (next three years)."
        if ranged:
            dates_note += " Where the guideline gives a range, the dates use the shorter interval."
    return FollowUpView(
        kind=followup.kind,
        title=FOLLOWUP_KIND.label(followup.kind),
        schedule=schedule,
        anchor_text=anchor_text,
        anchor_date=anchor,
        visits=tuple(visits),
        next_due=visits[0] if visits else None,
        earlier_count=earlier,
        dates_note=dates_note,
        months_text=months_text,
        notes=followup.notes,
        source=followup.source,
        strength_label=STRENGTH.label(followup.strength),
    )
