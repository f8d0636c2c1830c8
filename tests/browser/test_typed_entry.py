"""Typed as a person types, in two locales: every date and number of every workup step is stored as typed."""

import datetime
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cases.models import Case
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import (
    TEST_PASSWORD,
    CaseFactory,
    ClinicalStatusFactory,
    ImagingStudyFactory,
    MolecularResultFactory,
    PathologyReportFactory,
    ResectionFactory,
    StagingAssessmentFactory,
    TreatmentLineFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The order of a native date input's segments (Chromium follows the browser's locale).
DATE_SEGMENTS = {"en-US": "%m%d%Y", "de-DE": "%d%m%Y"}
KEY_DELAY_MS = 40


@dataclass
class Person:
    """A clinician at a browser in one locale."""

    page: Page
    locale: str
    url: str

    def type_date(self, selector: str, value: datetime.date) -> None:
        """Click the first segment (month in en-US, day in de-DE), type the digits, leave with Tab."""
        field = self.page.locator(selector)
        box = field.bounding_box()
        assert box is not None
        field.click(position={"x": 18, "y": box["height"] / 2})
        field.press_sequentially(value.strftime(DATE_SEGMENTS[self.locale]), delay=KEY_DELAY_MS)
        self.page.keyboard.press("Tab")

    def type_number(self, selector: str, digits: str) -> None:
        """Click the field, replace what it holds, type the digits, leave with Tab."""
        field = self.page.locator(selector)
        field.click()
        self.page.keyboard.press("ControlOrMeta+a")
        field.press_sequentially(digits, delay=KEY_DELAY_MS)
        self.page.keyboard.press("Tab")

    def type_text(self, selector: str, text: str) -> None:
        field = self.page.locator(selector)
        field.click()
        self.page.keyboard.press("ControlOrMeta+a")
        field.press_sequentially(text, delay=5)

    def open_step(self, case: Case, step: str) -> None:
        self.page.goto(f"{self.url}/cases/{case.pk}/workup/{step}/")

    def save_and_continue(self, next_step: str) -> None:
        self.page.get_by_role("button", name=re.compile("^Save and continue")).click()
        self.page.wait_for_url(re.compile(rf".*/cases/\d+/workup/{next_step}/"))


# Chromium orders date segments by its own UI language, which on Linux comes from the environment
# (a context's `locale=` changes only navigator.language and number formats); Debian ships the
# German UI strings in the chromium-l10n package.
GERMAN_UI = Path("/usr/lib/chromium/locales/de.pak")


@pytest.fixture(scope="module")
def german_chromium(chromium_browser):
    """A second headless Chromium whose user interface, and so its date inputs, is German."""
    if not GERMAN_UI.exists():
        pytest.skip(f"{GERMAN_UI} is missing: install it with `apt-get install chromium-l10n`")
    environment = {**os.environ, "LANGUAGE": "de_DE:de", "LANG": "de_DE.UTF-8"}
    browser = chromium_browser.browser_type.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, env=environment
    )
    yield browser
    browser.close()


@pytest.fixture(params=["en-US", "de-DE"])
def person(request, chromium_browser, live_server):
    """A logged-in clinician in a browser (and browser context) of the given locale."""
    UserFactory(username="clinician")
    browser = request.getfixturevalue("german_chromium") if request.param == "de-DE" else chromium_browser
    context = browser.new_context(locale=request.param, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("clinician")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/cases/")
    yield Person(page, request.param, live_server.url)
    context.close()


# One value per date and number field of the workup; each date is typed in full over what the field held.
TYPED = {
    "date_of_birth": datetime.date(1968, 5, 20),
    "specimen_date": datetime.date(2026, 10, 27),
    "ki67_percent": "35",
    "mitoses_per_2mm2": "24",
    "study_date": datetime.date(2026, 10, 29),
    "brain_metastases_count": "3",
    "result_date": datetime.date(2026, 11, 20),
    "staging_assessed_on": datetime.date(2026, 11, 2),
    "tumor_size_cm": "6",
    "clinical_assessed_on": datetime.date(2026, 11, 3),
    "ecog": "2",
    "resected_on": datetime.date(2025, 12, 18),
    "started_on": datetime.date(2026, 1, 12),
    "ended_on": datetime.date(2026, 6, 22),
    "cycles": "6",
    "progression_date": datetime.date(2026, 9, 14),
}


def enter_findings(person: Person, case: Case, screenshots, name: str) -> None:
    """Pathology to treatment history: every date and number typed, the selects a new record needs chosen."""
    page = person.page
    person.open_step(case, "pathology")
    page.locator("#id_specimen").select_option("primary")
    person.type_date("#id_specimen_date", TYPED["specimen_date"])
    page.locator("#id_differentiation").select_option("well")
    person.type_number("#id_ki67_percent", TYPED["ki67_percent"])
    person.type_number("#id_mitoses_per_2mm2", TYPED["mitoses_per_2mm2"])
    expect(page.locator("#id_specimen_date")).to_have_value(TYPED["specimen_date"].isoformat())
    page.screenshot(path=screenshots / f"typed-{name}-pathology.png", full_page=True)
    person.save_and_continue("imaging")

    page.locator("#id_studies-0-modality").select_option("mri")
    person.type_date("#id_studies-0-study_date", TYPED["study_date"])
    page.locator("#field-id_studies-0-metastatic_sites").get_by_label("Brain").check()
    person.type_number("#id_studies-0-brain_metastases_count", TYPED["brain_metastases_count"])
    person.save_and_continue("molecular")

    person.type_date("#id_result_date", TYPED["result_date"])
    expect(page.locator("#id_result_date")).to_have_value(TYPED["result_date"].isoformat())
    page.screenshot(path=screenshots / f"typed-{name}-molecular.png", full_page=True)
    person.save_and_continue("staging")

    person.type_date("#id_assessed_on", TYPED["staging_assessed_on"])
    page.locator("#id_extent").select_option("metastatic")
    person.type_number("#id_tumor_size_cm", TYPED["tumor_size_cm"])
    person.save_and_continue("clinical")

    person.type_date("#id_assessed_on", TYPED["clinical_assessed_on"])
    person.type_number("#id_ecog", TYPED["ecog"])
    person.save_and_continue("treatment")

    page.locator("#id_resection-margin").select_option("R0")
    person.type_date("#id_resection-resected_on", TYPED["resected_on"])
    if not page.locator("#id_lines-0-regimen").count():
        page.get_by_role("button", name="Add a line of therapy").click()
    page.locator("#id_lines-0-regimen").select_option("captem")
    person.type_date("#id_lines-0-started_on", TYPED["started_on"])
    person.type_date("#id_lines-0-ended_on", TYPED["ended_on"])
    person.type_number("#id_lines-0-cycles", TYPED["cycles"])
    page.locator("#id_lines-0-progressed").select_option("true")
    person.type_date("#id_lines-0-progression_date", TYPED["progression_date"])
    page.screenshot(path=screenshots / f"typed-{name}-treatment.png", full_page=True)
    person.save_and_continue("review")


def _as_stored(typed: object, stored: object) -> object:
    """The value the typed text stands for, in the type the database field returns."""
    if isinstance(typed, str):
        return Decimal(typed) if isinstance(stored, Decimal) else int(typed)
    return typed


def assert_stored_as_typed(case: Case) -> None:
    """Read the saved record back from the database."""
    case = Case.objects.get(pk=case.pk)
    pathology = case.pathology_reports.get()
    study = case.imaging_studies.get()
    molecular = case.molecular_results.get()
    staging = case.staging_assessments.get()
    clinical = case.clinical_statuses.get()
    resection = case.resections.get()
    line = case.treatment_lines.get()
    stored = {
        "date_of_birth": case.patient.date_of_birth,
        "specimen_date": pathology.specimen_date,
        "ki67_percent": pathology.ki67_percent,
        "mitoses_per_2mm2": pathology.mitoses_per_2mm2,
        "study_date": study.study_date,
        "brain_metastases_count": study.brain_metastases_count,
        "result_date": molecular.result_date,
        "staging_assessed_on": staging.assessed_on,
        "tumor_size_cm": staging.tumor_size_cm,
        "clinical_assessed_on": clinical.assessed_on,
        "ecog": clinical.ecog,
        "resected_on": resection.resected_on,
        "started_on": line.started_on,
        "ended_on": line.ended_on,
        "cycles": line.cycles,
        "progression_date": line.progression_date,
    }
    expected = {key: _as_stored(value, stored[key]) for key, value in TYPED.items()}
    assert stored == expected
    assert (study.modality, study.performed) == ("mri", True)


def test_new_case_typed_dates_and_numbers_are_stored_as_typed(person, screenshot_dir):
    page = person.page
    page.goto(f"{person.url}/cases/new/")
    person.type_text("#id_patient-mrn", "TYPE-0001")
    person.type_text("#id_patient-family_name", "Typist")
    person.type_text("#id_patient-given_name", "Tess")
    person.type_date("#id_patient-date_of_birth", TYPED["date_of_birth"])
    page.locator("#id_patient-sex").select_option("female")
    page.locator("#id_case-primary_site").select_option("pancreas")
    person.type_text("#id_case-board_question", "Which treatment next?")
    person.save_and_continue("pathology")
    case = Case.objects.get(patient__mrn="TYPE-0001")

    enter_findings(person, case, screenshot_dir, f"new-{person.locale}")
    assert_stored_as_typed(case)


def test_existing_case_typed_dates_and_numbers_are_stored_as_typed(person, screenshot_dir):
    """Every field already holds a date, so each typed digit makes a valid date: it must not be redrawn."""
    case = CaseFactory(patient__mrn="TYPE-0002")
    PathologyReportFactory(case=case, ki67_percent=Decimal(25), mitoses_per_2mm2=Decimal(10))
    ImagingStudyFactory(case=case)
    MolecularResultFactory(case=case)
    StagingAssessmentFactory(case=case, tumor_size_cm=Decimal(3))
    ClinicalStatusFactory(case=case)
    ResectionFactory(case=case)
    TreatmentLineFactory(case=case, cycles=4)
    page = person.page

    person.open_step(case, "patient")
    person.type_date("#id_patient-date_of_birth", TYPED["date_of_birth"])
    expect(page.locator("#id_patient-date_of_birth")).to_have_value(TYPED["date_of_birth"].isoformat())
    page.screenshot(path=screenshot_dir / f"typed-existing-{person.locale}-patient.png", full_page=True)
    person.save_and_continue("pathology")

    enter_findings(person, case, screenshot_dir, f"existing-{person.locale}")
    assert_stored_as_typed(case)


def test_added_study_starts_performed_and_is_saved_as_done(person, screenshot_dir):
    """ "Add a study" gives a row for a study that was done; an MRI with a date is saved as performed."""
    case = CaseFactory(patient__mrn="TYPE-0003")
    ImagingStudyFactory(case=case, modality="ct")
    page = person.page
    person.open_step(case, "imaging")
    page.get_by_role("button", name="Add a study").click()
    expect(page.locator("#id_studies-1-modality")).to_be_visible()
    expect(page.locator("#id_studies-1-performed")).to_be_checked()
    page.locator("#id_studies-1-modality").select_option("mri")
    person.type_date("#id_studies-1-study_date", datetime.date(2026, 11, 24))
    page.locator("#field-id_studies-1-metastatic_sites").get_by_label("Liver").check()
    page.screenshot(path=screenshot_dir / f"added-study-{person.locale}.png", full_page=True)
    person.save_and_continue("molecular")

    mri = case.imaging_studies.get(modality="mri")
    assert (mri.performed, mri.study_date) == (True, datetime.date(2026, 11, 24))
    assert mri.metastatic_sites == ["liver"]
    assert case.imaging_studies.get(modality="ct").performed is True


def test_back_after_saving_shows_the_saved_record(person, screenshot_dir):
    """Back after "Save and continue" shows what was saved, fetched anew: no stale copy, no draft banner."""
    case = CaseFactory(patient__mrn="TYPE-0004")
    PathologyReportFactory(case=case, ki67_percent=Decimal(25))
    page = person.page
    with page.expect_response(re.compile(r".*/workup/pathology/$")) as first_load:
        person.open_step(case, "pathology")
    person.type_number("#id_ki67_percent", "35")
    person.save_and_continue("imaging")
    assert case.pathology_reports.get().ki67_percent == Decimal(35)

    page.go_back()
    page.wait_for_url(re.compile(r".*/workup/pathology/$"))
    expect(page.get_by_role("heading", name="Pathology", exact=True)).to_be_visible()
    expect(page.locator("#id_ki67_percent")).to_have_value("35.0")  # as the saved record renders it
    expect(page.get_by_text("Unsaved input restored")).to_have_count(0)
    expect(page.get_by_text("discarded")).to_have_count(0)
    page.screenshot(path=screenshot_dir / f"back-after-save-{person.locale}.png", full_page=True)
    # htmx keeps no copy of a patient page in the browser's storage.
    assert page.evaluate("() => window.sessionStorage.getItem('htmx-history-cache')") is None
    assert page.evaluate("() => Object.keys(window.localStorage)") == []
    # Nor does the browser's cache: the page said so when it was first loaded.
    assert first_load.value.headers.get("cache-control") == "no-store"


def test_live_validation_shows_the_message_and_keeps_the_input(person, screenshot_dir):
    """The server's answer brings the message; the input itself (its node, value and focus) is left alone."""
    case = CaseFactory(patient__mrn="TYPE-0005")
    PathologyReportFactory(case=case)
    page = person.page
    person.open_step(case, "pathology")
    page.evaluate("() => { document.querySelector('#id_ki67_percent').typedInto = true; }")
    with page.expect_response(re.compile(r".*/workup/pathology/validate/")):
        person.type_number("#id_ki67_percent", "140")
    message = page.locator("#field-id_ki67_percent .invalid-feedback")
    expect(message).to_contain_text("less than or equal to 100")
    expect(page.locator("#id_ki67_percent")).to_have_class(re.compile(r"\bis-invalid\b"))
    assert page.evaluate("() => document.querySelector('#id_ki67_percent').typedInto") is True
    expect(page.locator("#id_mitoses_per_2mm2")).to_be_focused()  # Tab's destination keeps the focus
    page.screenshot(path=screenshot_dir / f"live-message-{person.locale}.png", full_page=True)

    with page.expect_response(re.compile(r".*/workup/pathology/validate/")):
        person.type_number("#id_ki67_percent", "35")
    expect(message).to_have_count(0)
    expect(page.locator("#id_ki67_percent")).not_to_have_class(re.compile(r"\bis-invalid\b"))
    assert page.evaluate("() => document.querySelector('#id_ki67_percent').typedInto") is True
    person.save_and_continue("imaging")
    assert case.pathology_reports.get().ki67_percent == Decimal(35)
