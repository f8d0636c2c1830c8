"""Issue 13 through the views: decimals, tests not done, labels, known MRNs, closing drafts, forged fields."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.facts import facts_dict_for_case, with_record
from cases.models import AccessEvent, Case, ImagingStudy, MolecularResult, PathologyReport
from meetings.models import Meeting
from tests.factories import (
    CaseFactory,
    ImagingStudyFactory,
    PathologyReportFactory,
    PatientFactory,
    ResectionFactory,
    StagingAssessmentFactory,
    UserFactory,
)
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinician():
    return UserFactory(username="clinician", first_name="Clara", last_name="Klinik")


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client


def pathology(**changes):
    return {
        "specimen": "primary",
        "specimen_date": "2026-01-05",
        "differentiation": "well",
        "ki67_percent": "30",
        **changes,
    }


def workup(case, step):
    return reverse("cases:workup", args=[case.pk, step])


# --- 3. decimal comma -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("3,5", Decimal("3.5")), ("35,5", Decimal("35.5")), ("3.5", Decimal("3.5")), (" 7 ", 7)],
)
def test_decimal_comma_is_the_decimal_separator(clinician_client, typed, stored):
    case = CaseFactory()
    response = clinician_client.post(workup(case, "pathology"), pathology(ki67_percent=typed))
    assert response.status_code == 302
    assert PathologyReport.objects.get(case=case).ki67_percent == stored


@pytest.mark.parametrize("typed", ["1,234.5", "1.234,5", "3,5,0", "1.000.0"])
def test_two_separators_are_refused_naming_the_field(clinician_client, typed):
    case = CaseFactory()
    response = clinician_client.post(workup(case, "pathology"), pathology(mitoses_per_2mm2=typed))
    assert response.status_code == 422
    assert "Use one decimal separator" in response.text
    assert not PathologyReport.objects.filter(case=case).exists()


def test_decimals_and_whole_numbers_are_text_inputs(clinician_client):
    """The browser must not read the separator: a number input turns "3,5" into 35 in en-US."""
    case = CaseFactory()
    html = clinician_client.get(workup(case, "pathology")).text
    assert 'type="text" name="ki67_percent"' in html and 'inputmode="decimal"' in html
    html = clinician_client.get(workup(case, "clinical")).text
    assert 'type="text" name="ecog"' in html and 'inputmode="numeric"' in html


def test_a_comma_in_a_whole_number_is_refused(clinician_client):
    case = CaseFactory()
    response = clinician_client.post(workup(case, "clinical"), {"assessed_on": "2026-01-05", "ecog": "1,5"})
    assert response.status_code == 422
    assert not case.clinical_statuses.exists()


@pytest.mark.parametrize(
    ("step", "data"),
    [
        ("pathology", pathology(ki67_percent="\u0664\u0660")),  # Arabic-Indic 40
        ("pathology", pathology(ki67_percent="3\u06f5")),  # Extended Arabic-Indic (Persian) 5
        ("clinical", {"assessed_on": "2026-01-05", "ecog": "\u0661"}),  # Arabic-Indic 1
    ],
)
def test_digits_other_than_0_to_9_are_refused_not_read(clinician_client, step, data):
    """Python reads "٤٠" as 40: stored, it would look nothing like what the record shows was typed."""
    case = CaseFactory()
    response = clinician_client.post(workup(case, step), data)
    assert response.status_code == 422
    assert "Type the number with the digits 0 to 9." in response.text
    assert not PathologyReport.objects.filter(case=case).exists()
    assert not case.clinical_statuses.exists()


# --- 4. tests not done ------------------------------------------------------------------------


def studies(**row):
    return {
        "studies-TOTAL_FORMS": "1",
        "studies-INITIAL_FORMS": "0",
        **{f"studies-0-{k}": v for k, v in row.items()},
    }


def test_a_study_not_done_is_saved_without_a_date(clinician_client):
    case = CaseFactory()
    response = clinician_client.post(workup(case, "imaging"), studies(modality="fdg_pet", study_date=""))
    assert response.status_code == 302
    study = ImagingStudy.objects.get(case=case)
    assert (study.performed, study.study_date) == (False, None)


def test_a_study_done_still_needs_its_date(clinician_client):
    case = CaseFactory()
    response = clinician_client.post(workup(case, "imaging"), studies(modality="ct", performed="on"))
    assert response.status_code == 422
    assert "Give the date of the study" in response.text


@pytest.mark.parametrize(("mmr", "ngs"), [("not_done", "not_done"), ("not_done", "pending")])
def test_molecular_not_done_or_pending_is_saved_without_a_result_date(clinician_client, mmr, ngs):
    case = CaseFactory()
    data = {"result_date": "", "ordered_on": "2026-11-20", "mmr": mmr, "ngs": ngs}
    assert clinician_client.post(workup(case, "molecular"), data).status_code == 302
    result = MolecularResult.objects.get(case=case)
    assert (result.result_date, result.ordered_on) == (None, datetime.date(2026, 11, 20))


def test_an_undated_not_done_study_does_not_override_a_dated_one_in_the_facts(clinician_client):
    case = CaseFactory()
    ImagingStudyFactory(
        case=case, modality="fdg_pet", study_date=datetime.date(2026, 1, 5), fdg_avidity="positive"
    )
    ImagingStudyFactory(case=case, modality="fdg_pet", performed=False, study_date=None)
    facts = facts_dict_for_case(with_record(Case.objects.filter(pk=case.pk)).get())
    assert facts["fdg_pet"] == "positive"


# --- 5. plausible dates, named --------------------------------------------------------------------


def test_a_birth_date_after_the_pathology_date_is_refused_on_the_patient_step(clinician_client):
    case = CaseFactory(patient=PatientFactory(date_of_birth=datetime.date(1960, 1, 1)))
    PathologyReportFactory(case=case, specimen_date=datetime.date(2026, 1, 10))
    data = {
        "patient-mrn": case.patient.mrn,
        "patient-family_name": case.patient.family_name,
        "patient-given_name": "Casey",
        "patient-date_of_birth": "2026-02-01",
        "patient-sex": "female",
        "patient-loaded_version": case.patient.version,
        "case-primary_site": "pancreas",
        "case-loaded_version": case.version,
    }
    response = clinician_client.post(workup(case, "patient"), data)
    assert response.status_code == 422
    assert "The record holds a specimen date" in response.text
    case.patient.refresh_from_db()
    assert case.patient.date_of_birth == datetime.date(1960, 1, 1)


def test_a_meeting_on_9999_12_31_is_refused(client):
    client.force_login(UserFactory(username="coordinator", role="board coordinator"))
    data = {"board_name": "Board", "starts_at": "9999-12-31T23:00", "location": "Room 1"}
    response = client.post(reverse("meetings:new"), data)
    assert response.status_code == 422
    assert "more than two years ahead" in response.text


def test_the_meeting_page_of_a_meeting_dated_9999_12_31_does_not_fail(client):
    """A meeting saved before the window existed (or through the admin) must not break the page."""
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, expected_minutes=60)
    AgendaItemFactory(meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=datetime.datetime(9999, 12, 31, 23, 30, tzinfo=datetime.UTC)
    )
    client.force_login(UserFactory(username="coordinator", role="board coordinator"))
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("meetings:list")).status_code == 200


# --- 7. labels, margin, responsible clinician ---------------------------------------------------


def test_review_and_case_page_show_labels_not_codes(clinician_client):
    case = CaseFactory(primary_site="pancreas")
    PathologyReportFactory(case=case, differentiation="well", ki67_percent=30)
    StagingAssessmentFactory(case=case, extent="metastatic")
    ImagingStudyFactory(
        case=case,
        modality="sstr_pet",
        sstr_uptake="high_homogeneous",
        metastatic_sites=["distant_lymph_nodes"],
    )
    ResectionFactory(case=case, margin="not_resected", resected_on=None)
    for url in (workup(case, "review"), reverse("cases:detail", args=[case.pk])):
        html = clinician_client.get(url).text
        assert "High and homogeneous" in html
        assert "Distant lymph nodes" in html
        for code in (">pancreas<", "high homogeneous", "not resected<", "distant lymph nodes"):
            assert code not in html, (url, code)
    review = clinician_client.get(workup(case, "review")).text
    assert "Not resected" in review and "Pancreas" in review


def test_margin_is_not_marked_required_while_the_resection_is_optional(clinician_client):
    case = CaseFactory()
    html = clinician_client.get(workup(case, "treatment")).text
    margin_label = html[html.index('for="id_resection-margin"') :][:200]
    assert "asteriskField" not in margin_label
    # Untouched: nothing recorded. Partly filled without a margin: refused, naming the margin.
    empty = {"lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"}
    assert clinician_client.post(workup(case, "treatment"), empty).status_code == 302
    assert not case.resections.exists()
    response = clinician_client.post(
        workup(case, "treatment"), {**empty, "resection-radiation_amenable": "true"}
    )
    assert response.status_code == 422
    assert "Choose the margin" in response.text
    assert not case.resections.exists()


def test_responsible_clinician_lists_active_clinicians_by_full_name(clinician_client, clinician):
    UserFactory(username="viewer1", first_name="Vera", last_name="Viewer", role="viewer")
    UserFactory(username="coord1", first_name="Cora", last_name="Coordinator", role="board coordinator")
    UserFactory(username="gone", first_name="Gary", last_name="Gone", is_active=False)
    UserFactory(username="nameless")
    html = clinician_client.get(reverse("cases:new")).text
    select = html[html.index('name="case-responsible_clinician"') :]
    select = select[: select.index("</select>")]
    assert "Clara Klinik" in select and "nameless" in select
    for absent in ("Vera", "Cora", "Gary", ">clinician<"):
        assert absent not in select


def test_the_current_responsible_clinician_stays_choosable_after_leaving_the_role(clinician_client):
    former = UserFactory(username="former", first_name="Fritz", last_name="Former", role="viewer")
    case = CaseFactory(responsible_clinician=former)
    html = clinician_client.get(workup(case, "patient")).text
    assert "Fritz Former" in html


# --- 8. known MRN, closing a draft ---------------------------------------------------------------


NEW = {
    "patient-family_name": "Known",
    "patient-given_name": "Kim",
    "patient-date_of_birth": "1970-01-02",
    "patient-sex": "female",
    "case-primary_site": "colon",
    "case-board_question": "Second opinion?",
}


def test_a_known_mrn_warns_and_links_to_the_patients_cases_creating_nothing(clinician_client):
    existing = CaseFactory(
        patient=PatientFactory(mrn="K-1", family_name="Known", date_of_birth=datetime.date(1970, 1, 2))
    )
    response = clinician_client.post(reverse("cases:new"), {**NEW, "patient-mrn": "K-1"})
    assert response.status_code == 409
    assert "MRN K-1 is already registered" in response.text
    assert reverse("cases:detail", args=[existing.pk]) in response.text
    assert Case.objects.count() == 1
    assert AccessEvent.objects.filter(case=existing, action="known_mrn").count() == 1


def test_a_second_case_for_a_known_patient_when_asked_for(clinician_client):
    existing = CaseFactory(
        patient=PatientFactory(mrn="K-1", family_name="Known", date_of_birth=datetime.date(1970, 1, 2))
    )
    data = {**NEW, "patient-mrn": "K-1", "known-another_case_for_patient": "on"}
    response = clinician_client.post(reverse("cases:new"), data)
    assert response.status_code == 302
    second = Case.objects.exclude(pk=existing.pk).get()
    assert second.patient_id == existing.patient_id


def test_a_clinician_closes_a_draft_with_a_reason(clinician_client):
    case = CaseFactory()
    response = clinician_client.post(
        reverse("cases:close", args=[case.pk]), {"close_reason": "Entered twice"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.close_reason) == ("closed", "Entered twice")
    newest = case.history.first()
    assert (newest.history_change_reason, newest.history_user.username) == (
        "Closed: Entered twice",
        "clinician",
    )
    listing = clinician_client.get(reverse("cases:list")).text
    assert reverse("cases:detail", args=[case.pk]) not in listing
    closed = clinician_client.get(reverse("cases:list"), {"status": "closed"}).text
    assert reverse("cases:detail", args=[case.pk]) in closed
    history = clinician_client.get(reverse("cases:history", args=[case.pk])).text
    assert "Entered twice" in history


def test_closing_needs_a_reason_and_a_draft(clinician_client):
    case = CaseFactory()
    response = clinician_client.post(reverse("cases:close", args=[case.pk]), {"close_reason": "  "})
    assert response.status_code == 422
    assert "This field is required" in response.text
    ready = CaseFactory(status="ready")
    response = clinician_client.post(reverse("cases:close", args=[ready.pk]), {"close_reason": "Why not"})
    assert response.status_code == 422
    assert "Only a draft case can be closed" in response.text
    ready.refresh_from_db()
    assert ready.status == "ready"


# --- 9. forged form fields -------------------------------------------------------------------------


def test_a_tampered_version_is_refused_with_a_message_naming_it(clinician_client):
    record = PathologyReportFactory()
    url = workup(record.case, "pathology") + f"?record={record.pk}"
    response = clinician_client.post(url, pathology(loaded_version="abc", ki67_percent="40"))
    assert response.status_code == 422
    assert "Record version (a hidden field of this form)" in response.text
    record.refresh_from_db()
    assert record.ki67_percent == 30


@pytest.mark.parametrize("total", ["-1", "-5"])
def test_a_negative_form_count_is_refused_not_reported_saved(clinician_client, total):
    study = ImagingStudyFactory()
    data = {"studies-TOTAL_FORMS": total, "studies-INITIAL_FORMS": "0"}
    response = clinician_client.post(workup(study.case, "imaging"), data)
    assert response.status_code == 422
    assert "Number of rows (TOTAL_FORMS" in response.text
    assert ImagingStudy.objects.filter(case=study.case).count() == 1


def test_a_row_sent_beyond_the_form_count_is_refused_not_dropped(clinician_client):
    """Found by the fuzzer: TOTAL_FORMS=0 with a row's fields saved nothing and said "saved"."""
    case = CaseFactory()
    data = {
        "studies-TOTAL_FORMS": "0",
        "studies-INITIAL_FORMS": "0",
        "studies-0-modality": "ct",
        "studies-0-study_date": "2026-01-05",
        "studies-0-performed": "on",
    }
    response = clinician_client.post(workup(case, "imaging"), data)
    assert response.status_code == 422
    assert "Number of rows (TOTAL_FORMS 0, INITIAL_FORMS 0)" in response.text
    assert not ImagingStudy.objects.filter(case=case).exists()


def test_a_one_megabyte_board_question_is_refused(clinician_client):
    data = {**NEW, "patient-mrn": "BIG-1", "case-board_question": "x" * 1_000_000}
    response = clinician_client.post(reverse("cases:new"), data)
    assert response.status_code == 422
    assert "at most 2000 characters" in response.text
    assert not Case.objects.exists()


def test_a_bidi_override_in_the_mrn_is_refused(clinician_client):
    response = clinician_client.post(reverse("cases:new"), {**NEW, "patient-mrn": "K-\u202e1"})
    assert response.status_code == 422
    assert "U+202E" in response.text
    assert not Case.objects.exists()


def test_a_row_id_of_another_case_is_refused_not_dropped(clinician_client):
    """Found by the smoke test: another case's imaging row id made the save say "saved" and drop the row."""
    study = ImagingStudyFactory()
    other = ImagingStudyFactory(modality="mri")
    data = {
        "studies-TOTAL_FORMS": "1",
        "studies-INITIAL_FORMS": "1",
        "studies-0-id": str(other.pk),
        "studies-0-modality": "ct",
        "studies-0-study_date": "2026-01-05",
        "studies-0-performed": "on",
    }
    response = clinician_client.post(workup(study.case, "imaging"), data)
    assert response.status_code == 422
    assert "is not a row of this case" in response.text
    other.refresh_from_db()
    assert other.modality == "mri"
    assert ImagingStudy.objects.filter(case=study.case).count() == 1
