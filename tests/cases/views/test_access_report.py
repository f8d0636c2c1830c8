"""The privacy officer's access report: per patient, per user, by dates, searches by term, as CSV."""

import csv
import datetime
import io

import pytest
from axes.models import AccessLog
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import audit, roles
from cases.models import AccessEvent, SearchEvent
from tests.factories import CaseFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("cases:access_report")


@pytest.fixture
def officer():
    client = Client()
    client.force_login(UserFactory(username="privacy", role=roles.AUDITOR))
    return client


@pytest.fixture
def trail():
    """Two readers, two patients, reads on two days."""
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    first = CaseFactory(patient=PatientFactory(mrn="MRN-1", family_name="Oak"))
    second = CaseFactory(patient=PatientFactory(mrn="MRN-2", family_name="=cmd|calc"))
    old = timezone.make_aware(datetime.datetime(2026, 3, 1, 10, 0))
    new = timezone.make_aware(datetime.datetime(2026, 3, 5, 10, 0))
    for user, case, action, at in (
        (alice, first, "view_case", old),
        (alice, second, "view_pathway", new),
        (bob, first, "download_pdf", new),
    ):
        event = AccessEvent.objects.create(patient_id=case.patient_id, case=case, user=user, action=action)
        AccessEvent.objects.filter(pk=event.pk).update(at=at)
    audit.record_search(user=alice, place=SearchEvent.Place.CASE_LIST, term="Oak", result_count=1)
    return {"alice": alice, "bob": bob, "first": first, "second": second}


def rows(text):
    return [(row[1], row[2], row[4]) for row in csv.reader(io.StringIO(text))][1:]


def test_report_per_patient(officer, trail):
    page = officer.get(URL, {"mrn": "MRN-1"})
    assert page.status_code == 200
    assert [(event.user.username, event.action) for event in page.context["events"]] == [
        ("bob", "download_pdf"),
        ("alice", "view_case"),
    ]


def test_report_per_user_between_dates_with_searches_and_logins(officer, trail):
    AccessLog.objects.create(username="alice", ip_address="10.1.1.1", user_agent="test")
    page = officer.get(URL, {"username": "alice", "date_from": "2026-03-05", "date_to": "2026-03-05"})
    assert [(event.action, event.patient.mrn) for event in page.context["events"]] == [
        ("view_pathway", "MRN-2")
    ]
    assert page.context["logins"] == [] and page.context["searches"] == []  # both were made today
    page = officer.get(URL, {"username": "alice"})
    assert [search.result_count for search in page.context["searches"]] == [1]
    assert [login.ip_address for login in page.context["logins"]] == ["10.1.1.1"]


def test_who_searched_for_a_name_is_found_by_typing_the_name(officer, trail):
    page = officer.get(URL, {"term": "  OAK"})
    assert [search.user.username for search in page.context["searches"]] == ["alice"]
    assert officer.get(URL, {"term": "Elm"}).context["searches"] == []


def test_csv_holds_every_row_and_defuses_formulas(officer, trail):
    response = officer.get(URL, {"mrn": "MRN-2", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.getvalue().decode()
    assert "'=CMD|CALC, Casey" in text and "\n=" not in text and ",=" not in text
    assert rows(text) == [("alice", "view_pathway", "MRN-2")]


def test_a_term_only_report_lists_searches_not_every_read(officer, trail):
    """Found by the smoke test: the term filtered only the searches, so the CSV held the whole trail."""
    page = officer.get(URL, {"term": "Oak"})
    assert page.context["events"] == []
    download = officer.get(URL, {"term": "Oak", "format": "csv"})
    assert rows(b"".join(download.streaming_content).decode()) == []


def test_the_csv_download_is_in_the_trail_too(officer, trail):
    download = officer.get(URL, {"username": "alice", "format": "csv"})
    assert download.status_code == 200
    assert sorted(
        AccessEvent.objects.filter(action="audit_report").values_list("user__username", "patient__mrn")
    ) == [("privacy", "MRN-1"), ("privacy", "MRN-2")]


def test_bad_input_names_the_field(officer, trail):
    page = officer.get(URL, {"mrn": "NOPE"})
    assert page.status_code == 422 and "No patient has this MRN." in page.text
    page = officer.get(URL, {"username": "alice", "date_from": "2026-03-05", "date_to": "2026-03-01"})
    assert page.status_code == 422 and "The end date is before the start date." in page.text
    page = officer.get(URL, {"date_from": "2026-03-01"})
    assert page.status_code == 422 and "Give a patient" in page.text


def test_the_officers_own_reads_are_in_the_trail(officer, trail):
    officer.get(URL, {"username": "alice"})
    assert sorted(
        AccessEvent.objects.filter(action="audit_report").values_list("user__username", "patient__mrn")
    ) == [("privacy", "MRN-1"), ("privacy", "MRN-2")]


def test_report_takes_a_fixed_number_of_queries(officer, trail, django_assert_max_num_queries):
    for _ in range(20):
        AccessEvent.objects.create(
            patient_id=trail["first"].patient_id, user=trail["alice"], action="view_case"
        )
    with django_assert_max_num_queries(15):
        assert officer.get(URL, {"username": "alice"}).status_code == 200


def test_the_auditor_sees_no_clinical_page(officer, trail):
    assert officer.get(reverse("cases:detail", args=[trail["first"].pk])).status_code == 403


def test_the_auditor_is_not_offered_the_clinical_record(officer):
    """The privacy officer's navigation has the report, not the case list it may not open."""
    html = officer.get(URL).text
    assert f'href="{reverse("cases:list")}"' not in html
    assert officer.get(reverse("cases:list")).status_code == 403


def test_the_last_possible_end_date_is_an_open_end_not_a_server_error(officer, trail):
    """date_to=9999-12-31 has no next day: the range is open at the end (found by a hostile test: 500)."""
    page = officer.get(URL, {"mrn": "MRN-1", "date_to": "9999-12-31"})
    assert page.status_code == 200
    assert [event.action for event in page.context["events"]] == ["download_pdf", "view_case"]
    download = officer.get(URL, {"mrn": "MRN-1", "date_to": "9999-12-31", "format": "csv"})
    assert download.status_code == 200
    assert b"MRN-1" in b"".join(download.streaming_content)
