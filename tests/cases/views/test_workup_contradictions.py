"""Contradictory facts in the workup: shown on the step of the later field, never saved there, never ready."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Case, StagingAssessment, WorkupDraft
from tests.factories import (
    CaseFactory,
    ImagingStudyFactory,
    PathologyReportFactory,
    StagingAssessmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
MESSAGE = "extent: localized contradicts metastatic_sites: liver, bone"


@pytest.fixture
def clinician_client(client):
    client.force_login(UserFactory(username="clinician"))
    return client


@pytest.fixture
def case_with_metastases():
    """A colon NEC whose imaging shows liver and bone metastases, staged metastatic."""
    case = CaseFactory(primary_site="colon")
    PathologyReportFactory(case=case, differentiation="poor", morphology="small_cell", ki67_percent=80)
    ImagingStudyFactory(case=case, modality="ct", performed=True, metastatic_sites=["liver", "bone"])
    StagingAssessmentFactory(case=case, extent="metastatic")
    return case


def staging_post(case, **values):
    staging = case.staging_assessments.get()
    data = {
        "assessed_on": staging.assessed_on.isoformat(),
        "extent": "metastatic",
        "loaded_version": staging.version,
        **values,
    }
    return {key: value for key, value in data.items() if value is not None}


def test_staging_localized_against_distant_sites_is_refused_on_the_staging_step(
    clinician_client, case_with_metastases
):
    """The staging step holds the later field (extent): it shows the line and saves nothing."""
    url = reverse("cases:workup", args=[case_with_metastases.pk, "staging"])
    response = clinician_client.post(url, staging_post(case_with_metastases, extent="localized"))
    assert response.status_code == 422
    assert MESSAGE in response.text
    saved = StagingAssessment.objects.get(case=case_with_metastases)
    assert saved.extent == "metastatic"
    # The record list above the form shows the record as saved, not as typed.
    assert f">{saved}</a>" in response.text
    assert str(saved).endswith("Metastatic")


def test_the_refused_step_lists_the_contradiction_and_the_live_panel_has_no_plan(
    clinician_client, case_with_metastases
):
    url = reverse("cases:workup", args=[case_with_metastases.pk, "staging"])
    response = clinician_client.post(url, staging_post(case_with_metastases, extent="localized"))
    assert response.status_code == 422
    assert 'data-testid="step-contradictions"' in response.text
    assert "No pathway: the record contradicts itself." in response.text
    assert WorkupDraft.objects.get(case=case_with_metastases, step="staging").data["extent"] == ["localized"]


def test_a_consistent_staging_saves(clinician_client, case_with_metastases):
    url = reverse("cases:workup", args=[case_with_metastases.pk, "staging"])
    response = clinician_client.post(url, staging_post(case_with_metastases, tumor_size_cm="3.5"))
    assert response.status_code == 302
    assert StagingAssessment.objects.get(case=case_with_metastases).tumor_size_cm == Decimal("3.5")


@pytest.fixture
def contradictory_case():
    """Distant sites on imaging, a localized staging: the record contradicts itself."""
    case = CaseFactory(primary_site="colon")
    PathologyReportFactory(case=case, differentiation="poor", morphology="small_cell", ki67_percent=80)
    ImagingStudyFactory(case=case, modality="ct", performed=True, metastatic_sites=["liver", "bone"])
    StagingAssessmentFactory(case=case, extent="localized")
    return case


def test_the_later_step_shows_it_and_the_earlier_does_not(clinician_client, contradictory_case):
    staging = clinician_client.get(reverse("cases:workup", args=[contradictory_case.pk, "staging"]))
    assert 'data-testid="step-contradictions"' in staging.text
    assert MESSAGE in staging.text
    imaging = clinician_client.get(reverse("cases:workup", args=[contradictory_case.pk, "imaging"]))
    assert 'data-testid="step-contradictions"' not in imaging.text
    # The live panel on every step says why there is no pathway.
    assert "No pathway: the record contradicts itself." in imaging.text


def test_a_contradictory_case_cannot_be_marked_ready(clinician_client, contradictory_case):
    url = reverse("cases:workup", args=[contradictory_case.pk, "review"])
    response = clinician_client.post(url)
    assert response.status_code == 422
    assert f"Contradiction: {MESSAGE}" in response.text
    assert Case.objects.get(pk=contradictory_case.pk).status == "draft"


def test_case_and_pathway_pages_show_it_instead_of_a_plan(clinician_client, contradictory_case):
    case_page = clinician_client.get(reverse("cases:detail", args=[contradictory_case.pk]))
    assert "No pathway: the record contradicts itself." in case_page.text
    assert MESSAGE in case_page.text
    pathway_page = clinician_client.get(reverse("guidelines:pathway", args=[contradictory_case.pk]))
    assert pathway_page.status_code == 200
    assert 'data-testid="contradictions"' in pathway_page.text
    assert MESSAGE in pathway_page.text
    assert "Surgical resection" not in pathway_page.text


def test_pathway_pdf_of_a_contradictory_case_lists_the_contradiction(clinician_client, contradictory_case):
    import io

    from pypdf import PdfReader

    response = clinician_client.get(reverse("guidelines:pathway_pdf", args=[contradictory_case.pk]))
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Contradictory facts" in text
    assert "contradicts" in text


def test_an_unusual_combination_is_warned_on_the_pathway_page(clinician_client):
    case = CaseFactory(primary_site="pancreas")
    PathologyReportFactory(case=case, differentiation="well", ki67_percent=30)
    ImagingStudyFactory(case=case, modality="ct", performed=True, metastatic_sites=["bone"])
    StagingAssessmentFactory(case=case, extent="metastatic", liver_dominant=True)
    response = clinician_client.get(reverse("guidelines:pathway", args=[case.pk]))
    assert 'data-testid="fact-warnings"' in response.text
    assert "liver_dominant: true with metastatic_sites: bone" in response.text


def test_an_oversized_draft_is_not_kept(clinician_client, case_with_metastases):
    """A forged post of 200,000 characters is refused by the form and leaves no draft behind."""
    url = reverse("cases:workup_draft", args=[case_with_metastases.pk, "patient"])
    clinician_client.post(url, {"case-board_question": "x" * 200_000})
    assert not WorkupDraft.objects.filter(case=case_with_metastases, step="patient").exists()
    clinician_client.post(url, {"case-board_question": "Adjuvant?"})
    assert WorkupDraft.objects.get(case=case_with_metastases, step="patient").data["case-board_question"] == [
        "Adjuvant?"
    ]


def test_saving_the_earlier_step_into_a_contradiction_says_so(clinician_client):
    """Imaging (earlier step) is saved as entered, with a warning naming both fields and the later step."""
    case = CaseFactory(primary_site="colon")
    PathologyReportFactory(case=case, differentiation="poor", morphology="small_cell", ki67_percent=80)
    StagingAssessmentFactory(case=case, extent="localized")
    url = reverse("cases:workup", args=[case.pk, "imaging"])
    data = {
        "studies-TOTAL_FORMS": "1",
        "studies-INITIAL_FORMS": "0",
        "studies-0-modality": "ct",
        "studies-0-study_date": "2026-01-05",
        "studies-0-performed": "on",
        "studies-0-metastatic_sites": "liver",
    }
    response = clinician_client.post(url, data, follow=True)
    assert case.imaging_studies.get().metastatic_sites == ["liver"]
    text = response.content.decode()
    assert "The record now contradicts itself: extent: localized contradicts metastatic_sites: liver" in text
    assert "Correct it on Extent and staging" in text
