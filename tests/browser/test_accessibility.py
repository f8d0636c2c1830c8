"""WCAG 2.2 AA checks with axe-core on every main page, and keyboard use of the agenda's move buttons."""

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from cases import roles
from cases.demo import seed_demo_cases
from cases.models import Case
from meetings.models import AgendaItem, Meeting
from tests.factories import TEST_PASSWORD, UserFactory
from tests.meetings.factories import AgendaItemFactory, AttendeeFactory, DecisionFactory, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}

# One row per page: its name (the results file), who opens it (None: logged out) and its path, where
# {meeting} is a meeting with three cases (the third decided) and the other fields are demo cases.
CASES = {
    "case": "DEMO-0001",  # a complete record
    "incomplete": "DEMO-0002",  # its pathway lacks facts (the missing-facts panel)
    "decided": "DEMO-0003",  # the board decided on it
}
PAGES = [
    ("login", None, "/accounts/login/"),
    ("case-list", "clinician", "/cases/"),
    ("case-new", "clinician", "/cases/new/"),
    ("workup-patient", "clinician", "/cases/{case}/workup/patient/"),
    ("workup-pathology", "clinician", "/cases/{case}/workup/pathology/"),
    ("workup-imaging", "clinician", "/cases/{case}/workup/imaging/"),
    ("workup-molecular", "clinician", "/cases/{case}/workup/molecular/"),
    ("workup-staging", "clinician", "/cases/{case}/workup/staging/"),
    ("workup-clinical", "clinician", "/cases/{case}/workup/clinical/"),
    ("workup-treatment", "clinician", "/cases/{case}/workup/treatment/"),
    ("workup-review", "clinician", "/cases/{case}/workup/review/"),
    ("case", "clinician", "/cases/{case}/"),
    ("case-decided", "clinician", "/cases/{decided}/"),
    ("pathway", "clinician", "/cases/{case}/pathway/"),
    ("pathway-missing-facts", "clinician", "/cases/{incomplete}/pathway/"),
    ("meeting", "coordinator", "/meetings/{meeting}/"),
    ("present", "clinician", "/meetings/{meeting}/present/1/"),
    ("present-decided", "clinician", "/meetings/{meeting}/present/3/"),
    ("password-change", "clinician", "/accounts/password_change/"),
    ("quality", "coordinator", "/quality/"),
    ("case-list-awaiting-a-board", "clinician", "/cases/?list=awaiting"),
]


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").press_sequentially(username)
    page.get_by_label("Password").press_sequentially(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/cases/")


def board_with_demo_cases() -> Meeting:
    """The demo cases, and a meeting with the first three of them on its agenda (the third decided)."""
    clinician = UserFactory(username="clinician", first_name="Casey", last_name="Clinician")
    UserFactory(username="coordinator", role=roles.COORDINATOR)
    seed_demo_cases(clinician)
    meeting = MeetingFactory(board_name="Thursday NEN board")
    AttendeeFactory(meeting=meeting, name="Dr. Path", specialty="pathology")
    for mrn in ("DEMO-0001", "DEMO-0002", "DEMO-0003"):
        item = AgendaItemFactory(meeting=meeting, case=Case.objects.get(patient__mrn=mrn))
    DecisionFactory(agenda_item=item, responsible_clinician=clinician)
    return meeting


def blocking_violations(results: dict) -> list[str]:
    """Each serious or critical violation: its rule, impact and the elements it found."""
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.mark.parametrize(("name", "username", "path"), PAGES, ids=[row[0] for row in PAGES])
def test_page_has_no_serious_wcag_violation(browser_page, live_server, pytestconfig, name, username, path):
    meeting = board_with_demo_cases()
    cases = {key: Case.objects.get(patient__mrn=mrn).pk for key, mrn in CASES.items()}
    page = browser_page
    if username:
        log_in(page, live_server, username)
    page.goto(live_server.url + path.format(meeting=meeting.pk, **cases))
    page.wait_for_load_state("networkidle")

    # Violations and what axe could not decide (for people to review) in full; passes only by rule.
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations", "incomplete"]}
    results = Axe().run(page, options=options).response
    directory = Path(pytestconfig.rootpath) / "test-artifacts" / "axe"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.json").write_text(json.dumps(results, indent=2))

    found = blocking_violations(results)
    assert not found, f"{name} ({page.url}): " + "; ".join(found)


def tab_to(page, start, target_id: str) -> None:
    """Focus `start`, then press Tab until the element with `target_id` has the focus (a few presses)."""
    start.focus()
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == target_id:
            return
    raise AssertionError(f"Tab never reached #{target_id}")


def agenda_mrns(meeting: Meeting) -> list[str]:
    return list(meeting.agenda_items.order_by("position").values_list("case__patient__mrn", flat=True))


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "plain-post"])
def test_a_keyboard_user_moves_a_case_up_and_keeps_the_focus(chromium_browser, live_server, javascript):
    meeting = board_with_demo_cases()
    charlie = AgendaItem.objects.get(meeting=meeting, case__patient__mrn="DEMO-0003")
    context = chromium_browser.new_context(
        viewport={"width": 1280, "height": 800}, java_script_enabled=javascript
    )
    page = context.new_page()
    log_in(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    move_up = page.get_by_role("button", name="Move DEMOPATIENT, Charlie (MRN DEMO-0003) up", exact=True)

    tab_to(page, page.locator(f"#item-{charlie.pk} h3 a"), f"move-up-{charlie.pk}")
    expect(move_up).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("DEMOPATIENT, Charlie is now case 2.")).to_be_visible()
    expect(move_up).to_be_focused()
    assert agenda_mrns(meeting) == ["DEMO-0001", "DEMO-0003", "DEMO-0002"]

    page.keyboard.press("Enter")  # again, from where the focus was left
    expect(page.get_by_text("DEMOPATIENT, Charlie is now case 1.")).to_be_visible()
    expect(move_up).to_be_focused()
    assert agenda_mrns(meeting) == ["DEMO-0003", "DEMO-0001", "DEMO-0002"]

    # First now: the button keeps the focus, says it is unavailable and does nothing.
    expect(move_up).to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(move_up).to_be_focused()
    assert agenda_mrns(meeting) == ["DEMO-0003", "DEMO-0001", "DEMO-0002"]
    context.close()
