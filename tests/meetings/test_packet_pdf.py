"""The meeting's PDFs as documents: the footer on every page, tagging, contents and page numbers."""

import pytest
from django.urls import reverse

from tests.guidelines.test_pdf import assert_every_page_carries_the_footer
from tests.meetings.conftest import pdf_pages
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_every_page_of_the_minutes_carries_the_footer_and_the_minutes_are_tagged(clinician_client):
    meeting = MeetingFactory()
    for _ in range(14):  # enough cases for more than one page
        AgendaItemFactory(meeting=meeting, board_question="A question long enough to take a line " * 3)
    response = clinician_client.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert len(pdf_pages(response.content)) > 1
    assert_every_page_carries_the_footer(response.content)
