"""Every view showing patient data writes an access event per patient shown, in a fixed number of queries."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import audit, roles
from cases.models import AccessEvent, SearchEvent
from meetings.models import MeetingPacket, PacketStatus
from meetings.packet import agenda_for_packet, packet_fingerprint
from tests.factories import (
    CaseFactory,
    PathologyReportFactory,
    PatientFactory,
    StagingAssessmentFactory,
    UserFactory,
)
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory, ReadyCaseFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reader():
    return UserFactory(username="reader", role=roles.VIEWER)


@pytest.fixture
def coordinator():
    return UserFactory(username="organiser", role=roles.COORDINATOR)


@pytest.fixture
def clinician():
    return UserFactory(username="doctor", role=roles.CLINICIAN)


def events(action):
    rows = AccessEvent.objects.filter(action=action).values_list("user__username", "patient_id", "case_id")
    return sorted(rows, key=lambda row: (row[0], row[1], row[2] or 0))


def meeting_of(count):
    meeting = MeetingFactory()
    items = [AgendaItemFactory(meeting=meeting) for _ in range(count)]
    return meeting, items


def test_case_list_records_each_listed_patient(reader):
    cases = [CaseFactory() for _ in range(3)]
    response = client_for(reader).get(reverse("cases:list"))
    assert response.status_code == 200
    assert events("list_cases") == sorted(("reader", case.patient_id, case.pk) for case in cases)
    assert not SearchEvent.objects.exists()


def test_case_list_records_only_the_page_shown(reader):
    for _ in range(30):
        CaseFactory()
    client_for(reader).get(reverse("cases:list"), {"page": 2})
    assert AccessEvent.objects.filter(action="list_cases").count() == 5


def test_search_records_the_patients_found_and_a_digest_of_the_terms_never_the_terms(reader):
    found = CaseFactory(patient=PatientFactory(family_name="Zebedee"))
    CaseFactory()
    response = client_for(reader).get(reverse("cases:list"), {"q": "zebedee"}, **HTMX)
    assert found.patient.mrn in response.text
    assert events("search_result") == [("reader", found.patient_id, found.pk)]
    search = SearchEvent.objects.get()
    assert (search.user.username, search.place, search.result_count) == ("reader", "case_list", 1)
    assert search.term_digest == audit.term_digest("  ZEBEDEE ")
    stored = " ".join(str(value) for value in SearchEvent.objects.values_list().get())
    assert "zebedee" not in stored.lower()


def test_a_search_finding_nobody_is_still_recorded(reader):
    CaseFactory()
    client_for(reader).get(reverse("cases:list"), {"q": "Nobody-by-this-name"})
    assert SearchEvent.objects.get().result_count == 0
    assert not AccessEvent.objects.exists()


def count_queries(client, path, data=None, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, data or {}, **headers)
    assert response.status_code == 200
    return len(queries)


def test_case_list_trail_takes_one_query_however_many_rows(reader):
    client = client_for(reader)
    CaseFactory()
    one_row = count_queries(client, reverse("cases:list"))
    for _ in range(24):
        CaseFactory()
    assert count_queries(client, reverse("cases:list")) == one_row
    assert count_queries(client, reverse("cases:list"), {"q": "Testpatient"}) == one_row + 1  # + the search


def test_meeting_page_records_each_agenda_patient(reader):
    meeting, items = meeting_of(2)
    client_for(reader).get(reverse("meetings:detail", args=[meeting.pk]))
    assert events("view_meeting") == sorted(("reader", item.case.patient_id, item.case_id) for item in items)


def test_meeting_page_records_the_ready_patients_offered_to_a_coordinator(coordinator):
    meeting, items = meeting_of(1)
    waiting = ReadyCaseFactory()
    client_for(coordinator).get(reverse("meetings:detail", args=[meeting.pk]))
    shown = {(item.case.patient_id, item.case_id) for item in items} | {(waiting.patient_id, waiting.pk)}
    assert {(patient, case) for _, patient, case in events("view_meeting")} == shown


def test_meeting_page_trail_takes_one_query_however_long_the_agenda(coordinator):
    client = client_for(coordinator)
    short, _ = meeting_of(1)
    long, _ = meeting_of(6)
    ReadyCaseFactory()
    assert count_queries(client, reverse("meetings:detail", args=[short.pk])) == count_queries(
        client, reverse("meetings:detail", args=[long.pk])
    )


def test_present_mode_records_the_case_on_screen_only(reader):
    meeting, items = meeting_of(2)
    PathologyReportFactory(case=items[1].case)
    response = client_for(reader).get(reverse("meetings:present_case", args=[meeting.pk, 2]))
    assert response.status_code == 200
    assert events("present") == [("reader", items[1].case.patient_id, items[1].case_id)]


def test_decision_form_records_its_case(clinician):
    meeting, items = meeting_of(1)
    assert (
        client_for(clinician).get(reverse("meetings:decision", args=[meeting.pk, items[0].pk])).status_code
        == 200
    )
    assert events("view_decision") == [("doctor", items[0].case.patient_id, items[0].case_id)]


def test_minutes_pdf_records_every_patient_in_it(clinician, monkeypatch):
    monkeypatch.setattr("meetings.views.documents.render_minutes", lambda meeting, user: b"%PDF-1.7 stub")
    meeting, items = meeting_of(3)
    DecisionFactory(agenda_item=items[0])
    response = client_for(clinician).get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert events("download_minutes") == sorted(
        ("doctor", item.case.patient_id, item.case_id) for item in items
    )


def test_packet_pdf_records_every_patient_in_it(reader):
    meeting, items = meeting_of(3)
    fingerprint = packet_fingerprint(meeting, agenda_for_packet(meeting))
    packet = MeetingPacket(meeting=meeting, status=PacketStatus.READY, fingerprint=fingerprint)
    packet.file.save("packet.pdf", ContentFile(b"%PDF"))
    response = client_for(reader).get(reverse("meetings:packet_pdf", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert events("download_packet") == sorted(
        ("reader", item.case.patient_id, item.case_id) for item in items
    )


def test_workup_form_and_its_live_validation_record_the_case(clinician):
    case = CaseFactory()
    client = client_for(clinician)
    assert client.get(reverse("cases:workup", args=[case.pk, "pathology"])).status_code == 200
    client.post(
        reverse("cases:workup_validate", args=[case.pk, "pathology"]), {"_changed": "ki67_percent"}, **HTMX
    )
    assert events("view_workup") == [("doctor", case.patient_id, case.pk)] * 2


@pytest.fixture
def admin_client_user():
    user = UserFactory(username="root", is_staff=True, is_superuser=True, role="")
    return client_for(user)


def test_admin_change_pages_record_the_patient(admin_client_user):
    case = CaseFactory()
    report = PathologyReportFactory(case=case)
    for name, pk in (
        ("admin:cases_case_change", case.pk),
        ("admin:cases_patient_change", case.patient_id),
        ("admin:cases_pathologyreport_change", report.pk),
    ):
        assert admin_client_user.get(reverse(name, args=[pk])).status_code == 200
    assert (
        events("admin_view") == [("root", case.patient_id, None)] + [("root", case.patient_id, case.pk)] * 2
    )


def test_admin_lists_record_each_row_and_searches_as_digests(admin_client_user):
    cases = [CaseFactory() for _ in range(2)]
    StagingAssessmentFactory(case=cases[0])
    admin_client_user.get(reverse("admin:cases_case_changelist"))
    admin_client_user.get(reverse("admin:cases_stagingassessment_changelist"))
    admin_client_user.get(reverse("admin:cases_patient_changelist"), {"q": cases[1].patient.family_name})
    listed = [("root", case.patient_id, case.pk) for case in cases] + [
        ("root", cases[0].patient_id, cases[0].pk)
    ]
    listed.append(("root", cases[1].patient_id, None))
    assert events("admin_list") == sorted(listed, key=lambda row: (row[1], row[2] or 0))
    search = SearchEvent.objects.get()
    assert (search.place, search.result_count) == ("admin", 1)
    assert search.term_digest == audit.term_digest(cases[1].patient.family_name)


def test_the_admin_patient_autocomplete_records_each_patient_it_offers_and_the_search(admin_client_user):
    offered = [PatientFactory(family_name="Autocompletion") for _ in range(2)]
    PatientFactory(family_name="Elsewhere")
    params = {"app_label": "cases", "model_name": "case", "field_name": "patient"}
    response = admin_client_user.get(reverse("admin:autocomplete"), {**params, "term": "autocompl"})
    assert response.status_code == 200
    assert sorted(int(row["id"]) for row in response.json()["results"]) == sorted(p.pk for p in offered)
    assert events("admin_list") == sorted(("root", patient.pk, None) for patient in offered)
    search = SearchEvent.objects.get()
    assert (search.place, search.result_count) == ("admin", 2)
    assert search.term_digest == audit.term_digest("autocompl")


def test_an_empty_autocomplete_lists_patients_and_records_them_without_a_search(admin_client_user):
    patient = PatientFactory()
    params = {"app_label": "cases", "model_name": "case", "field_name": "patient", "term": ""}
    assert admin_client_user.get(reverse("admin:autocomplete"), params).status_code == 200
    assert events("admin_list") == [("root", patient.pk, None)]
    assert not SearchEvent.objects.exists()


def test_an_autocomplete_refused_records_nothing(reader):
    PatientFactory()
    params = {"app_label": "cases", "model_name": "case", "field_name": "patient", "term": ""}
    response = client_for(reader).get(reverse("admin:autocomplete"), params)
    assert response.status_code in (302, 403)
    assert not AccessEvent.objects.exists()


def test_admin_meeting_page_records_the_agenda_patients(admin_client_user):
    meeting, items = meeting_of(2)
    admin_client_user.get(reverse("admin:meetings_meeting_changelist"))
    assert (
        admin_client_user.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).status_code == 200
    )
    assert not events("admin_list")
    assert events("admin_view") == sorted(("root", item.case.patient_id, item.case_id) for item in items)
