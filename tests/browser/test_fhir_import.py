"""New case from a FHIR Bundle in headless Chromium: upload, review the prefilled steps, mark ready."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from interop.models import FhirImport
from tests.factories import TEST_PASSWORD, UserFactory
from tests.interop.mcode import BUNDLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("clinician")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/cases/")


def open_step(page, live_server, case, step):
    page.goto(f"{live_server.url}/cases/{case.pk}/workup/{step}/")


def test_clinician_imports_an_mcode_bundle_reviews_it_and_marks_it_ready(
    browser_page, live_server, screenshot_dir
):
    UserFactory(username="clinician")
    page = browser_page
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    log_in(page, live_server)

    page.get_by_role("link", name="New case").first.click()
    page.wait_for_url(f"{live_server.url}/cases/new/")
    page.get_by_role("link", name="New case from a FHIR Bundle").click()
    page.wait_for_url(f"{live_server.url}/cases/new/fhir/")
    page.get_by_label("FHIR Bundle (JSON)").set_input_files(str(BUNDLES / "mcode-pancreatic-nec.json"))
    page.screenshot(path=screenshot_dir / "fhir-1-upload.png", full_page=True)
    page.get_by_role("button", name="Import as a new draft case").click()
    page.wait_for_url(re.compile(rf"{live_server.url}/cases/fhir-imports/\d+/"))

    # The result page: what was prefilled, what did not map, and the notices.
    expect(page.get_by_role("heading", name="Imported from a FHIR Bundle")).to_be_visible()
    expect(page.get_by_test_id("imported-records")).to_contain_text("Pathology 2026-10-02")
    unmapped = page.get_by_test_id("unmapped-items")
    expect(unmapped).to_contain_text("MedicationRequest/cancer-related-medication-request-cisplatin-ann")
    expect(unmapped).to_contain_text("add the site on the Imaging step")
    expect(page.get_by_test_id("import-notice").filter(has_text="specimen “Other”")).to_be_visible()
    page.screenshot(path=screenshot_dir / "fhir-2-result.png", full_page=True)
    case = FhirImport.objects.get().case

    # Review the prefilled steps, starting from the first.
    page.get_by_test_id("review-first-step").click()
    page.wait_for_url(re.compile(rf".*/cases/{case.pk}/workup/patient/"))
    expect(page.get_by_label("Medical record number")).to_have_value("m7781")
    expect(page.get_by_label("Primary site")).to_have_value("pancreas")

    open_step(page, live_server, case, "pathology")
    expect(page.get_by_label("Ki-67 (%)")).to_have_value("70.0")
    expect(page.get_by_label("Differentiation")).to_have_value("poor")
    # The Bundle did not say where the specimen came from: the clinician corrects the default.
    page.locator("#id_specimen").select_option("metastasis")
    page.get_by_role("button", name=re.compile("^Save and continue")).click()
    page.wait_for_url(re.compile(r".*/workup/imaging/"))

    open_step(page, live_server, case, "molecular")
    expect(page.get_by_label("MMR / MSI")).to_have_value("deficient")
    expect(page.get_by_label("BRAF V600E")).to_have_value("true")

    open_step(page, live_server, case, "clinical")
    expect(page.get_by_label("ECOG performance status")).to_have_value("1")

    # Staging was not in the Bundle: the clinician enters it, with the pancreatic head the Bundle coded.
    open_step(page, live_server, case, "staging")
    page.get_by_label("Assessed on").fill("2026-10-14")
    page.get_by_label("Extent").select_option("metastatic")
    page.get_by_label("Pancreatic location").select_option("head")
    page.get_by_role("button", name=re.compile("^Save and continue")).click()
    page.wait_for_url(re.compile(r".*/workup/clinical/"))
    expect(page.locator("#live-pathway")).to_contain_text("Poorly differentiated NEC")

    open_step(page, live_server, case, "review")
    page.screenshot(path=screenshot_dir / "fhir-3-review.png", full_page=True)
    page.get_by_role("button", name="Mark ready for board").click()
    page.wait_for_url(re.compile(rf"{live_server.url}/cases/{case.pk}/$"))
    expect(page.get_by_text("Ready for board").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "fhir-4-case-page.png", full_page=True)

    case = Case.objects.get(pk=case.pk)
    assert (case.status, case.classification, case.primary_site) == ("ready", "nec", "pancreas")
    assert case.pathology_reports.get().specimen == "metastasis"
    assert problems == []
