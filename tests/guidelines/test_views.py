"""The pathway page: what a clinician reads for a case, from the same view model as the PDF."""

import re

import pytest
from django.urls import reverse

from tests.factories import CaseFactory, PathologyReportFactory, PatientFactory, StagingAssessmentFactory
from tests.guidelines.conftest import view_of

pytestmark = pytest.mark.django_db


def page(client, case):
    response = client.get(reverse("guidelines:pathway", args=[case.pk]))
    assert response.status_code == 200
    return response.text


def test_header_shows_patient_case_and_question(clinician_client, demo_cases):
    case = demo_cases["P07"]
    html = page(clinician_client, case)
    for text in ("DEMOPATIENT, Golf", "DEMO-0007", "14 Sep 1955", "Male", "Pancreas", "Ready for board"):
        assert text in html
    assert "Second-line options after early progression on platinum/etoposide?" in html


def test_every_item_appears_once_with_status_and_vote(clinician_client, demo_cases, user):
    case = demo_cases["P07"]
    html = page(clinician_client, case)
    pathway = view_of(case.pk, user).plan.pathway
    for item in pathway.recommendations:
        assert html.count(f">{item.text}<") == 1, item.code
    assert "Panel vote: Majority" in html and "Panel vote: No vote recorded" in html
    assert "Systemic therapy — second line and later" in html
    assert 'class="pw-badge pw-badge--consider">Consider<' in html


def test_not_recommended_items_have_their_own_group_with_reasons(clinician_client, demo_cases):
    html = page(clinician_client, demo_cases["P07"])
    against = html.split('id="against-heading"')[1]
    assert "Topotecan- or anthracycline-based chemotherapy" in against
    assert "Disappointing results, sometimes with substantial toxicity" in against
    options = html.split('id="options-heading"')[1].split('id="against-heading"')[0]
    assert "Topotecan- or anthracycline-based chemotherapy" not in options


def test_brain_cardiac_and_hereditary_items_are_special_considerations(clinician_client, demo_cases):
    html = page(clinician_client, demo_cases["P12"])
    special = html.split('id="special-heading"')[1]
    for text in ("Brain", "Stereotactic radiosurgery for brain metastases", "Cardiac", "Hereditary risk"):
        assert text in special


def test_workup_checklist_says_done_outstanding_or_unknown(clinician_client, demo_cases):
    html = page(clinician_client, demo_cases["P12"])
    workup = html.split('id="workup-heading"')[1].split("</section>")[0]
    assert "3 done · 4 outstanding · 2 unknown" in workup
    assert re.search(
        r"MRI of the brain</p>\s*<p class=\"pw-check__meta\">\s*<span class=\"pw-state pw-state--done\">",
        workup,
    )


def test_classification_shows_reasons_and_flags(clinician_client, user):
    case = CaseFactory(primary_site="pancreas")
    PathologyReportFactory(
        case=case, differentiation="well", ki67_percent=40, p53_ihc="aberrant", rb_ihc="lost"
    )
    StagingAssessmentFactory(case=case, extent="metastatic")
    html = page(clinician_client, case)
    # Mutant p53/Rb against well-differentiated morphology leaves G3 NET vs NEC unsettled (issue 12, 3a).
    assert "High-grade NEN, differentiation unresolved" in html
    assert "Ki-67 40%: high grade by Ki-67 (&gt; 20)" in html
    assert "p53 IHC aberrant (missense or null pattern); Rb IHC lost" in html
    assert "⚠ Discordant findings" in html


def test_missing_facts_name_the_workup_step(clinician_client):
    case = CaseFactory()
    html = page(clinician_client, case)
    assert "The pathway cannot be computed yet" in html
    assert "Differentiation (pathology report)" in html and "Extent of disease (staging)" in html
    assert "workup step:" in html and "Extent and staging" in html
    assert 'id="options-heading"' not in html


def test_pictures_and_versions_are_on_the_page(clinician_client, demo_cases):
    html = page(clinician_client, demo_cases["P07"])
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'class="pw-route"' in html
    assert 'class="pw-timeline"' in html
    assert "Route:</strong> Poor → NEC → Metastatic → Pancreatic → After progression" in html
    assert "engine 1.0.0" in html and "supports, and does not replace, the board's judgement" in html


def test_user_data_is_escaped(clinician_client):
    patient = PatientFactory(given_name='<script>alert("x")</script>')
    case = CaseFactory(patient=patient, board_question="<img src=x onerror=alert(1)>")
    html = page(clinician_client, case)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_no_inline_scripts_or_style_attributes(clinician_client, demo_cases):
    """A strict Content-Security-Policy will forbid both."""
    html = page(clinician_client, demo_cases["P12"])
    assert " style=" not in html and "<style" not in html
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
