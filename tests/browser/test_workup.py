"""A clinician enters a metastatic cervical NEC case from nothing, step by step, in headless Chromium."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("clinician")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/cases/")


def save_step(page, live_server, next_step):
    page.get_by_role("button", name=re.compile("^Save and continue")).click()
    page.wait_for_url(re.compile(rf"{live_server.url}/cases/\d+/workup/{next_step}/"))


def test_clinician_enters_metastatic_cervical_nec(browser_page, live_server, screenshot_dir):
    UserFactory(username="clinician")
    page = browser_page
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    log_in(page, live_server)

    page.get_by_role("link", name="New case").first.click()
    page.wait_for_url(f"{live_server.url}/cases/new/")
    page.get_by_label("Medical record number").fill("BRW-0001")
    page.get_by_label("Family name").fill("Browsertest")
    page.get_by_label("Given name").fill("Cervix")
    page.get_by_label("Date of birth").fill("1980-03-04")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Primary site").select_option("cervix")
    page.get_by_label("Question for the board").fill("Treatment of metastatic small-cell NEC of the cervix?")
    page.screenshot(path=screenshot_dir / "workup-1-patient.png", full_page=True)
    save_step(page, live_server, "pathology")

    # Pathology: morphology appears for a poorly differentiated tumour; Ki-67 140 is refused inline.
    morphology = page.get_by_label("Morphology")
    expect(morphology).to_be_hidden()
    page.locator("#id_specimen").select_option("primary")
    page.get_by_label("Specimen date").fill("2026-10-01")
    page.get_by_label("Differentiation").select_option("poor")
    expect(morphology).to_be_visible()
    morphology.select_option("small_cell")
    page.get_by_label("Ki-67 (%)").fill("140")
    page.get_by_label("Ki-67 (%)").press("Tab")
    error = page.locator("#field-id_ki67_percent .invalid-feedback")
    expect(error).to_contain_text("less than or equal to 100")
    page.screenshot(path=screenshot_dir / "workup-2-pathology-error.png", full_page=True)
    page.get_by_label("Ki-67 (%)").fill("80")
    page.get_by_label("Ki-67 (%)").press("Tab")
    expect(error).to_have_count(0)
    save_step(page, live_server, "imaging")

    # Imaging: a CT showing liver and lung metastases.
    page.get_by_label("Modality").select_option("ct")
    page.get_by_label("Study date").fill("2026-10-03")
    page.get_by_label("Liver").check()
    page.get_by_label("Lung").check()
    expect(page.get_by_label("Number of brain metastases")).to_be_hidden()
    page.screenshot(path=screenshot_dir / "workup-3-imaging.png", full_page=True)
    save_step(page, live_server, "molecular")

    page.get_by_label("Result date").fill("2026-10-05")
    page.get_by_label("MMR / MSI").select_option("not_done")
    page.screenshot(path=screenshot_dir / "workup-4-molecular.png", full_page=True)
    save_step(page, live_server, "staging")

    # Staging: FIGO fields are there for a cervical primary; liver dominance only once metastatic.
    expect(page.get_by_label("FIGO 2018 stage")).to_be_visible()
    expect(page.get_by_label("Lymphovascular space invasion (LVSI)")).to_be_visible()
    expect(page.get_by_label("Liver-dominant disease")).to_be_hidden()
    page.get_by_label("Assessed on").fill("2026-10-06")
    page.get_by_label("Extent").select_option("metastatic")
    expect(page.get_by_label("Liver-dominant disease")).to_be_visible()
    page.get_by_label("FIGO 2018 stage").select_option("IVB")
    page.screenshot(path=screenshot_dir / "workup-5-staging.png", full_page=True)
    save_step(page, live_server, "clinical")

    # The live panel now has a pathway: a NEC with palliative platinum/etoposide.
    panel = page.locator("#live-pathway")
    expect(panel).to_contain_text("Poorly differentiated NEC")
    expect(panel).to_contain_text("Cisplatin or carboplatin + etoposide")

    # Clinical status: typed, then the page is reloaded midway; the draft comes back.
    page.get_by_label("Assessed on").fill("2026-10-06")
    page.get_by_label("ECOG performance status").fill("1")
    # Wait for the validation of ECOG itself: leaving "Assessed on" sent one for the date first.
    with page.expect_response(
        lambda response: "/workup/clinical/validate/" in response.url
        and "_changed=ecog" in (response.request.post_data or "")
    ):
        page.get_by_label("ECOG performance status").press("Tab")
    page.reload()
    expect(page.get_by_text("Unsaved input restored")).to_be_visible()
    expect(page.get_by_label("ECOG performance status")).to_have_value("1")
    page.screenshot(path=screenshot_dir / "workup-6-clinical-draft.png", full_page=True)
    save_step(page, live_server, "treatment")

    page.screenshot(path=screenshot_dir / "workup-7-treatment.png", full_page=True)
    save_step(page, live_server, "review")

    # Back to pathology: the live panel follows the differentiation before anything is saved.
    page.get_by_role("link", name=re.compile("Pathology")).first.click()
    page.wait_for_url(re.compile(r".*/workup/pathology/"))
    page.get_by_label("Differentiation").select_option("well")
    expect(panel).to_contain_text("Well-differentiated G3 NET")
    page.screenshot(path=screenshot_dir / "workup-8-live-panel.png", full_page=True)
    page.get_by_label("Differentiation").select_option("poor")
    expect(panel).to_contain_text("Poorly differentiated NEC")
    page.get_by_label("Morphology").select_option("small_cell")
    save_step(page, live_server, "imaging")

    page.get_by_role("link", name=re.compile("Review")).first.click()
    page.wait_for_url(re.compile(r".*/workup/review/"))
    page.screenshot(path=screenshot_dir / "workup-9-review.png", full_page=True)
    page.get_by_role("button", name="Mark ready for board").click()
    page.wait_for_url(re.compile(rf"{live_server.url}/cases/\d+/$"))
    expect(page.get_by_role("heading", name="BROWSERTEST, Cervix")).to_be_visible()
    expect(page.get_by_text("Ready for board").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "workup-10-case-page.png", full_page=True)

    case = Case.objects.get(patient__mrn="BRW-0001")
    assert (case.status, case.classification, case.primary_site) == ("ready", "nec", "cervix")
    assert case.staging_assessments.get().figo_stage == "IVB"
    assert problems == []


def test_keyboard_only_entry_and_back_button(browser_page, live_server, screenshot_dir):
    """Keyboard only: tab through the patient step, choose with arrow keys, submit with Enter; Back works."""
    UserFactory(username="clinician")
    page = browser_page
    log_in(page, live_server)
    page.goto(f"{live_server.url}/cases/new/")
    # Each field gets its value from the keyboard (native date pickers take digits segment by segment).
    for field, keys in (
        ("#id_patient-mrn", "KEY-0001"),
        ("#id_patient-family_name", "Keyboard"),
        ("#id_patient-given_name", "Kim"),
        ("#id_patient-date_of_birth", "05061975"),
    ):
        page.locator(field).focus()
        page.keyboard.type(keys)
    for select in ("#id_patient-sex", "#id_case-primary_site"):
        page.locator(select).focus()
        page.keyboard.press("ArrowDown")
    expect(page.locator("#id_patient-date_of_birth")).to_have_value("1975-05-06")
    expect(page.locator("#id_patient-sex")).not_to_have_value("")
    expect(page.locator("#id_case-primary_site")).not_to_have_value("")
    page.locator("#id_case-board_question").focus()
    page.keyboard.type("Keyboard only?")
    page.keyboard.press("Tab")  # the question is the last field: Tab reaches the submit button
    expect(page.get_by_role("button", name=re.compile("^Save and continue"))).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/workup/pathology/"))
    pathology_url = page.url

    # Steps change without a full reload, and the browser's Back button returns to the previous step.
    page.get_by_role("link", name=re.compile("Imaging")).first.click()
    page.wait_for_url(re.compile(r".*/workup/imaging/"))
    expect(page.get_by_role("heading", name="Imaging", exact=True)).to_be_visible()
    page.go_back()
    page.wait_for_url(pathology_url)
    expect(page.get_by_role("heading", name="Pathology", exact=True)).to_be_visible()
    page.screenshot(path=screenshot_dir / "workup-keyboard-back.png", full_page=True)
    assert Case.objects.get(patient__mrn="KEY-0001").board_question == "Keyboard only?"
