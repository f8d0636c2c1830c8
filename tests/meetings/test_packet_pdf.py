"""The meeting's PDFs as documents: the footer on every page, tagging, contents and page numbers."""

import logging
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from meetings import services
from meetings.models import MeetingPacket, PacketKind
from meetings.packet import render_packet
from tests.guidelines.test_pdf import assert_every_page_carries_the_footer
from tests.meetings.conftest import HTMX, pdf_pages
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


@pytest.fixture
def meeting(demo_cases, coordinator):
    """Five demo cases on the agenda, P12 moved to the front."""
    meeting = MeetingFactory(board_name="Contents board")
    for vignette in ("P01", "P02", "P07", "P09", "P12"):
        services.add_case_to_agenda(user=coordinator, meeting_id=meeting.pk, case_id=demo_cases[vignette].pk)
    p12 = meeting.agenda_items.get(case=demo_cases["P12"])
    services.move_agenda_item(user=coordinator, meeting_id=meeting.pk, item_id=p12.pk, to_position=1)
    return meeting


def packet_pdf(client, meeting, kind):
    response = client.post(reverse("meetings:packet_request", args=[meeting.pk]), {"kind": kind}, **HTMX)
    assert response.status_code == 200
    response = client.get(reverse("meetings:packet_pdf", args=[meeting.pk]) + f"?kind={kind}&download=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return response


def contents(pages: list[str], meeting) -> list[tuple[str, int]]:
    """Each agenda case's MRN with the page the contents page gives for it."""
    toc = pages[1]
    assert toc.startswith("CONTENTS") or "Contents" in toc
    found = []
    for item in meeting.agenda_items.select_related("case__patient").order_by("position"):
        mrn = item.case.patient.mrn
        match = re.search(rf"MRN {mrn} page (\d+)", toc)
        assert match, mrn
        found.append((mrn, int(match.group(1))))
    return found


@pytest.mark.parametrize("kind", ["summaries", "sheets"])
def test_the_contents_page_gives_the_page_each_case_starts_on(coordinator_client, meeting, kind):
    response = packet_pdf(coordinator_client, meeting, kind)
    content = b"".join(response.streaming_content)  # streamed from the packet storage
    pages = pdf_pages(content)
    assert_every_page_carries_the_footer(content)  # Page X of Y runs through the packet
    starts = contents(pages, meeting)
    assert [mrn for mrn, _ in starts] == ["DEMO-0012", "DEMO-0001", "DEMO-0002", "DEMO-0007", "DEMO-0009"]
    assert starts[0][1] == 3  # cover, contents, then the first case
    for (mrn, start), (_, following) in zip(starts, [*starts[1:], ("end", len(pages) + 1)], strict=True):
        assert following > start
        assert f"MRN {mrn}" in pages[start - 1]
        assert all(f"MRN {mrn}" in text for text in pages[start - 1 : following - 1])
    if kind == "sheets":
        # One page per case, each with the box for the decision.
        assert [start for _, start in starts] == [3, 4, 5, 6, 7] and len(pages) == 7
        assert all("Board decision" in text for text in pages[2:])
        assert response["Content-Disposition"].startswith(
            'attachment; filename="meeting-sheets-contents-board-'
        )
    else:
        assert len(pages) > len(starts) + 2
        assert response["Content-Disposition"].startswith(
            'attachment; filename="meeting-packet-contents-board-'
        )


def test_the_two_kinds_are_separate_packets(coordinator_client, meeting):
    packet_pdf(coordinator_client, meeting, "sheets")
    assert set(MeetingPacket.objects.values_list("kind", flat=True)) == {"sheets"}
    page = coordinator_client.get(reverse("meetings:detail", args=[meeting.pk])).text
    assert "Download board sheets (PDF)" in page and "Download packet (PDF)" not in page
    assert "Generate packet" in page  # the full summaries are still to be made
    packet_pdf(coordinator_client, meeting, "summaries")
    assert MeetingPacket.objects.count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingPacket.objects.create(meeting=meeting, kind=PacketKind.SHEETS)


def test_an_unknown_kind_is_not_found(coordinator_client, meeting):
    url = reverse("meetings:packet_request", args=[meeting.pk])
    assert coordinator_client.post(url, {"kind": "posters"}, **HTMX).status_code == 404
    assert (
        coordinator_client.get(reverse("meetings:packet_pdf", args=[meeting.pk]) + "?kind=x").status_code
        == 404
    )
    assert not MeetingPacket.objects.exists()


def test_laying_out_the_packet_reports_progress_page_by_page_without_logging_it(meeting, coordinator, caplog):
    calls = []
    progress = logging.getLogger("weasyprint.progress")
    before = (progress.level, progress.propagate, list(progress.handlers))
    with caplog.at_level(logging.DEBUG):
        content, _ = render_packet(meeting.pk, coordinator, lambda done, total: calls.append((done, total)))
    cases = meeting.agenda_items.count()
    assert calls[: cases + 1] == [(done, cases) for done in range(cases + 1)]
    # Then a report per page of the contents laid out (the cases' parts are laid out by their own tasks),
    # so that a long layout keeps renewing the worker's lease.
    laid_out = calls[cases + 1 :]
    pages = pdf_pages(content)
    contents_pages = [number for number, text in enumerate(pages) if "Generated by" in text]
    assert len(laid_out) >= len(contents_pages) >= 1 and set(laid_out) == {(cases, cases)}
    assert "Creating layout" not in caplog.text
    assert (progress.level, progress.propagate, list(progress.handlers)) == before
