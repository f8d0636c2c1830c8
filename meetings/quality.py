"""The board's quality figures for a period and a classification, computed from its recorded decisions."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Case, PathologyReport
from cases.models.choices import CaseStatus, Classification
from meetings.models import AgendaItem, Attendee, Decision, DeviationReason, Specialty

# The filter value that keeps every classification (the case list's choices otherwise).
ALL_CLASSIFICATIONS = "all"
# The board's completeness as issue #17 defines it: a pathologist and a radiologist among the attendees.
REQUIRED_SPECIALTIES = (Specialty.PATHOLOGY, Specialty.RADIOLOGY)


@dataclass(frozen=True)
class QualityFilters:
    """The period (both days included) and the classification ("all" or a case classification)."""

    start: datetime.date
    end: datetime.date
    classification: str = ALL_CLASSIFICATIONS

    @property
    def classification_label(self) -> str:
        """How the page names the classification filter."""
        if self.classification == ALL_CLASSIFICATIONS:
            return "All classifications"
        return str(Classification(self.classification).label)


def default_filters(today: datetime.date | None = None) -> QualityFilters:
    """The last twelve months up to today, every classification."""
    end = today or timezone.localdate()
    try:
        start = end.replace(year=end.year - 1) + datetime.timedelta(days=1)
    except ValueError:  # 29 February: a year earlier there is none
        start = end.replace(year=end.year - 1, day=28) + datetime.timedelta(days=1)
    return QualityFilters(start=start, end=end)


@dataclass(frozen=True)
class Share:
    """A count out of a total, and its percentage (None when the total is zero)."""

    count: int
    total: int

    @property
    def percent(self) -> float | None:
        """The share in percent, unrounded."""
        return 100 * self.count / self.total if self.total else None


@dataclass(frozen=True)
class ReasonCount:
    """How often one deviation reason was given, out of all deviations."""

    code: str
    label: str
    share: Share


@dataclass(frozen=True)
class Spread:
    """Minimum, quartiles (inclusive method, linear interpolation) and maximum of a list of days."""

    count: int
    minimum: float
    lower_quartile: float
    median: float
    upper_quartile: float
    maximum: float


@dataclass(frozen=True)
class ListedCase:
    """A case the page names (so a patient read): its patient and the date that puts it on the list."""

    case_id: int
    patient_id: int
    patient_name: str
    mrn: str
    on: datetime.date | None


@dataclass(frozen=True)
class QualityFigures:
    """Every figure of the quality page, for one period and classification."""

    filters: QualityFilters
    today: datetime.date
    cases_discussed: int
    decisions: int
    follows_guideline: Share
    reasons: list[ReasonCount]
    # Cases first discussed in the period: the delay from their first pathology to that discussion.
    first_discussed: int
    days_to_discussion: Spread | None
    without_pathology: list[ListedCase] = field(default_factory=list)
    overdue_reviews: list[ListedCase] = field(default_factory=list)
    meetings: int = 0
    meetings_complete: Share = Share(0, 0)

    @property
    def deviations(self) -> int:
        """Decisions that depart from the guideline."""
        return self.follows_guideline.total - self.follows_guideline.count

    @property
    def listed_cases(self) -> list[ListedCase]:
        """Every case the figures name, once each (for the read trail)."""
        seen: dict[int, ListedCase] = {}
        for listed in [*self.without_pathology, *self.overdue_reviews]:
            seen.setdefault(listed.case_id, listed)
        return list(seen.values())


def quantile(sorted_values: list[float], fraction: float) -> float:
    """The value at `fraction` (0..1) of sorted values, interpolating linearly between neighbours."""
    position = (len(sorted_values) - 1) * fraction
    below = int(position)
    above = min(below + 1, len(sorted_values) - 1)
    return sorted_values[below] + (sorted_values[above] - sorted_values[below]) * (position - below)


def spread(values: list[float]) -> Spread | None:
    """The five-number summary of values, or None without any."""
    if not values:
        return None
    ordered = sorted(values)
    return Spread(
        count=len(ordered),
        minimum=ordered[0],
        lower_quartile=quantile(ordered, 0.25),
        median=quantile(ordered, 0.5),
        upper_quartile=quantile(ordered, 0.75),
        maximum=ordered[-1],
    )


def _period_bounds(filters: QualityFilters) -> dict[str, datetime.datetime]:
    """Meetings starting on the period's days (local time), as a half-open range."""
    start = timezone.make_aware(datetime.datetime.combine(filters.start, datetime.time.min))
    bounds = {"agenda_item__meeting__starts_at__gte": start}
    if filters.end < datetime.date.max:
        end = timezone.make_aware(datetime.datetime.combine(filters.end, datetime.time.min))
        bounds["agenda_item__meeting__starts_at__lt"] = end + datetime.timedelta(days=1)
    return bounds


def period_decisions(filters: QualityFilters) -> QuerySet[Decision]:
    """The decisions of meetings in the period, on cases of the classification."""
    decisions = Decision.objects.filter(**_period_bounds(filters))
    if filters.classification != ALL_CLASSIFICATIONS:
        decisions = decisions.filter(agenda_item__case__classification=filters.classification)
    return decisions


def _listed(case: dict[str, Any], on: datetime.date | None) -> ListedCase:
    return ListedCase(
        case_id=case["pk"],
        patient_id=case["patient_id"],
        patient_name=f"{case['patient__family_name'].upper()}, {case['patient__given_name']}",
        mrn=case["patient__mrn"],
        on=on,
    )


def quality_figures(filters: QualityFilters, today: datetime.date | None = None) -> QualityFigures:
    """The figures for the filters, in a fixed number of queries whatever the number of cases."""
    today = today or timezone.localdate()
    decisions = period_decisions(filters)
    in_period = list(
        decisions.values(
            "follows_guideline", "deviation_reason", "agenda_item__case_id", "agenda_item__meeting_id"
        )
    )
    case_ids = decisions.values("agenda_item__case_id")
    discussed = {row["agenda_item__case_id"] for row in in_period}
    meeting_ids = {row["agenda_item__meeting_id"] for row in in_period}

    follows = sum(1 for row in in_period if row["follows_guideline"])
    deviation_counts: dict[str, int] = defaultdict(int)
    for row in in_period:
        if not row["follows_guideline"]:
            deviation_counts[row["deviation_reason"]] += 1
    deviations = len(in_period) - follows
    reasons = [
        ReasonCount(reason.value, str(reason.label), Share(deviation_counts[reason.value], deviations))
        for reason in DeviationReason
    ]

    # Every decision of the cases discussed, in the period or not: their first and latest discussion.
    history: dict[int, list[tuple[datetime.datetime, datetime.datetime, datetime.date]]] = defaultdict(list)
    for case_id, starts_at, created_at, next_review in Decision.objects.filter(
        agenda_item__case_id__in=case_ids
    ).values_list("agenda_item__case_id", "agenda_item__meeting__starts_at", "created_at", "next_review_on"):
        history[case_id].append((starts_at, created_at, next_review))
    cases: dict[int, dict[str, Any]] = {
        case["pk"]: dict(case)
        for case in Case.objects.filter(pk__in=case_ids).values(
            "pk", "status", "patient_id", "patient__family_name", "patient__given_name", "patient__mrn"
        )
    }
    specimens: dict[int, list[datetime.date]] = defaultdict(list)
    for case_id, specimen_date in PathologyReport.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "specimen_date"
    ):
        specimens[case_id].append(specimen_date)
    # An agenda item still without a decision: the case is already booked for its next discussion.
    booked: dict[int, list[datetime.datetime]] = defaultdict(list)
    for case_id, starts_at in AgendaItem.objects.filter(
        case_id__in=case_ids, decision__isnull=True
    ).values_list("case_id", "meeting__starts_at"):
        booked[case_id].append(starts_at)

    days: list[float] = []
    without_pathology: list[ListedCase] = []
    overdue: list[ListedCase] = []
    first_discussed = 0
    for case_id in sorted(discussed):
        entries = sorted(history[case_id])
        first_day = timezone.localdate(entries[0][0])
        if filters.start <= first_day <= filters.end:
            first_discussed += 1
            # The diagnosis behind the first discussion: the earliest specimen taken by that day.
            before = [day for day in specimens[case_id] if day <= first_day]
            if before:
                days.append((first_day - min(before)).days)
            else:
                without_pathology.append(_listed(cases[case_id], None))
        latest_meeting, _, next_review = entries[-1]
        # Booked means on an agenda still to come: an undecided item of a past meeting books nothing.
        rebooked = any(
            starts_at > latest_meeting and timezone.localdate(starts_at) >= today
            for starts_at in booked[case_id]
        )
        if next_review < today and not rebooked and cases[case_id]["status"] != CaseStatus.CLOSED:
            overdue.append(_listed(cases[case_id], next_review))

    complete = _complete_meetings(decisions.values("agenda_item__meeting_id"))
    return QualityFigures(
        filters=filters,
        today=today,
        cases_discussed=len(discussed),
        decisions=len(in_period),
        follows_guideline=Share(follows, len(in_period)),
        reasons=reasons,
        first_discussed=first_discussed,
        days_to_discussion=spread(days),
        without_pathology=without_pathology,
        overdue_reviews=sorted(overdue, key=lambda listed: (listed.on or today, listed.case_id)),
        meetings=len(meeting_ids),
        meetings_complete=Share(complete, len(meeting_ids)),
    )


def _complete_meetings(meeting_ids: QuerySet[Decision, Any]) -> int:
    """How many of the meetings had every required specialty among their attendees (one query)."""
    present: dict[int, set[str]] = defaultdict(set)
    for meeting_id, specialty in (
        Attendee.objects.filter(meeting_id__in=meeting_ids, specialty__in=REQUIRED_SPECIALTIES)
        .order_by()  # the model's ordering by name would make DISTINCT keep one row per attendee
        .values_list("meeting_id", "specialty")
        .distinct()
    ):
        present[meeting_id].add(specialty)
    return sum(1 for specialties in present.values() if len(specialties) == len(REQUIRED_SPECIALTIES))
