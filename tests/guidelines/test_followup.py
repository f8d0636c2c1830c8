"""Follow-up due dates: counted from the record's treatment dates, the next one on or after today."""

import datetime

import pytest

from guidelines.engine.pathway import ImagingPhase
from guidelines.engine.rules.followup import G3_NET_SURVEILLANCE, NEC_MONITORING, NEC_SURVEILLANCE
from guidelines.followup import add_months, describe_phase, schedule_months
from tests.factories import (
    CaseFactory,
    PathologyReportFactory,
    ResectionFactory,
    StagingAssessmentFactory,
    TreatmentLineFactory,
)
from tests.guidelines.conftest import view_of

D = datetime.date


def test_add_months_keeps_the_day_or_clamps_to_the_month_end():
    assert add_months(D(2026, 3, 2), 2) == D(2026, 5, 2)
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2027, 11, 30), 3) == D(2028, 2, 29)
    assert add_months(D(2026, 12, 15), 13) == D(2028, 1, 15)


def test_schedules_use_the_shorter_interval_and_the_longer_phase():
    g3_net = list(zip(range(20), schedule_months(G3_NET_SURVEILLANCE), strict=False))
    assert [month for _, month in g3_net][:14] == [3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 42, 48]
    assert list(schedule_months(NEC_SURVEILLANCE))[-4:] == [42, 48, 54, 60]
    assert list(zip(range(4), schedule_months(NEC_MONITORING), strict=False)) == [
        (0, 2),
        (1, 4),
        (2, 6),
        (3, 8),
    ]


def test_phases_read_like_the_paper():
    assert describe_phase(G3_NET_SURVEILLANCE[0], True, "surveillance") == "Every 3 months until month 24–36"
    assert describe_phase(G3_NET_SURVEILLANCE[1], False, "surveillance") == (
        "Then every 6–12 months until month 120 or later"
    )
    assert describe_phase(NEC_MONITORING[0], True, "monitoring") == "Every 2–3 months while on treatment"
    assert describe_phase(ImagingPhase((1, 1), (6, 6)), True, "surveillance") == "Every 1 month until month 6"


@pytest.mark.django_db
def test_monitoring_counts_from_the_start_of_the_latest_line(demo_cases, user):
    followup = view_of(demo_cases["P07"].pk, user, today=D(2026, 11, 21)).plan.followup
    assert followup.kind == "monitoring" and followup.anchor_date == D(2026, 3, 2)
    assert "the count restarts when the next line starts" in followup.anchor_text
    # every 2 months from 2 Mar 2026: 2 May, 2 Jul, 2 Sep, 2 Nov have passed
    assert followup.earlier_count == 4
    assert followup.next_due.due == D(2027, 1, 2) and followup.next_due.month == 10
    assert [visit.is_next for visit in followup.visits].count(True) == 1
    assert followup.visits[-1].due <= D(2029, 11, 21)


@pytest.mark.django_db
def test_monitoring_without_a_treatment_line_counts_from_today(demo_cases, user):
    followup = view_of(demo_cases["P01"].pk, user, today=D(2026, 11, 21)).plan.followup
    assert followup.anchor_date == D(2026, 11, 21)
    assert "from today" in followup.anchor_text
    assert followup.next_due.due == D(2027, 2, 21)


@pytest.mark.django_db
def test_a_due_date_on_today_is_the_next_one(demo_cases, user):
    followup = view_of(demo_cases["P07"].pk, user, today=D(2027, 1, 2)).plan.followup
    assert followup.next_due.due == D(2027, 1, 2)


@pytest.mark.django_db
def test_surveillance_counts_from_the_later_of_resection_and_last_line_end(user):
    case = CaseFactory(primary_site="rectum")
    PathologyReportFactory(case=case, differentiation="poor", ki67_percent=70)
    StagingAssessmentFactory(case=case, extent="localized")
    ResectionFactory(case=case, resected_on=D(2026, 2, 1), margin="R1")
    TreatmentLineFactory(
        case=case, regimen="platinum_etoposide", started_on=D(2026, 3, 1), ended_on=D(2026, 6, 30)
    )
    followup = view_of(case.pk, user, today=D(2026, 11, 21)).plan.followup
    assert followup.kind == "surveillance" and followup.anchor_date == D(2026, 6, 30)
    assert followup.next_due.due == D(2026, 12, 30)
    assert "end of Cisplatin or carboplatin + etoposide on 30 Jun 2026" in followup.anchor_text


@pytest.mark.django_db
def test_surveillance_after_resection_only_counts_from_the_resection(demo_cases, user):
    followup = view_of(demo_cases["P04"].pk, user, today=D(2026, 11, 21)).plan.followup
    assert followup.anchor_date == D(2026, 7, 21)
    assert followup.next_due.due == D(2027, 1, 21)


@pytest.mark.django_db
def test_surveillance_with_an_ongoing_line_has_no_dates_yet(user):
    case = CaseFactory(primary_site="rectum")
    PathologyReportFactory(case=case, differentiation="poor", ki67_percent=70)
    StagingAssessmentFactory(case=case, extent="localized")
    ResectionFactory(case=case, resected_on=D(2026, 2, 1), margin="R0")
    TreatmentLineFactory(case=case, regimen="platinum_etoposide", started_on=D(2026, 3, 1))
    followup = view_of(case.pk, user, today=D(2026, 11, 21)).plan.followup
    assert followup.anchor_date is None and not followup.visits
    assert "has no end date yet" in followup.anchor_text


@pytest.mark.django_db
def test_surveillance_without_dates_says_so_and_lists_the_months(demo_cases, user):
    followup = view_of(demo_cases["P05"].pk, user, today=D(2026, 11, 21)).plan.followup
    assert followup.anchor_text == "from the end of curative treatment (not yet recorded)"
    assert followup.next_due is None and not followup.visits
    assert followup.months_text.startswith("Imaging at months 3, 6, 9, 12")
    assert followup.months_text.endswith("48, 54, 60.")
