"""The cohort CSV: its rows from the seeded record, the case list's filters, permissions, audit, safety."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import roles
from cases.models import AccessEvent
from interop.cohort import COLUMNS, UTF8_BOM
from tests.factories import (
    CaseFactory,
    PathologyReportFactory,
    PatientFactory,
    StagingAssessmentFactory,
    TreatmentLineFactory,
    UserFactory,
)
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db

URL = reverse("interop:cohort_export")


def parsed(response) -> list[dict[str, str]]:
    """The CSV of a response as one dict per row (the byte order mark checked and removed)."""
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith(UTF8_BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(UTF8_BOM))))


def classified_case(**kwargs):
    """A pancreatic case with the facts the engine needs (well differentiated, Ki-67 30 %, metastatic)."""
    case = CaseFactory(**kwargs)
    PathologyReportFactory(case=case)
    StagingAssessmentFactory(case=case)
    return case


def meeting_on(day: datetime.date):
    return MeetingFactory(starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(16))))


@pytest.fixture
def coordinator():
    return UserFactory(username="coordinator", role=roles.COORDINATOR)


@pytest.fixture
def cohort(clinician):
    """A case decided twice (a deviation last), one never discussed, and one closed."""
    decided = classified_case(
        patient=PatientFactory(mrn="MRN-1", family_name="Ames", given_name="Ada"),
        classification="g3_net",
        status="discussed",
    )
    TreatmentLineFactory(case=decided, progressed=True, progression_date=datetime.date(2026, 3, 1))
    earlier = AgendaItemFactory(case=decided, meeting=meeting_on(datetime.date(2026, 2, 1)))
    DecisionFactory(agenda_item=earlier, plan="Watch and wait.")
    later = AgendaItemFactory(case=decided, meeting=meeting_on(datetime.date(2026, 4, 2)))
    oncologist = UserFactory(username="onc", first_name="Olga", last_name="Oncologist")
    DecisionFactory(
        agenda_item=later,
        option_code="capecitabine_temozolomide",
        option_text="Capecitabine + temozolomide",
        plan="",
        follows_guideline=False,
        deviation_reason="patient_preference",
        deviation_detail="Prefers oral treatment.",
        responsible_clinician=oncologist,
    )
    undiscussed = CaseFactory(
        patient=PatientFactory(mrn="MRN-2", family_name="Bell", given_name="Ben"), status="draft"
    )
    closed = CaseFactory(patient=PatientFactory(mrn="MRN-3", family_name="Cole"), status="closed")
    return {"decided": decided, "undiscussed": undiscussed, "closed": closed}


@pytest.fixture
def clinician():
    return UserFactory(username="clinician", role=roles.CLINICIAN)


def test_rows_hold_classification_decision_point_and_the_latest_decision(client, clinician, cohort):
    client.force_login(clinician)
    response = client.get(URL)
    assert response.status_code == 200
    rows = {row["case_id"]: row for row in parsed(response)}
    decided, undiscussed = cohort["decided"], cohort["undiscussed"]
    assert set(rows) == {str(decided.pk), str(undiscussed.pk)}  # closed cases are left out, as in the list
    assert rows[str(decided.pk)] == {
        "case_id": str(decided.pk),
        "mrn": "MRN-1",
        "family_name": "Ames",
        "given_name": "Ada",
        "primary_site": "pancreas",
        "primary_site_label": "Pancreas",
        "classification": "g3_net",
        "classification_label": "Well-differentiated G3 NET",
        "status": "discussed",
        "decision_point": "after_progression",
        "decision_point_text": "After progression on 1 line: choosing line 2",
        "decision_meeting_date": "2026-04-02",
        "decision_option_code": "capecitabine_temozolomide",
        "decision_plan": "Capecitabine + temozolomide",
        "follows_guideline": "no",
        "deviation_reason": "patient_preference",
        "deviation_reason_label": "Patient preference",
        "deviation_detail": "Prefers oral treatment.",
        "responsible_clinician": "Olga Oncologist",
    }
    # No facts for the engine and no board decision: the columns are empty, the case is still listed.
    blank = rows[str(undiscussed.pk)]
    assert blank["mrn"] == "MRN-2" and blank["status"] == "draft"
    assert all(blank[column] == "" for column in COLUMNS if column.startswith(("decision", "deviation")))
    assert blank["follows_guideline"] == blank["classification"] == blank["responsible_clinician"] == ""


def test_the_header_is_the_columns(client, clinician, cohort):
    client.force_login(clinician)
    text = b"".join(client.get(URL).streaming_content).decode("utf-8").removeprefix(UTF8_BOM)
    assert next(csv.reader(io.StringIO(text))) == list(COLUMNS)


def test_a_decision_that_follows_the_guideline(client, clinician):
    case = classified_case()
    DecisionFactory(agenda_item=AgendaItemFactory(case=case), plan="Surgery first.\nThen review.")
    client.force_login(clinician)
    (row,) = parsed(client.get(URL))
    assert row["follows_guideline"] == "yes"
    assert row["decision_plan"] == "Surgery first."
    assert row["decision_point"] == "initial"
    assert row["deviation_reason"] == row["deviation_reason_label"] == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "ames"}, {"decided"}),
        ({"q": "MRN-2"}, {"undiscussed"}),
        ({"status": "closed"}, {"closed"}),
        ({"status": "draft"}, {"undiscussed"}),
        ({"classification": "g3_net"}, {"decided"}),
        ({"classification": "g3_net", "status": "draft"}, set()),
        ({"status": "nonsense"}, {"decided", "undiscussed"}),
    ],
)
def test_filtered_like_the_case_list(client, clinician, cohort, query, expected):
    client.force_login(clinician)
    listed = {row["case_id"] for row in parsed(client.get(URL, query))}
    assert listed == {str(cohort[name].pk) for name in expected}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.VIEWER, 403),
        (roles.AUDITOR, 403),
        (roles.CLINICIAN, 200),
        (roles.COORDINATOR, 200),
        (roles.ADMINISTRATOR, 200),
    ],
)
def test_who_may_export(client, role, status):
    client.force_login(UserFactory(username="someone", role=role))
    assert client.get(URL).status_code == status


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_file_to_save_never_cached(client, coordinator, cohort):
    client.force_login(coordinator)
    response = client.get(URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cohort.csv"'
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert client.post(URL).status_code == 405


def test_one_access_event_per_case_exported(client, coordinator, cohort):
    client.force_login(coordinator)
    parsed(client.get(URL, {"status": "draft"}))
    parsed(client.get(URL))
    events = AccessEvent.objects.filter(user=coordinator, action=AccessEvent.Action.EXPORT_COHORT)
    undiscussed, decided = cohort["undiscussed"], cohort["decided"]
    assert sorted(events.values_list("case_id", "patient_id")) == sorted(
        [
            (undiscussed.pk, undiscussed.patient_id),
            (undiscussed.pk, undiscussed.patient_id),
            (decided.pk, decided.patient_id),
        ]
    )


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_a_spreadsheet_would_run_are_quoted(client, clinician, start):
    formula = f'{start}HYPERLINK("http://x")'
    CaseFactory(patient=PatientFactory(family_name=formula, given_name="Plain"))
    client.force_login(clinician)
    (row,) = parsed(client.get(URL))
    assert row["family_name"] == f"'{formula}"
    assert row["given_name"] == "Plain"


def test_the_case_list_links_the_export_with_its_filters(client, clinician, coordinator, cohort):
    client.force_login(clinician)
    page = client.get(reverse("cases:list"), {"q": "ames", "status": "discussed"}).content.decode()
    assert f'href="{URL}?q=ames&amp;status=discussed"' in page and "Export CSV" in page
    client.force_login(coordinator)
    assert f'href="{URL}"' in client.get(reverse("cases:list")).content.decode()


def test_the_case_list_shows_no_export_to_a_viewer(client, cohort):
    client.force_login(UserFactory(username="viewer", role=roles.VIEWER))
    page = client.get(reverse("cases:list")).content.decode()
    assert "Export CSV" not in page and URL not in page


def exported_with_queries(client) -> tuple[int, int]:
    """How many rows the export holds and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        rows = parsed(client.get(URL))
    return len(rows), len(queries)


def test_the_number_of_queries_does_not_grow_with_the_cases(client, clinician):
    def decided_case():
        DecisionFactory(agenda_item=AgendaItemFactory(case=classified_case()))

    decided_case()
    client.force_login(clinician)
    rows, queries_for_one = exported_with_queries(client)
    assert rows == 1
    for _ in range(5):
        decided_case()
    assert exported_with_queries(client) == (6, queries_for_one)
    # Session, user and permissions, the cases, each kind of finding, the decisions, the audit insert.
    assert queries_for_one <= 20


def test_the_export_follows_the_worklist_tab(client, clinician):
    """The CSV holds the case list's tab too: "My cases" exports only the clinician's own."""
    own = CaseFactory(responsible_clinician=clinician)
    CaseFactory()
    client.force_login(clinician)
    assert [row["case_id"] for row in parsed(client.get(URL, {"list": "mine"}))] == [str(own.pk)]
    assert len(parsed(client.get(URL, {"list": "nonsense", "sort": "nonsense"}))) == 2


def test_the_export_follows_the_sort(client, clinician):
    for name in ("Baker", "Adams", "Cole"):
        CaseFactory(patient=PatientFactory(family_name=name))
    client.force_login(clinician)
    rows = parsed(client.get(URL, {"sort": "-patient"}))
    assert [row["family_name"] for row in rows] == ["Cole", "Baker", "Adams"]
