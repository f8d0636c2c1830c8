"""Logging in through the real login form in headless Chromium."""

import pytest

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def test_clinician_logs_in_and_sees_case_list(browser_page, live_server, screenshot_dir):
    UserFactory(username="clinician")
    page = browser_page
    browser_problems: list[str] = []
    page.on("pageerror", lambda error: browser_problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            browser_problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )

    page.goto(f"{live_server.url}/cases/")
    assert page.url == f"{live_server.url}/accounts/login/?next=/cases/"
    assert page.get_by_role("heading", name="Log in").is_visible()
    page.screenshot(path=screenshot_dir / "login.png", full_page=True)

    page.get_by_label("Username").fill("clinician")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/cases/")

    assert page.get_by_role("heading", name="Cases", exact=True).is_visible()
    assert page.get_by_text("No cases yet").is_visible()
    assert page.get_by_role("link", name="Admin").count() == 0
    # Bootstrap and htmx came from our static files and initialised.
    assert page.evaluate("typeof window.bootstrap") == "object"
    assert page.evaluate("typeof window.htmx") == "object"
    page.screenshot(path=screenshot_dir / "case-list.png", full_page=True)

    # The user menu needs Bootstrap's JavaScript; logging out is a POST form inside it.
    page.get_by_role("button", name="clinician").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")

    assert browser_problems == []
