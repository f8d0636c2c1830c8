"""The case list's worklists and filters at tablet width, and a comment typed on the case page."""

import pytest
from playwright.sync_api import expect

from cases import roles
from cases.models import Case, CaseComment
from tests.factories import TEST_PASSWORD, CaseFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.browser

TABLET = {"width": 768, "height": 1024}
FILTER_CONTROLS = ("Search by name or MRN", "Status", "Classification")

# The widest option label of a select, drawn in the select's own font, against the room its box leaves for
# text (its width less its padding, which holds the drop-down arrow): a wider label is cut off.
SELECT_TEXT_FITS = """select => {
    const style = getComputedStyle(select);
    const context = document.createElement("canvas").getContext("2d");
    context.font = style.font;
    const widest = Math.max(...[...select.options].map(option => context.measureText(option.text).width));
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return widest <= room;
}"""


def _log_in(page, live_server, username: str, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}{next_url}")


def _inside(box: dict, width: int, height: int) -> bool:
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width
        and box["y"] + box["height"] <= height
    )


def test_every_filter_control_fits_a_tablet(browser_page, live_server, screenshot_dir):
    clinician = UserFactory(username="clinician")
    for index in range(4):
        case = CaseFactory(
            patient=PatientFactory(family_name=f"Tablet{index}"), responsible_clinician=clinician
        )
        Case.objects.filter(pk=case.pk).update(classification="high_grade_indeterminate")
    page = browser_page
    page.set_viewport_size(TABLET)
    _log_in(page, live_server, "clinician", "/cases/")

    controls = [page.get_by_label(label, exact=True) for label in FILTER_CONTROLS]
    controls.append(page.get_by_role("button", name="Filter"))
    for control in controls:
        box = control.bounding_box()
        assert box is not None and _inside(box, **TABLET), box
    # The button's label and every option label are shown whole, not cut by a narrow column.
    assert page.get_by_role("button", name="Filter").evaluate("b => b.scrollWidth <= b.clientWidth")
    for label in ("Status", "Classification"):
        assert page.get_by_label(label, exact=True).evaluate(SELECT_TEXT_FITS), label
    for tab in page.get_by_role("navigation", name="Worklists").get_by_role("link").all():
        box = tab.bounding_box()
        assert box is not None and _inside(box, **TABLET), box
    page.screenshot(path=screenshot_dir / "case-list-768.png", full_page=False)


def test_tabs_and_sorting_work_through_htmx_and_keep_the_search(browser_page, live_server, screenshot_dir):
    clinician = UserFactory(username="clinician")
    mine = CaseFactory(patient=PatientFactory(family_name="Mine"), responsible_clinician=clinician)
    CaseFactory(patient=PatientFactory(family_name="Mineral"))  # found by the search, not in "My cases"
    CaseFactory(patient=PatientFactory(family_name="Other"), responsible_clinician=clinician)
    page = browser_page
    _log_in(page, live_server, "clinician", "/cases/")

    worklists = page.get_by_role("navigation", name="Worklists")
    expect(worklists.get_by_role("link", name="My cases 2")).to_be_visible()
    worklists.get_by_role("link", name="My cases").click()
    page.wait_for_url(f"{live_server.url}/cases/?list=mine")
    expect(worklists.get_by_role("link", name="My cases")).to_have_attribute("aria-current", "page")

    page.get_by_label("Search by name or MRN").press_sequentially("mine")
    expect(page.locator("#case-results tbody tr")).to_have_count(1)
    expect(page.locator("#case-results tbody")).to_contain_text(mine.patient.mrn)
    expect(worklists.get_by_role("link", name="All 2")).to_be_visible()

    page.get_by_role("link", name="Patient", exact=True).click()
    expect(page.get_by_role("columnheader", name="Patient")).to_have_attribute("aria-sort", "ascending")
    assert "list=mine" in page.url and "q=mine" in page.url and "sort=patient" in page.url

    # A filter chosen now stays in the tab and the order.
    page.get_by_label("Status", exact=True).select_option("ready")
    expect(page.locator("#case-results")).to_contain_text("No case matches this list and these filters.")
    assert "list=mine" in page.url and "sort=patient" in page.url and "status=ready" in page.url
    page.screenshot(path=screenshot_dir / "case-list-mine-sorted.png", full_page=True)


def test_a_comment_typed_on_the_case_page_is_saved(browser_page, live_server, screenshot_dir):
    coordinator = UserFactory(username="coordinator", role=roles.COORDINATOR)
    case = CaseFactory()
    page = browser_page
    url = f"/cases/{case.pk}/"
    _log_in(page, live_server, "coordinator", url)

    typed = "Ki-67 to be re-read before the board, 35 %?"
    page.get_by_role("textbox", name="Comment").press_sequentially(typed)
    page.get_by_role("button", name="Add the comment").click()
    comments = page.get_by_test_id("comments")
    expect(comments).to_contain_text(typed)
    expect(page.get_by_role("status").filter(has_text="Comment added.")).to_be_visible()
    expect(page.get_by_role("textbox", name="Comment")).to_have_value("")
    page.locator("#comments").screenshot(path=screenshot_dir / "case-comments.png")

    (comment,) = CaseComment.objects.all()
    assert (comment.case_id, comment.author_id) == (case.pk, coordinator.pk)
    assert comment.text == typed

    # An empty comment is refused with the field's message, nothing saved.
    page.get_by_role("button", name="Add the comment").click()
    expect(page.locator("#comments")).to_contain_text("Comment: type the comment before adding it.")
    assert CaseComment.objects.count() == 1
