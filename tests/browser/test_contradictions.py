"""A contradiction typed into the workup: the message on the staging step, nothing saved, never ready."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.factories import (
    TEST_PASSWORD,
    CaseFactory,
    ImagingStudyFactory,
    PathologyReportFactory,
    StagingAssessmentFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MESSAGE = "extent: localized contradicts metastatic_sites: liver, bone"


def log_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").press_sequentially("clinician", delay=20)
    page.get_by_label("Password").press_sequentially(TEST_PASSWORD, delay=20)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/cases/")


def test_contradiction_shows_on_the_later_step_and_blocks_ready(browser_page, live_server, screenshot_dir):
    UserFactory(username="clinician")
    case = CaseFactory(primary_site="colon")
    PathologyReportFactory(case=case, differentiation="poor", morphology="small_cell", ki67_percent=80)
    ImagingStudyFactory(
        case=case,
        modality="ct",
        performed=True,
        study_date=datetime.date(2026, 10, 3),
        metastatic_sites=["liver", "bone"],
    )
    StagingAssessmentFactory(case=case, extent="metastatic", assessed_on=datetime.date(2026, 10, 6))
    page = browser_page
    log_in(page, live_server)

    page.goto(f"{live_server.url}/cases/{case.pk}/workup/staging/")
    extent = page.get_by_label("Extent")
    extent.select_option("localized")
    extent.press("Tab")
    page.get_by_role("button", name=re.compile("^Save and continue")).click()
    alert = page.get_by_test_id("step-contradictions")
    expect(alert).to_contain_text(MESSAGE)
    expect(page.locator("#field-id_extent .invalid-feedback")).to_contain_text(MESSAGE)
    page.screenshot(path=screenshot_dir / "contradiction-1-staging-refused.png", full_page=True)
    assert case.staging_assessments.get().extent == "metastatic"

    # A record that contradicts itself (as an earlier step's save can leave it): no plan, never ready.
    staging = case.staging_assessments.get()
    staging.extent = "localized"
    staging.save()
    page.goto(f"{live_server.url}/cases/{case.pk}/workup/review/")
    expect(page.locator("#live-pathway")).to_contain_text("No pathway: the record contradicts itself.")
    page.get_by_role("button", name="Mark ready for board").click()
    expect(page.get_by_text(f"Contradiction: {MESSAGE}").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "contradiction-2-review-blocked.png", full_page=True)
    assert Case.objects.get(pk=case.pk).status == "draft"

    page.goto(f"{live_server.url}/cases/{case.pk}/pathway/")
    expect(page.get_by_test_id("contradictions")).to_contain_text(MESSAGE)
    page.screenshot(path=screenshot_dir / "contradiction-3-pathway-page.png", full_page=True)
