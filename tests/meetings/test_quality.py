"""The quality page, CSV and PDF: figures checked against a plain recount of the seeded decisions."""

import csv
import datetime
import io
import re
import statistics

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import roles
from cases.models import AccessEvent
from meetings.models import DeviationReason
from tests.factories import CaseFactory, PathologyReportFactory, UserFactory
from tests.meetings.conftest import pdf_pages
from tests.meetings.factories import AgendaItemFactory, AttendeeFactory, DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
# The default period: the twelve months up to today (from the day after the same date a year ago).
try:
    YEAR_START = TODAY.replace(year=TODAY.year - 1) + DAY
except ValueError:  # 29 February
    YEAR_START = TODAY.replace(year=TODAY.year - 1, day=28) + DAY
# Meetings by key: days before today, and the specialties present.
MEETINGS = {
    "old": (500, ["pathology", "radiology"]),
    "m1": (100, ["pathology", "radiology"]),
    "m2": (50, ["pathology", "surgery"]),
    "m3": (20, ["pathology", "radiology", "surgery"]),
    "m4": (5, ["pathology"]),
    "next": (-10, ["pathology"]),
}
# Cases by key: classification, status, pathology specimen dates (days before their first meeting).
CASES = {
    "A": ("nec", "ready", [30]),
    "B": ("nec", "ready", [10]),
    "C": ("g3_net", "ready", []),
    "D": ("g3_net", "ready", [45, -5]),  # a second specimen after the first discussion does not count
    "E": ("nec", "ready", [20]),
    "F": ("g3_net", "closed", [7]),
    "G": ("nec", "ready", [12]),
}
# Decisions: case, meeting, deviation reason ("" follows the guideline), next review (days from today).
DECISIONS = [
    ("A", "m1", "", 30),
    ("A", "m3", "patient_preference", -5),
    ("B", "m1", "clinical_trial", -10),
    ("C", "m2", "", -1),
    ("D", "m2", "other", 10),
    ("E", "old", "", -400),
    ("E", "m3", "", 60),
    ("F", "m3", "performance_status", -30),
    ("G", "m3", "", -3),
]
# Agenda items without a decision yet: B is booked again; G was left undecided at a past meeting (not booked).
BOOKED = [("B", "next"), ("G", "m4")]


def meeting_day(key: str) -> datetime.date:
    return TODAY - MEETINGS[key][0] * DAY


def first_meeting(case: str) -> str:
    return min((meeting for name, meeting, _, _ in DECISIONS if name == case), key=meeting_day)


@pytest.fixture
def seeded():
    """The seed above in the database; returns the cases by key."""
    meetings = {}
    for key, (days_ago, specialties) in MEETINGS.items():
        starts = datetime.datetime.combine(TODAY - days_ago * DAY, datetime.time(16))
        meetings[key] = MeetingFactory(starts_at=timezone.make_aware(starts))
        for specialty in specialties:
            AttendeeFactory(meeting=meetings[key], specialty=specialty)
    cases = {}
    for key, (classification, status, specimen_days) in CASES.items():
        cases[key] = CaseFactory(classification=classification, status=status)
        for days in specimen_days:
            PathologyReportFactory(
                case=cases[key], specimen_date=meeting_day(first_meeting(key)) - days * DAY
            )
    for case, meeting, reason, review in DECISIONS:
        item = AgendaItemFactory(meeting=meetings[meeting], case=cases[case])
        DecisionFactory(
            agenda_item=item,
            follows_guideline=not reason,
            deviation_reason=reason,
            deviation_detail="Frailty after surgery." if reason == "other" else "",
            next_review_on=TODAY + review * DAY,
        )
    for case, meeting in BOOKED:
        AgendaItemFactory(meeting=meetings[meeting], case=cases[case])
    return cases


def expected(start: datetime.date, end: datetime.date, classification: str = "all") -> dict:
    """The figures recounted by hand from the seed tables (not by meetings.quality)."""
    chosen = [
        (case, meeting, reason, review)
        for case, meeting, reason, review in DECISIONS
        if start <= meeting_day(meeting) <= end and classification in ("all", CASES[case][0])
    ]
    discussed = sorted({case for case, _, _, _ in chosen})
    deviating = [reason for _, _, reason, _ in chosen if reason]
    meetings = {meeting for _, meeting, _, _ in chosen}
    complete = [m for m in meetings if {"pathology", "radiology"} <= set(MEETINGS[m][1])]
    days, without = [], []
    for case in discussed:
        first = first_meeting(case)
        if start <= meeting_day(first) <= end:
            taken_by_then = [d for d in CASES[case][2] if d >= 0]
            if taken_by_then:
                days.append(max(taken_by_then))
            else:
                without.append(case)
    overdue = []
    for case in discussed:
        latest = max((d for d in DECISIONS if d[0] == case), key=lambda d: meeting_day(d[1]))
        booked = any(
            name == case and meeting_day(latest[1]) < meeting_day(m) and meeting_day(m) >= TODAY
            for name, m in BOOKED
        )
        if latest[3] < 0 and not booked and CASES[case][1] != "closed":
            overdue.append(case)
    quartiles = statistics.quantiles(days, n=4, method="inclusive") if len(days) > 1 else None
    return {
        "cases_discussed": len(discussed),
        "decisions": len(chosen),
        "follows": len(chosen) - len(deviating),
        "reasons": {reason.value: deviating.count(reason.value) for reason in DeviationReason},
        "deviations": len(deviating),
        "days": days,
        "quartiles": quartiles,
        "without": without,
        "overdue": overdue,
        "meetings": len(meetings),
        "complete": len(complete),
    }


def percent(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}"


def number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@pytest.fixture
def clinician_client(client):
    client.force_login(UserFactory(username="quality-clinician", role=roles.CLINICIAN))
    return client


def page(client, **params):
    response = client.get(reverse("quality:page"), params)
    assert response.status_code == 200, response.content
    return response.text


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert match, element_id
    return match.group(1)


def csv_figures(client, **params) -> dict[tuple[str, str], list[str]]:
    response = client.get(reverse("quality:csv"), params)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["figure", "detail", "value", "of", "percent"]
    return {(row[0], row[1]): row[2:] for row in rows[1:]}


PERIODS = [
    pytest.param({}, YEAR_START, TODAY, "all", id="default-12-months"),
    pytest.param(
        {"date_from": TODAY - 60 * DAY, "date_to": TODAY}, TODAY - 60 * DAY, TODAY, "all", id="60-days"
    ),
    pytest.param(
        {"date_from": YEAR_START, "date_to": TODAY, "classification": "g3_net"},
        YEAR_START,
        TODAY,
        "g3_net",
        id="g3-net",
    ),
]


@pytest.mark.parametrize(("params", "start", "end", "classification"), PERIODS)
def test_the_page_shows_the_recounted_figures(seeded, clinician_client, params, start, end, classification):
    want = expected(start, end, classification)
    html = page(clinician_client, **params)
    assert text_of(html, "figure-cases-discussed") == str(want["cases_discussed"])
    assert text_of(html, "figure-decisions") == str(want["decisions"])
    assert text_of(html, "figure-follows") == (
        f"{want['follows']} of {want['decisions']} ({percent(want['follows'], want['decisions'])}%)"
    )
    assert text_of(html, "figure-meetings-complete") == (
        f"{want['complete']} of {want['meetings']} ({percent(want['complete'], want['meetings'])}%)"
    )
    assert text_of(html, "figure-overdue") == str(len(want["overdue"]))
    for code, count in want["reasons"].items():
        row = re.search(rf'data-reason="{code}">(.*?)</tr>', html).group(1)
        assert f">{count}<" in row
        assert f">{percent(count, want['deviations'])}%<" in row
    if want["quartiles"]:
        assert text_of(html, "figure-median-days") == number(want["quartiles"][1])
    for case in want["overdue"]:
        assert seeded[case].patient.mrn in html.split('id="overdue-reviews"')[1]


@pytest.mark.parametrize(("params", "start", "end", "classification"), PERIODS)
def test_the_csv_holds_the_recounted_figures(seeded, clinician_client, params, start, end, classification):
    want = expected(start, end, classification)
    rows = csv_figures(clinician_client, **params)
    assert rows[("period_from", "")][0] == start.isoformat()
    assert rows[("cases_discussed", "")][0] == str(want["cases_discussed"])
    assert rows[("follows_guideline", "")] == [
        str(want["follows"]),
        str(want["decisions"]),
        percent(want["follows"], want["decisions"]),
    ]
    for reason in DeviationReason:
        count = want["reasons"][reason.value]
        assert rows[("deviation_reason", str(reason.label))] == [
            str(count),
            str(want["deviations"]),
            percent(count, want["deviations"]),
        ]
    assert rows[("meetings_with_pathology_and_radiology", "")] == [
        str(want["complete"]),
        str(want["meetings"]),
        percent(want["complete"], want["meetings"]),
    ]
    if want["quartiles"]:
        lower, median, upper = want["quartiles"]
        assert rows[("days_to_discussion", "cases with a pathology date")][0] == str(len(want["days"]))
        assert rows[("days_to_discussion", "lower_quartile")][0] == f"{lower:g}"
        assert rows[("days_to_discussion", "median")][0] == f"{median:g}"
        assert rows[("days_to_discussion", "upper_quartile")][0] == f"{upper:g}"
        assert rows[("days_to_discussion", "minimum")][0] == f"{min(want['days']):g}"
    listed = {detail for figure, detail in rows if figure == "overdue_review"}
    assert listed == {f"case {seeded[case].pk}" for case in want["overdue"]}
    without = {
        detail for figure, detail in rows if figure == "without_pathology_date" and detail.startswith("case ")
    }
    assert without == {f"case {seeded[case].pk}" for case in want["without"]}


def test_the_filters_change_the_figures(seeded):
    year = expected(YEAR_START, TODAY)
    recent = expected(TODAY - 60 * DAY, TODAY)
    net = expected(YEAR_START, TODAY, "g3_net")
    # The seed is built so that each filter changes what is counted (else the tests above prove little).
    assert year["decisions"] != recent["decisions"] != net["decisions"]
    assert year["quartiles"] != net["quartiles"]
    assert year["without"] == ["C"]
    # G's only later agenda item is a past meeting that left it undecided: still overdue.
    assert year["overdue"] == ["A", "C", "G"]


def test_a_case_without_pathology_date_is_named(seeded, clinician_client):
    html = page(clinician_client)
    listed = html.split('id="without-pathology"')[1].split("</ul>")[0]
    assert seeded["C"].patient.mrn in listed
    assert seeded["A"].patient.mrn not in listed


def test_listed_patients_are_in_the_read_trail_aggregates_are_not(seeded, clinician_client):
    page(clinician_client)
    viewed = AccessEvent.objects.filter(action=AccessEvent.Action.VIEW_QUALITY)
    listed = [seeded["A"], seeded["C"], seeded["G"]]
    assert sorted(viewed.values_list("case_id", flat=True)) == sorted(case.pk for case in listed)
    csv_figures(clinician_client)
    exported = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT_QUALITY)
    assert {event.patient_id for event in exported} == {case.patient_id for case in listed}
    # A period listing nobody (only aggregates) records no read.
    AccessEvent.objects.all().delete()
    page(clinician_client, date_from=TODAY - 30 * DAY, date_to=TODAY, classification="g3_net")
    assert not AccessEvent.objects.exists()


def seed_many(count: int) -> None:
    """`count` cases decided at one complete meeting; every third overdue, every fourth without pathology."""
    starts = timezone.make_aware(datetime.datetime.combine(TODAY - 30 * DAY, datetime.time(16)))
    meeting = MeetingFactory(starts_at=starts)
    for specialty in ("pathology", "radiology"):
        AttendeeFactory(meeting=meeting, specialty=specialty)
    for number in range(count):
        case = CaseFactory(classification="nec")
        if number % 4:
            PathologyReportFactory(case=case, specimen_date=TODAY - (40 + number) * DAY)
        DecisionFactory(
            agenda_item=AgendaItemFactory(meeting=meeting, case=case),
            follows_guideline=number % 2 == 0,
            deviation_reason="" if number % 2 == 0 else "clinical_trial",
            next_review_on=TODAY - DAY if number % 3 == 0 else TODAY + 30 * DAY,
        )


@pytest.mark.parametrize("name", ["quality:page", "quality:csv"])
def test_the_query_count_does_not_grow_with_the_cases(clinician_client, name):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert clinician_client.get(reverse(name)).status_code == 200
        return len(captured)

    seed_many(3)
    few = queries()
    seed_many(27)
    # session, user, two of permissions, decisions, their history, cases, specimens, bookings, attendees,
    # the read trail (one insert) and the session's refresh (in a savepoint)
    assert few <= 14
    assert queries() == few


def test_the_pdf_holds_the_figures(seeded, clinician_client):
    want = expected(YEAR_START, TODAY)
    response = clinician_client.get(reverse("quality:pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_pages(response.content))
    assert f"Cases discussed {want['cases_discussed']}" in text
    assert (
        f"{want['follows']} of {want['decisions']} ({percent(want['follows'], want['decisions'])}%)" in text
    )
    assert seeded["A"].patient.mrn in text
    assert AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT_QUALITY).count() == 3


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "2026-13-45"}, "date_from", "Enter a valid date."),
        ({"date_to": "1999-12-31"}, "date_to", "before 2000"),
        ({"date_from": "2026-06-01", "date_to": "2026-05-01"}, "date_to", "before the start date"),
        ({"date_to": "9999-12-31"}, "date_to", "more than two years ahead"),
        ({"classification": "carcinoid"}, "classification", "Select a valid choice."),
    ],
)
def test_bad_filters_are_refused_naming_the_field(clinician_client, params, field, message):
    response = clinician_client.get(reverse("quality:page"), params)
    assert response.status_code == 422
    error = re.search(rf'id="id_{field}-error">([^<]*)<', response.text)
    assert error, response.text
    assert message in error.group(1)
    csv_response = clinician_client.get(reverse("quality:csv"), params)
    assert csv_response.status_code == 422
    assert f"{field}: " in csv_response.text
    assert message in csv_response.text


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (roles.CLINICIAN, True),
        (roles.COORDINATOR, True),
        (roles.ADMINISTRATOR, True),
        (roles.VIEWER, False),
        (roles.AUDITOR, False),
    ],
)
def test_the_navbar_links_the_page_for_those_allowed(client, role, allowed):
    client.force_login(UserFactory(username="someone", role=role))
    html = client.get(
        reverse("meetings:list") if role != roles.AUDITOR else reverse("cases:access_report")
    ).text
    assert (f'href="{reverse("quality:page")}"' in html) is allowed
    assert (client.get(reverse("quality:page")).status_code == 200) is allowed


def test_a_period_without_decisions_says_so(clinician_client):
    html = page(clinician_client)
    assert text_of(html, "figure-decisions") == "0"
    assert "No decision was recorded in the period." in html
    assert "No review is overdue." in html
    rows = csv_figures(clinician_client)
    assert rows[("follows_guideline", "")] == ["0", "0", ""]
    assert clinician_client.get(reverse("quality:pdf")).status_code == 200
