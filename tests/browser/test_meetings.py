"""A tumor board meeting from start to packet, in headless Chromium: coordinator and clinician."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import roles
from cases.demo import seed_demo_cases
from meetings.models import AgendaItem, Decision, Meeting
from tests.factories import TEST_PASSWORD, UserFactory
from tests.meetings.conftest import pdf_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASES = ("DEMO-0001", "DEMO-0002", "DEMO-0003")  # Alpha, Bravo, Charlie


def watch(page) -> list[str]:
    """Collect page errors and console errors (a Content-Security-Policy violation is one).

    A form with errors answers 422 on purpose, which Chromium reports as a failed load: not a problem.
    """
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and "status of 422" not in message.text:
            problems.append(message.text)

    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", on_console)
    return problems


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/cases/")


def agenda_names(page) -> list[str]:
    return [text.split(",")[1].strip() for text in page.locator(".agenda-item h3 a").all_inner_texts()]


def test_a_meeting_from_agenda_to_packet(
    chromium_browser, browser_page, live_server, screenshot_dir, tmp_path
):
    UserFactory(username="coordinator", role=roles.COORDINATOR)
    clinician = UserFactory(username="clinician", first_name="Casey", last_name="Clinician")
    seed_demo_cases(clinician)
    shots = screenshot_dir
    page = browser_page
    problems = watch(page)

    # The coordinator schedules the meeting.
    log_in(page, live_server, "coordinator")
    page.get_by_role("link", name="Meetings").click()
    page.wait_for_url(f"{live_server.url}/meetings/")
    page.get_by_role("link", name="New meeting").click()
    page.get_by_label("Board name").fill("Thursday NEN board")
    when = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    page.get_by_label("Date and time").fill(f"{when}T16:00")
    page.get_by_label("Location").fill("Room 4")
    page.get_by_role("button", name="Schedule meeting").click()
    page.wait_for_url(re.compile(rf"{live_server.url}/meetings/\d+/$"))
    meeting = Meeting.objects.get()
    expect(page.get_by_text("No pathology: the reference panel includes it")).to_be_visible()

    # Attendees: adding the pathologist (htmx) clears that warning.
    page.get_by_label("Name").fill("Dr. Path")
    page.get_by_label("Specialty").select_option("pathology")
    page.locator("#add-attendee").click()
    expect(page.get_by_text("No pathology: the reference panel includes it")).to_have_count(0)
    expect(page.get_by_text("No radiology: the reference panel includes it")).to_be_visible()

    # Three ready cases on the agenda (each add swaps the agenda in place).
    for number, mrn in enumerate(CASES, 1):
        option = page.locator("#id_add-case option", has_text=f"({mrn})")
        page.locator("#id_add-case").select_option(value=option.get_attribute("value"))
        page.locator("#add-case").click()
        expect(page.locator(".agenda-item")).to_have_count(number)
    assert agenda_names(page) == ["Alpha", "Bravo", "Charlie"]
    expect(page.locator("#agenda-summary")).to_contain_text("3 cases · 15 min expected")
    page.screenshot(path=shots / "meetings-1-agenda.png", full_page=True)

    # Reorder: Charlie up twice, with htmx; the focus stays on the button that was pressed.
    charlie = AgendaItem.objects.get(case__patient__mrn="DEMO-0003")
    page.locator(f"#move-up-{charlie.pk}").click()
    expect(page.locator("#agenda-notice")).to_contain_text("is now case 2")
    assert page.evaluate("document.activeElement.id") == f"move-up-{charlie.pk}"
    page.locator(f"#move-up-{charlie.pk}").click()
    expect(page.locator("#agenda-notice")).to_contain_text("is now case 1")
    assert agenda_names(page) == ["Charlie", "Alpha", "Bravo"]
    expect(page.locator(f"#move-up-{charlie.pk}")).to_be_disabled()
    page.screenshot(path=shots / "meetings-2-reordered.png", full_page=True)

    # Present: one case per screen, arrow keys move between cases, the timer runs.
    page.get_by_role("link", name="Present", exact=True).first.click()
    page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/present/1/")
    expect(page.get_by_role("heading", name="DEMOPATIENT, Charlie")).to_be_visible()
    expect(page.get_by_text("Case 1 of 3")).to_be_visible()
    timer = page.locator("[data-timer-elapsed]")
    expect(timer).to_be_visible()
    expect(timer).to_have_text(re.compile(r"^0:0[1-9]$"), timeout=4000)
    page.screenshot(path=shots / "meetings-3-present.png", full_page=True)
    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/present/2/")
    expect(page.get_by_role("heading", name="DEMOPATIENT, Alpha")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/present/1/")

    # The clinician records the decisions, from present mode.
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    clinician_page = context.new_page()
    clinician_problems = watch(clinician_page)
    log_in(clinician_page, live_server, "clinician")
    clinician_page.goto(f"{live_server.url}/meetings/{meeting.pk}/present/2/")
    clinician_page.get_by_role("link", name="Record the decision").click()
    expect(
        clinician_page.get_by_role("heading", name=re.compile("Decision: DEMOPATIENT, Alpha"))
    ).to_be_visible()
    expect(clinician_page.get_by_label("Reason for the deviation")).to_be_hidden()
    clinician_page.locator("input[name=option]").nth(1).check()  # the first pathway option
    clinician_page.get_by_label("Yes — follows the guideline").check()
    clinician_page.get_by_label("Next review").fill(
        (timezone.localdate() + datetime.timedelta(days=84)).isoformat()
    )
    expect(clinician_page.get_by_label("Responsible clinician")).to_have_value(str(clinician.pk))
    clinician_page.get_by_role("button", name="Record the decision").click()
    clinician_page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/present/2/")
    expect(clinician_page.get_by_text("Decision recorded", exact=True)).to_be_visible()
    expect(clinician_page.get_by_text("Follows the guideline.")).to_be_visible()

    clinician_page.keyboard.press("ArrowRight")
    clinician_page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/present/3/")
    clinician_page.get_by_role("link", name="Record the decision").click()
    clinician_page.get_by_label("Plan (details, or a plan outside the options)").fill(
        "Enrol in the first-line trial open at our centre"
    )
    clinician_page.get_by_label("No — deviates from the guideline").check()
    reason = clinician_page.get_by_label("Reason for the deviation")
    expect(reason).to_be_visible()  # shown once the plan deviates
    clinician_page.get_by_label("Next review").fill(
        (timezone.localdate() + datetime.timedelta(days=42)).isoformat()
    )
    clinician_page.get_by_role("button", name="Record the decision").click()
    expect(
        clinician_page.get_by_text("A deviation from the guideline needs a reason: choose one.")
    ).to_be_visible()
    assert Decision.objects.count() == 1
    clinician_page.screenshot(path=shots / "meetings-4-deviation-needs-reason.png", full_page=True)
    reason.select_option("clinical_trial")
    clinician_page.get_by_role("button", name="Record the decision").click()
    clinician_page.wait_for_url(f"{live_server.url}/meetings/{meeting.pk}/present/3/")
    expect(clinician_page.get_by_text("Deviates from the guideline: clinical trial.")).to_be_visible()
    clinician_page.screenshot(path=shots / "meetings-5-decided-slide.png", full_page=True)
    context.close()
    assert not clinician_problems, clinician_problems

    decisions = {
        d.agenda_item.case.patient.mrn: d
        for d in Decision.objects.select_related("agenda_item__case__patient")
    }
    assert decisions["DEMO-0001"].follows_guideline and decisions["DEMO-0001"].option_code
    assert (decisions["DEMO-0002"].follows_guideline, decisions["DEMO-0002"].deviation_reason) == (
        False,
        "clinical_trial",
    )

    # Back to the coordinator: generate the packet (htmx panel) and download it.
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    expect(page.locator("#agenda-summary")).to_contain_text("2 decided")
    page.get_by_role("button", name="Generate packet").click()
    # Rendering three case summaries can take a while on a busy CI machine.
    expect(page.locator("#packet-panel")).to_contain_text("Ready · generated", timeout=60_000)
    page.screenshot(path=shots / "meetings-6-packet-ready.png", full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download packet (PDF)").click()
    download = download_info.value
    assert re.fullmatch(
        r"meeting-packet-thursday-nen-board-\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename
    )
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    pages = pdf_pages(path.read_bytes())
    starts = [n for n, text in enumerate(pages) if text.startswith("TUMOR BOARD PATHWAY SUMMARY")]
    assert [next(name for name in ("Charlie", "Alpha", "Bravo") if name in pages[n]) for n in starts] == [
        "Charlie",
        "Alpha",
        "Bravo",
    ]
    assert not problems, problems


def test_a_packet_whose_worker_died_shows_failed_with_retry_and_stops_polling(
    browser_page, live_server, screenshot_dir, settings
):
    from meetings import services
    from meetings.models import MeetingPacket
    from tests.meetings.factories import AgendaItemFactory, AttendeeFactory, MeetingFactory

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.PACKET_LEASE_SECONDS = 3
    coordinator = UserFactory(username="coordinator", role=roles.COORDINATOR)
    meeting = MeetingFactory(board_name="Thursday NEN board")
    AttendeeFactory(meeting=meeting, name="Dr. Path", specialty="pathology")
    for _ in range(3):
        AgendaItemFactory(meeting=meeting)
    packet = services.request_packet(user=coordinator, meeting_id=meeting.pk)
    # A worker claimed it and rendered one case of three; it is killed now: no heartbeat from here on.
    MeetingPacket.objects.filter(pk=packet.pk).update(
        status="running", cases_done=1, cases_total=3, heartbeat_at=timezone.now()
    )
    page = browser_page
    problems = watch(page)
    polls: list[str] = []
    page.on(
        "request", lambda request: polls.append(request.url) if "/packet/status/" in request.url else None
    )
    log_in(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    expect(page.get_by_text("Generating: 1 of 3 cases done")).to_be_visible()

    # The panel keeps polling; once the lease runs out it says what happened and offers Retry.
    alert = page.locator("#packet-panel .alert-danger")
    expect(alert).to_contain_text("The packet could not be generated.", timeout=20_000)
    expect(alert).to_contain_text("no progress for more than 3 seconds")
    retry = page.get_by_role("button", name="Retry")
    expect(retry).to_be_visible()
    page.locator("#packet-panel").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "meeting-packet-worker-lost.png", full_page=True)
    seen = len(polls)
    page.wait_for_timeout(5000)  # more than two polling periods: none comes
    assert len(polls) == seen and seen >= 1

    retry.click()
    expect(page.get_by_text("Waiting to start")).to_be_visible()
    assert MeetingPacket.objects.get().generation == packet.generation + 1
    assert problems == []
