"""Comments on the case page (cases/views/case_page.py comment_add) and in present mode."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import roles, services
from cases.models import AccessEvent, CaseComment
from cases.models.comments import COMMENT_LENGTH
from tests.factories import CaseFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def case():
    return CaseFactory()


@pytest.fixture
def clinician():
    return UserFactory(username="dr-clinician", first_name="Ada", last_name="Lovelace")


def _add_url(case) -> str:
    return reverse("cases:comment_add", args=[case.pk])


def test_a_plain_post_adds_the_comment_and_returns_to_the_case(client, clinician, case):
    client.force_login(clinician)
    response = client.post(_add_url(case), {"text": "Please review the MRI first."})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk]) + "#comments"
    (comment,) = CaseComment.objects.all()
    assert (comment.case, comment.author, comment.text) == (case, clinician, "Please review the MRI first.")
    page = client.get(response["Location"]).text
    assert "Please review the MRI first." in page
    assert "Ada Lovelace" in page
    assert timezone.localtime(comment.created_at).strftime("%Y-%m-%d %H:%M") in page


def test_htmx_gets_the_comments_section_back_and_the_read_is_recorded(client, clinician, case):
    client.force_login(clinician)
    services.add_comment(case=case, author=UserFactory(username="earlier"), text="Earlier note.")
    response = client.post(_add_url(case), {"text": "Second opinion on Ki-67."}, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="comments"')
    assert response.text.index("Earlier note.") < response.text.index("Second opinion on Ki-67.")
    assert "Comment added." in response.text
    # The new form is empty.
    assert re.search(r"<textarea[^>]*>\s*</textarea>", response.text)
    events = AccessEvent.objects.filter(user=clinician, action=AccessEvent.Action.VIEW_COMMENTS)
    assert list(events.values_list("case_id", "patient_id")) == [(case.pk, case.patient_id)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Comment: type the comment before adding it."),
        ("   ", "Comment: type the comment before adding it."),
        ("x" * (COMMENT_LENGTH + 1), f"Comment: at most {COMMENT_LENGTH} characters (this one has 2001)."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_empty_or_too_long_comment_is_refused_naming_the_field(
    client, clinician, case, text, message, headers
):
    client.force_login(clinician)
    response = client.post(_add_url(case), {"text": text}, headers=headers)
    assert response.status_code == 422
    assert message in response.text
    assert not CaseComment.objects.exists()
    assert ("<html" in response.text) is not bool(headers)


@pytest.mark.parametrize(
    ("role", "status"),
    [(roles.VIEWER, 403), (roles.AUDITOR, 403), (roles.COORDINATOR, 302), (roles.CLINICIAN, 302)],
)
def test_who_may_comment(client, case, role, status):
    client.force_login(UserFactory(username="someone", role=role))
    assert client.post(_add_url(case), {"text": "A note."}).status_code == status
    assert CaseComment.objects.count() == (1 if status == 302 else 0)


def test_a_viewer_reads_the_comments_without_the_form(client, case):
    services.add_comment(case=case, author=UserFactory(username="writer"), text="For the board: CT is old.")
    client.force_login(UserFactory(username="reader", role=roles.VIEWER))
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    assert "For the board: CT is old." in page
    assert _add_url(case) not in page


def test_comments_cannot_be_changed_through_a_get(client, clinician, case):
    client.force_login(clinician)
    assert client.get(_add_url(case)).status_code == 405


def test_the_case_page_query_count_does_not_grow_with_the_comments(client, clinician, case):
    client.force_login(clinician)
    url = reverse("cases:detail", args=[case.pk])
    services.add_comment(case=case, author=clinician, text="One.")
    client.get(url)  # warm-up: first-request-only work is not counted
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for index in range(20):
        services.add_comment(case=case, author=UserFactory(username=f"author{index}"), text=f"Note {index}.")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).text
    assert page.count("Note ") == 20
    assert len(many) == len(one)


def test_present_mode_shows_the_comments(client, clinician):
    item = AgendaItemFactory()
    services.add_comment(case=item.case, author=clinician, text="Ask pathology about Rb loss.")
    client.force_login(UserFactory(username="viewer", role=roles.VIEWER))
    response = client.get(reverse("meetings:present_case", args=[item.meeting_id, item.position]))
    assert response.status_code == 200
    section = re.search(r'data-testid="present-comments".*?</section>', response.text, re.S).group(0)
    assert "Ask pathology about Rb loss." in section
    assert "Ada Lovelace" in section


def test_present_mode_without_comments_has_no_comments_section(client):
    item = AgendaItemFactory()
    client.force_login(UserFactory(username="viewer", role=roles.VIEWER))
    response = client.get(reverse("meetings:present_case", args=[item.meeting_id, item.position]))
    assert 'data-testid="present-comments"' not in response.text
