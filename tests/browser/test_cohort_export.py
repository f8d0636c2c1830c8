"""The case list's "Export CSV" link follows an htmx search, and downloads the filtered cohort."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from cases import roles
from interop.cohort import UTF8_BOM
from tests.factories import TEST_PASSWORD, CaseFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.browser


def test_the_export_link_keeps_the_typed_search(browser_page, live_server):
    UserFactory(username="coordinator", role=roles.COORDINATOR)
    wanted = CaseFactory(patient=PatientFactory(family_name="Zimmer"))
    CaseFactory(patient=PatientFactory(family_name="Other"))
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/?next=/cases/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/cases/")

    page.get_by_label("Search by name or MRN").fill("zimm")
    link = page.get_by_role("link", name="Export CSV")
    expect(link).to_have_attribute("href", re.compile(r"^/cases/cohort\.csv\?q=zimm$"))
    with page.expect_download() as download_info:
        link.click()
    text = download_info.value.path().read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(UTF8_BOM))))
    assert [row["case_id"] for row in rows] == [str(wanted.pk)]
