"""The API docs page (/api/docs) runs Swagger UI from the app's static files under the strict CSP."""

import json

import pytest
from playwright.sync_api import expect

from cases import roles
from cases.models import Case
from tests.factories import TEST_PASSWORD, UserFactory
from tests.interop.api.bodies import new_case_body

pytestmark = pytest.mark.browser


def test_the_docs_list_every_operation_without_a_blocked_script(browser_page, live_server):
    page = browser_page
    blocked = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security" in message.text else None,
    )
    outside = []
    page.on(
        "request",
        lambda request: outside.append(request.url) if not request.url.startswith(live_server.url) else None,
    )
    page.goto(f"{live_server.url}/api/docs")
    expect(page.locator(".opblock-summary-path", has_text="/api/cases").first).to_be_visible()
    paths = page.locator(".opblock-summary-method").all_inner_texts()
    assert sorted(paths) == ["GET", "GET", "GET", "GET", "POST"]
    assert blocked == []
    assert outside == []


def test_try_it_out_creates_a_case_with_the_session(browser_page, live_server):
    UserFactory(username="clinician", role=roles.CLINICIAN)
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/?next=/api/docs")
    page.get_by_label("Username").press_sequentially("clinician", delay=20)
    page.get_by_label("Password").press_sequentially(TEST_PASSWORD, delay=20)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "login" not in url)
    operation = page.locator("#operations-cases-interop_api_new_case_case_create")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    editor = operation.locator("textarea.body-param__text")
    editor.fill(json.dumps(new_case_body(mrn="DOCS-0001")))
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("201", timeout=15000)
    assert Case.objects.filter(patient__mrn="DOCS-0001", status="draft").exists()
