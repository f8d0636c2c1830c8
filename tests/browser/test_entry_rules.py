"""Issue 13 in Chromium, typed as a person types (en-US, de-DE): decimal comma, tests not done, known MRN."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cases.models import Case, ImagingStudy, MolecularResult, PathologyReport
from tests.factories import TEST_PASSWORD, CaseFactory, PathologyReportFactory, PatientFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LOCALES = ["en-US", "de-DE"]
DELAY = 40  # milliseconds between keys


@pytest.fixture
def person(chromium_browser, request):
    """A page in the given locale, logged in as a clinician."""
    context = chromium_browser.new_context(locale=request.param, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield request.param, page
    context.close()


def log_in(page, live_server):
    UserFactory(username="clinician", first_name="Clara", last_name="Klinik")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").press_sequentially("clinician", delay=DELAY)
    page.get_by_label("Password").press_sequentially(TEST_PASSWORD, delay=DELAY)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/cases/")


def type_into(page, selector, text):
    """Click the field, select what it holds, type each key, leave it with Tab."""
    field = page.locator(selector)
    field.click()
    field.press("Control+A")
    field.press_sequentially(text, delay=DELAY)
    field.press("Tab")


def type_date(page, selector, day: datetime.date):
    """Type a date into the native date field part by part.

    Headless Chromium shows mm/dd/yyyy in both locales (its date field follows the browser's UI
    language, not the page's locale), so the digits go in that order.
    """
    field = page.locator(selector)
    field.click()
    field.press_sequentially(day.strftime("%m%d%Y"), delay=DELAY)
    field.press("Tab")


def save(page, next_step):
    page.get_by_role("button", name=re.compile("^Save and continue")).click()
    try:
        page.wait_for_url(re.compile(rf".*/workup/{next_step}/"), timeout=10_000)
    except Exception:
        page.screenshot(path="test-artifacts/screenshots/issue13-save-failed.png", full_page=True)
        raise


@pytest.mark.parametrize("person", LOCALES, indirect=True)
def test_decimal_comma_is_stored_as_typed(person, live_server, screenshot_dir):
    """Defect 3: Ki-67 typed 3,5 was stored as 35; in de-DE, 3.5 would become 35 as well."""
    locale, page = person
    log_in(page, live_server)
    # An existing report (Ki-67 30): only the numbers are typed (typed dates are issue 13 item 1).
    report = PathologyReportFactory(case=CaseFactory(), specimen_date=datetime.date(2026, 10, 1))
    case = report.case
    page.goto(f"{live_server.url}/cases/{case.pk}/workup/pathology/")
    type_into(page, "#id_ki67_percent", "3,5")
    type_into(page, "#id_mitoses_per_2mm2", "35,5")
    expect(page.locator("#id_ki67_percent")).to_have_value("3,5")
    page.screenshot(path=screenshot_dir / f"issue13-decimal-comma-{locale}.png", full_page=True)
    save(page, "imaging")
    report = PathologyReport.objects.get(case=case)
    assert (report.ki67_percent, report.mitoses_per_2mm2) == (Decimal("3.5"), Decimal("35.5"))
    assert report.specimen_date == datetime.date(2026, 10, 1)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator(".record-summary")).to_contain_text("Ki-67 3.5%")

    # Two separators are refused with a message next to the field, and nothing changes.
    page.goto(f"{live_server.url}/cases/{case.pk}/workup/pathology/")
    type_into(page, "#id_ki67_percent", "1.234,5")
    page.get_by_role("button", name=re.compile("^Save and continue")).click()
    expect(page.locator("#field-id_ki67_percent")).to_contain_text("Use one decimal separator")
    page.screenshot(path=screenshot_dir / f"issue13-decimal-refused-{locale}.png", full_page=True)
    report.refresh_from_db()
    assert report.ki67_percent == Decimal("3.5")


@pytest.mark.parametrize("person", LOCALES, indirect=True)
def test_tests_not_done_are_saved_without_dates(person, live_server, screenshot_dir):
    """Defect 4: an FDG PET not done demanded a study date; molecular not done demanded a result date."""
    locale, page = person
    log_in(page, live_server)
    case = CaseFactory()
    page.goto(f"{live_server.url}/cases/{case.pk}/workup/imaging/")
    page.locator("#id_studies-0-modality").select_option("fdg_pet")
    performed = page.locator("#id_studies-0-performed")
    if performed.is_checked():
        performed.click()
    page.screenshot(path=screenshot_dir / f"issue13-fdg-not-done-{locale}.png", full_page=True)
    save(page, "molecular")
    study = ImagingStudy.objects.get(case=case)
    assert (study.modality, study.performed, study.study_date) == ("fdg_pet", False, None)

    page.locator("#id_mmr").select_option("not_done")
    page.locator("#id_ngs").select_option("pending")
    page.screenshot(path=screenshot_dir / f"issue13-molecular-pending-{locale}.png", full_page=True)
    save(page, "staging")
    result = MolecularResult.objects.get(case=case)
    assert (result.result_date, result.mmr, result.ngs) == (None, "not_done", "pending")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator(".record-summary")).to_contain_text("FDG PET · not done")
    expect(page.locator(".record-summary")).to_contain_text("no result date · MMR Not done · NGS pending")
    page.screenshot(path=screenshot_dir / f"issue13-not-done-case-page-{locale}.png", full_page=True)


@pytest.mark.parametrize("person", LOCALES, indirect=True)
def test_known_mrn_warns_then_a_second_case_only_when_asked(person, live_server, screenshot_dir):
    """Defect 8: a second case for an existing MRN was created silently; a draft can now be closed."""
    locale, page = person
    log_in(page, live_server)
    born = datetime.date(1968, 5, 20)
    existing = CaseFactory(patient=PatientFactory(mrn="DUP-0001", family_name="Doppel", date_of_birth=born))
    page.goto(f"{live_server.url}/cases/new/")
    type_into(page, "#id_patient-mrn", "DUP-0001")
    type_into(page, "#id_patient-family_name", "Doppel")
    type_into(page, "#id_patient-given_name", "Casey")
    type_date(page, "#id_patient-date_of_birth", born)
    page.locator("#id_patient-sex").select_option("female")
    page.locator("#id_case-primary_site").select_option("colon")
    type_into(page, "#id_case-board_question", "Second primary?")
    page.get_by_role("button", name=re.compile("^Save and continue")).click()
    warning = page.get_by_test_id("known-patient")
    expect(warning).to_contain_text("MRN DUP-0001 is already registered")
    expect(warning.get_by_role("link", name=re.compile(f"Case {existing.pk}"))).to_be_visible()
    page.screenshot(path=screenshot_dir / f"issue13-known-mrn-warning-{locale}.png", full_page=True)
    assert Case.objects.count() == 1

    page.get_by_label("Open another case for this patient").check()
    save(page, "pathology")
    assert Case.objects.filter(patient=existing.patient).count() == 2

    # The first case was the mistake: close it as a draft, with a reason.
    page.goto(f"{live_server.url}/cases/{existing.pk}/")
    page.get_by_text("Close this draft case…").click()
    type_into(page, "#id_close_reason", "Entered twice; the new case holds the question")
    page.get_by_role("button", name="Close the case").click()
    expect(page.get_by_test_id("close-reason")).to_contain_text("Entered twice")
    page.screenshot(path=screenshot_dir / f"issue13-case-closed-{locale}.png", full_page=True)
    existing.refresh_from_db()
    assert (existing.status, existing.close_reason) == (
        "closed",
        "Entered twice; the new case holds the question",
    )
    page.goto(f"{live_server.url}/cases/")
    expect(page.locator("#case-results")).not_to_contain_text(f"/cases/{existing.pk}/")
    assert page.locator(f'a[href="/cases/{existing.pk}/"]').count() == 0
