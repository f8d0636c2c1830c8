"""The quality page in Chromium: its charts draw under the strict CSP and its filters apply."""

import pytest
from playwright.sync_api import expect

from cases import roles
from tests.factories import TEST_PASSWORD, UserFactory
from tests.meetings.test_quality import TODAY, YEAR_START, expected, seeded  # noqa: F401 (seeded: the fixture)

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("seeded")
def test_the_page_draws_its_charts_and_filters_by_classification(browser_page, live_server, pytestconfig):
    UserFactory(username="coordinator", role=roles.COORDINATOR)
    page = browser_page
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(f"{live_server.url}/accounts/login/?next=/quality/")
    page.get_by_label("Username").press_sequentially("coordinator")
    page.get_by_label("Password").press_sequentially(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/quality/")

    year = expected(YEAR_START, TODAY)
    expect(page.locator("#figure-decisions")).to_have_text(str(year["decisions"]))
    expect(page.get_by_role("img", name="Share of decisions that follow the guideline")).to_be_visible()
    expect(page.get_by_role("img", name="Days from pathology to first discussion")).to_be_visible()
    expect(page.get_by_role("link", name="Quality")).to_have_attribute("aria-current", "page")
    artifacts = pytestconfig.rootpath / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "quality.png"), full_page=True)

    page.get_by_label("Classification").select_option("g3_net")
    page.get_by_role("button", name="Show").click()
    net = expected(YEAR_START, TODAY, "g3_net")
    expect(page.locator("#figure-decisions")).to_have_text(str(net["decisions"]))
    expect(page.locator("#quality-period")).to_contain_text("Well-differentiated G3 NET")
    assert refused == []
