"""Workup views: every step with and without htmx, drafts, validation, the gate, and the case list."""

import datetime
import re

import pytest
from django.urls import reverse

from cases.models import Case, PathologyReport, WorkupDraft
from cases.workup import STEP_SLUGS
from tests.factories import (
    CaseFactory,
    ImagingStudyFactory,
    PathologyReportFactory,
    StagingAssessmentFactory,
    TreatmentLineFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clinician_client(client):
    client.force_login(UserFactory(username="clinician"))
    return client


@pytest.fixture
def case():
    case = CaseFactory(primary_site="cervix")
    PathologyReportFactory(case=case, differentiation="poor", morphology="small_cell", ki67_percent=80)
    StagingAssessmentFactory(case=case, extent="metastatic", figo_stage="IVB")
    return case


@pytest.mark.parametrize("step", STEP_SLUGS)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_every_step_renders(clinician_client, case, step, headers):
    response = clinician_client.get(reverse("cases:workup", args=[case.pk, step]), **headers)
    assert response.status_code == 200
    assert 'aria-current="step"' in response.text
    assert 'id="live-pathway"' in response.text


def test_unknown_step_is_404(clinician_client, case):
    assert clinician_client.get(reverse("cases:workup", args=[case.pk, "nonsense"])).status_code == 404


def test_new_case_creates_patient_and_case_then_goes_to_pathology(clinician_client):
    data = {
        "patient-mrn": "N-1",
        "patient-family_name": "Newpatient",
        "patient-given_name": "Ann",
        "patient-date_of_birth": "1970-01-02",
        "patient-sex": "female",
        "case-primary_site": "cervix",
        "case-board_question": "Next step?",
    }
    response = clinician_client.post(reverse("cases:new"), data)
    case = Case.objects.get(patient__mrn="N-1")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:workup", args=[case.pk, "pathology"])
    assert case.created_by.username == "clinician"


def test_new_case_with_bad_input_keeps_everything_and_names_the_field(clinician_client):
    data = {"patient-mrn": "N-2", "patient-family_name": "Kept", "patient-date_of_birth": "2999-01-01"}
    response = clinician_client.post(reverse("cases:new"), data, **HTMX)
    assert response.status_code == 422
    assert Case.objects.count() == 0
    assert 'value="Kept"' in response.text
    assert "in the future" in response.text
    again = clinician_client.get(reverse("cases:new"))
    assert 'value="Kept"' in again.text and "Unsaved input restored" in again.text


def test_existing_mrn_of_another_person_is_refused(clinician_client, case):
    data = {
        "patient-mrn": case.patient.mrn,
        "patient-family_name": "Someoneelse",
        "patient-given_name": "B",
        "patient-date_of_birth": "1950-05-05",
        "patient-sex": "male",
        "case-primary_site": "colon",
    }
    response = clinician_client.post(reverse("cases:new"), data)
    assert response.status_code == 422
    assert "belongs to another patient" in response.text
    assert Case.objects.count() == 1


def pathology_data(**overrides):
    data = {
        "specimen": "primary",
        "specimen_date": "2026-10-01",
        "differentiation": "poor",
        "morphology": "small_cell",
        "ki67_percent": "85",
        "lower_grade_component": "unknown",
        "non_neuroendocrine_component": "unknown",
        "loaded_version": "1",  # the version of the fixture's report the form was loaded with
    }
    return {**data, **overrides}


def test_saving_a_step_updates_the_latest_record_and_moves_on(clinician_client, case):
    url = reverse("cases:workup", args=[case.pk, "pathology"])
    response = clinician_client.post(url, pathology_data(ki67_percent="85"))
    assert response.status_code == 302
    assert response["Location"].endswith("/workup/imaging/")
    assert list(PathologyReport.objects.filter(case=case).values_list("ki67_percent", flat=True)) == [85]


def test_add_another_record_keeps_the_first(clinician_client, case):
    url = reverse("cases:workup", args=[case.pk, "pathology"]) + "?new=1"
    clinician_client.post(url, pathology_data(specimen_date="2026-11-01", ki67_percent="60"))
    assert PathologyReport.objects.filter(case=case).count() == 2


def test_invalid_step_saves_nothing_keeps_draft_and_names_field(clinician_client, case):
    url = reverse("cases:workup", args=[case.pk, "pathology"])
    response = clinician_client.post(url, pathology_data(ki67_percent="140"), **HTMX)
    assert response.status_code == 422
    assert "less than or equal to 100" in response.text
    assert PathologyReport.objects.get(case=case).ki67_percent == 80
    assert WorkupDraft.objects.get(case=case, step="pathology").data["ki67_percent"] == ["140"]


def test_validate_returns_the_field_progress_and_panel_out_of_band(clinician_client, case):
    url = reverse("cases:workup_validate", args=[case.pk, "pathology"])
    response = clinician_client.post(
        url, {**pathology_data(ki67_percent="140"), "_changed": "ki67_percent"}, **HTMX
    )
    assert response.status_code == 200
    assert 'id="field-id_ki67_percent" hx-swap-oob="innerHTML"' in response.text
    assert "less than or equal to 100" in response.text
    assert 'id="workup-progress"' in response.text and 'id="live-pathway"' in response.text


def test_live_panel_follows_unsaved_differentiation(clinician_client, case):
    url = reverse("cases:workup_validate", args=[case.pk, "pathology"])
    well = clinician_client.post(
        url, {**pathology_data(differentiation="well", morphology=""), "_changed": "x"}
    )
    assert "Well-differentiated G3 NET" in well.text
    poor = clinician_client.post(url, {**pathology_data(), "_changed": "x"})
    assert "Poorly differentiated NEC" in poor.text
    assert PathologyReport.objects.get(case=case).differentiation == "poor"


def test_validation_writes_no_draft(clinician_client, case):
    validate = reverse("cases:workup_validate", args=[case.pk, "clinical"])
    response = clinician_client.post(validate, {"assessed_on": "2026-10-06", "ecog": "3", "_changed": "ecog"})
    assert response.status_code == 200
    assert not WorkupDraft.objects.filter(case=case).exists()


def test_draft_restored_then_discarded(clinician_client, case):
    draft = reverse("cases:workup_draft", args=[case.pk, "clinical"])
    assert clinician_client.post(draft, {"assessed_on": "2026-10-06", "ecog": "3"}).status_code == 204
    page = clinician_client.get(reverse("cases:workup", args=[case.pk, "clinical"]))
    assert "Unsaved input restored" in page.text and 'value="3"' in page.text
    clinician_client.post(reverse("cases:workup_discard", args=[case.pk, "clinical"]))
    assert not WorkupDraft.objects.filter(case=case).exists()


@pytest.mark.parametrize("step", ["review", "nonsense"])
def test_a_step_without_forms_keeps_no_draft(clinician_client, case, step):
    response = clinician_client.post(reverse("cases:workup_draft", args=[case.pk, step]), {"x": "1"})
    assert response.status_code == 404
    assert not WorkupDraft.objects.filter(case=case).exists()


def test_more_lines_of_therapy_than_the_engine_takes_are_refused_on_save(clinician_client, case):
    """The save route runs the engine's validation of the facts: 31 lines are one more than the contract."""
    data = {"lines-TOTAL_FORMS": "31", "lines-INITIAL_FORMS": "0"}
    for index in range(31):
        data[f"lines-{index}-regimen"] = "captem"
        data[f"lines-{index}-started_on"] = (
            datetime.date(2025, 1, 1) + datetime.timedelta(days=index)
        ).isoformat()
    response = clinician_client.post(reverse("cases:workup", args=[case.pk, "treatment"]), data)
    assert response.status_code == 422
    assert "prior_systemic_therapy: 31 lines given; at most 30 are accepted" in response.text
    assert case.treatment_lines.count() == 0
    assert WorkupDraft.objects.get(case=case, step="treatment").data["lines-TOTAL_FORMS"] == ["31"]


def test_imaging_rows_add_edit_remove(clinician_client, case):
    study = ImagingStudyFactory(case=case, modality="ct", metastatic_sites=["liver"])
    url = reverse("cases:workup", args=[case.pk, "imaging"])
    base = {
        "studies-TOTAL_FORMS": "2",
        "studies-INITIAL_FORMS": "1",
        "studies-MIN_NUM_FORMS": "0",
        "studies-MAX_NUM_FORMS": "1000",
        "studies-0-id": str(study.pk),
        "studies-0-modality": "ct",
        "studies-0-study_date": "2026-01-05",
        "studies-0-performed": "on",
        "studies-0-DELETE": "on",
        "studies-0-loaded_version": str(study.version),
        "studies-1-modality": "brain_mri",
        "studies-1-study_date": "2026-02-01",
        "studies-1-performed": "on",
        "studies-1-metastatic_sites": ["brain"],
        "studies-1-brain_metastases_count": "2",
    }
    response = clinician_client.post(url, base)
    assert response.status_code == 302
    assert list(case.imaging_studies.values_list("modality", "brain_metastases_count")) == [("brain_mri", 2)]


def test_add_row_button_renders_one_more_row_and_saves_nothing(clinician_client, case):
    TreatmentLineFactory(case=case)
    url = reverse("cases:workup", args=[case.pk, "treatment"])
    data = {
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-id": str(case.treatment_lines.get().pk),
        "lines-0-regimen": "captem",
        "lines-0-started_on": "2026-02-15",
        "add-row": "lines",
    }
    response = clinician_client.post(url, data)
    assert response.status_code == 200
    assert 'name="lines-1-regimen"' in response.text
    assert case.treatment_lines.count() == 1


def test_added_study_starts_performed_in_the_page_and_the_draft(clinician_client, case):
    """A bound row without data would show Performed unticked, and an MRI with a date be saved as not done."""
    study = ImagingStudyFactory(case=case, modality="ct", performed=False)
    url = reverse("cases:workup", args=[case.pk, "imaging"])
    data = {
        "studies-TOTAL_FORMS": "1",
        "studies-INITIAL_FORMS": "1",
        "studies-0-id": str(study.pk),
        "studies-0-modality": "ct",
        "studies-0-study_date": "2026-01-05",
        "add-row": "studies",
    }
    response = clinician_client.post(url, data)
    assert response.status_code == 200
    checked = set(
        re.findall(r'<input type="checkbox" name="(studies-\d-performed)"[^>]*checked', response.text)
    )
    assert checked == {
        "studies-1-performed"
    }  # the new row ticked, the existing "not done" study left as it was
    draft = WorkupDraft.objects.get(case=case, step="imaging")
    assert (draft.data["studies-TOTAL_FORMS"], draft.data["studies-1-performed"]) == (["2"], ["on"])
    assert "studies-0-performed" not in draft.data
    assert case.imaging_studies.count() == 1


def test_an_untouched_added_row_is_not_saved(clinician_client, case):
    url = reverse("cases:workup", args=[case.pk, "imaging"])
    base = {"studies-TOTAL_FORMS": "0", "studies-INITIAL_FORMS": "0", "add-row": "studies"}
    clinician_client.post(url, base)
    draft = WorkupDraft.objects.get(case=case, step="imaging").data
    response = clinician_client.post(url, {key: values for key, values in draft.items()})
    assert response.status_code == 302
    assert case.imaging_studies.count() == 0


def test_treatment_step_with_nothing_entered_is_accepted(clinician_client, case):
    url = reverse("cases:workup", args=[case.pk, "treatment"])
    data = {
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "resection-margin": "",
        "resection-radiation_amenable": "unknown",
    }
    assert clinician_client.post(url, data).status_code == 302
    assert not case.resections.exists()


def test_gate_lists_what_is_missing_with_links(clinician_client):
    incomplete = CaseFactory(primary_site="cervix")
    response = clinician_client.post(reverse("cases:workup", args=[incomplete.pk, "review"]))
    assert response.status_code == 422
    assert reverse("cases:workup", args=[incomplete.pk, "pathology"]) in response.text
    assert reverse("cases:workup", args=[incomplete.pk, "staging"]) in response.text
    incomplete.refresh_from_db()
    assert incomplete.status == "draft"


def test_gate_requires_figo_for_localized_cervix(clinician_client):
    cervix = CaseFactory(primary_site="cervix")
    PathologyReportFactory(case=cervix, differentiation="poor", ki67_percent=90)
    StagingAssessmentFactory(case=cervix, extent="localized")
    response = clinician_client.post(reverse("cases:workup", args=[cervix.pk, "review"]))
    assert "FIGO 2018 stage" in response.text
    cervix.refresh_from_db()
    assert cervix.status == "draft"


def test_complete_case_goes_ready(clinician_client, case):
    response = clinician_client.post(reverse("cases:workup", args=[case.pk, "review"]))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "ready"


def test_saved_finding_refreshes_stored_classification(clinician_client, case):
    url = reverse("cases:workup", args=[case.pk, "pathology"])
    clinician_client.post(url, pathology_data(differentiation="well", morphology=""))
    case.refresh_from_db()
    assert case.classification == "g3_net"


def test_case_page_shows_record_and_pathway(clinician_client, case):
    response = clinician_client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    assert "Poorly differentiated NEC" in response.text
    assert case.patient.mrn in response.text


def make_cases(count):
    for index in range(count):
        made = CaseFactory(primary_site="colon", board_question=f"q{index}")
        PathologyReportFactory(case=made)


@pytest.mark.parametrize("count", [5, 50])
def test_case_list_query_count_is_constant(clinician_client, django_assert_num_queries, count):
    make_cases(count)
    # session, user, user and group permissions, the worklist tabs' counts (the page count among them),
    # one page of cases with patients and clinicians, one insert of the access events of the rows shown
    # (the session records activity at most once a minute: no session write here)
    with django_assert_num_queries(7):
        response = clinician_client.get(reverse("cases:list"))
    assert response.status_code == 200


def test_case_list_search_filter_and_htmx_rows(clinician_client, case):
    other = CaseFactory(primary_site="colon")
    Case.objects.filter(pk=other.pk).update(status="ready", classification="g3_net")
    by_mrn = clinician_client.get(reverse("cases:list"), {"q": case.patient.mrn})
    assert case.patient.mrn in by_mrn.text and other.patient.mrn not in by_mrn.text
    by_status = clinician_client.get(reverse("cases:list"), {"status": "ready"}, **HTMX)
    assert other.patient.mrn in by_status.text and case.patient.mrn not in by_status.text
    assert "<html" not in by_status.text
    by_class = clinician_client.get(reverse("cases:list"), {"classification": "g3_net"})
    assert other.patient.mrn in by_class.text and case.patient.mrn not in by_class.text


def test_case_list_paginates(clinician_client):
    make_cases(30)
    first = clinician_client.get(reverse("cases:list"))
    assert "Page 1 of 2" in first.text
    second = clinician_client.get(reverse("cases:list"), {"page": 2})
    assert second.context["page"].object_list.__len__() == 5


def test_dates_in_the_future_are_refused_on_every_dated_step(clinician_client, case):
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = clinician_client.post(
        reverse("cases:workup", args=[case.pk, "clinical"]), {"assessed_on": future, "ecog": "1"}
    )
    assert response.status_code == 422
    assert "in the future" in response.text


def test_a_forged_row_count_builds_no_more_than_the_cap(clinician_client, case):
    """Found by fuzzing: a huge TOTAL_FORMS made the server build and render thousands of forms."""
    url = reverse("cases:workup", args=[case.pk, "imaging"])
    data = {"studies-TOTAL_FORMS": "10000000000", "studies-INITIAL_FORMS": "0", "add-row": "studies"}
    response = clinician_client.post(url, data)
    assert response.status_code < 500
    assert len(re.findall(r'name="studies-\d+-modality"', response.text)) == 60
