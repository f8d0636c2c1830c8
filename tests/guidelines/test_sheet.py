"""The one-page board sheet: identifiers, the agenda's question, classification, top options, workup."""

import io
from dataclasses import replace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from cases.models import AccessEvent, Case
from guidelines.sheet import MAX_OPTIONS, MAX_WORKUP, SheetOption, render_sheet_pdf, sheet_view
from tests.factories import CaseFactory
from tests.guidelines.conftest import pdf_pages, squeeze, view_of
from tests.guidelines.test_pdf import assert_every_page_carries_the_footer
from tests.meetings.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def sheet(client, case, query=""):
    response = client.get(reverse("guidelines:sheet_pdf", args=[case.pk]) + query)
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/pdf"
    return response


@pytest.fixture
def seeded_client(client, settings):
    """`manage.py seed_demo` (demo cases and the demo meeting), logged in as the demo clinician."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="clinician"))
    return client


@pytest.mark.parametrize(("paper", "width_points"), [("a4", 595), ("letter", 612)])
def test_every_demo_case_fits_one_page(seeded_client, paper, width_points):
    cases = list(Case.objects.filter(patient__mrn__startswith="DEMO-").select_related("patient"))
    assert len(cases) == 12
    for case in cases:
        reader = PdfReader(io.BytesIO(sheet(seeded_client, case, f"?paper={paper}").content))
        assert len(reader.pages) == 1, case.patient.mrn
        assert round(float(reader.pages[0].mediabox.width)) == width_points
        assert "Board decision" in reader.pages[0].extract_text(), case.patient.mrn


def test_the_sheet_holds_identifiers_classification_options_and_workup(clinician_client, demo_cases, user):
    case = demo_cases["P07"]
    response = sheet(clinician_client, case, "?download=1")
    (text,) = pdf_pages(response.content)
    view = view_of(case.pk, user)
    cut = sheet_view(view)
    assert f"MRN {case.patient.mrn}" in text and case.patient.display_name in text
    assert case.patient.date_of_birth.strftime("%-d %b %Y") in text
    assert squeeze(case.board_question) in text
    assert view.plan.classification.name in text
    assert all(squeeze(reason) in text for reason in view.plan.classification.reasons)
    for option in cut.options:
        assert squeeze(option.item.text) in text
    offered = [
        item
        for group in view.plan.items.offered_groups
        for item in group.items
        if item.status in ("recommended", "consider")  # advice against is no option
    ]
    shown = [option.item for option in cut.options]
    assert len(shown) == min(MAX_OPTIONS, len(offered))
    assert shown[0].status == "recommended" or not any(item.status == "recommended" for item in offered)
    if len(offered) > MAX_OPTIONS:
        assert f"…and {len(offered) - MAX_OPTIONS} more in the full summary" in text
    assert "Board decision" in text
    assert response["Content-Disposition"].startswith('attachment; filename="board-sheet-DEMO-0007-')
    assert_every_page_carries_the_footer(response.content)


def test_more_than_six_options_or_workup_lines_are_counted_not_listed(clinician_client, demo_cases, user):
    cases = [view_of(case.pk, user) for case in demo_cases.values()]
    cut = [sheet_view(view) for view in cases if view.plan]
    long_options = next(s for s in cut if s.more_options)
    assert len(long_options.options) == MAX_OPTIONS
    text = " ".join(pdf_pages(sheet(clinician_client, long_options.view.case).content))
    assert f"…and {long_options.more_options} more in the full summary" in text
    long_workup = [s for s in cut if s.more_workup]
    for s in long_workup:
        assert len(s.workup) == MAX_WORKUP


def test_the_question_is_the_next_agenda_items(clinician_client, demo_cases):
    case = demo_cases["P01"]
    past = MeetingFactory(starts_at=MeetingFactory.build().starts_at.replace(year=2020))
    AgendaItemFactory(meeting=past, case=case, board_question="An old question")
    upcoming = MeetingFactory()
    AgendaItemFactory(meeting=upcoming, case=case, board_question="Resect the primary after chemotherapy?")
    text = " ".join(pdf_pages(sheet(clinician_client, case).content))
    assert "Resect the primary after chemotherapy?" in text and "An old question" not in text


def test_without_an_agenda_the_question_is_the_cases_own(clinician_client, demo_cases):
    case = demo_cases["P02"]
    assert squeeze(case.board_question) in " ".join(pdf_pages(sheet(clinician_client, case).content))


def test_a_case_without_a_pathway_says_what_is_missing_on_one_page(clinician_client):
    case = CaseFactory(primary_site="rectum")
    (text,) = pdf_pages(sheet(clinician_client, case).content)
    assert "The pathway cannot be computed yet." in text and "Differentiation" in text


def test_the_sheet_is_audited_and_refuses_an_unknown_paper(clinician_client, demo_cases, user):
    case = demo_cases["P03"]
    sheet(clinician_client, case)
    event = AccessEvent.objects.filter(action=AccessEvent.Action.DOWNLOAD_SHEET).get()
    assert event.case_id == case.pk and event.user_id == user.pk
    response = clinician_client.get(reverse("guidelines:sheet_pdf", args=[case.pk]) + "?paper=a3")
    assert response.status_code == 400
    assert AccessEvent.objects.filter(action=AccessEvent.Action.DOWNLOAD_SHEET).count() == 1


def test_the_pathway_page_links_the_sheet(clinician_client, demo_cases):
    case = demo_cases["P01"]
    html = clinician_client.get(reverse("guidelines:pathway", args=[case.pk])).text
    assert f'href="{reverse("guidelines:sheet_pdf", args=[case.pk])}">Board sheet (PDF)</a>' in html


def test_the_longest_question_is_shortened_to_keep_one_page(clinician_client, demo_cases):
    case = demo_cases["P12"]  # six workup lines and options from several sections
    case.board_question = "Which of the options fits this patient's wishes and comorbidities? " * 30
    case.save()
    assert len(case.board_question) > 2000 - 100
    (text,) = pdf_pages(sheet(clinician_client, case, "?paper=letter").content)
    assert "(shortened: the full question is in the summary)" in text and "Board decision" in text


def test_the_fullest_sheet_still_fits_one_letter_page(demo_cases, user):
    """Six of the longest options, six of the longest workup lines, both "more" notes, a cut question."""
    views = [view_of(case.pk, user) for case in demo_cases.values()]
    options = [
        SheetOption(group.title, item)
        for view in views
        if view.plan
        for group in view.plan.items.offered_groups
        for item in group.items
    ]
    workup = [item for view in views if view.plan for item in view.plan.items.workup]
    longest_option = max(options, key=lambda option: len(option.item.text) + len(option.item.source))
    longest_workup = max(workup, key=lambda item: len(item.text))
    view = replace(views[0], board_question="Which option fits this patient's wishes? " * 60)
    full = sheet_view(view)
    fullest = replace(
        full, options=(longest_option,) * MAX_OPTIONS, more_options=9, workup=(longest_workup,) * MAX_WORKUP
    )
    fullest = replace(fullest, more_workup=9)
    content = render_sheet_pdf(fullest, paper="letter")
    pages = pdf_pages(content)
    assert len(pages) == 1 and "…and 9 more in the full summary" in pages[0]


def test_every_option_cites_the_papers_section(demo_cases, user):
    view = view_of(demo_cases["P07"].pk, user)
    shown = sheet_view(view)
    (text,) = pdf_pages(render_sheet_pdf(shown))
    assert shown.options
    for option in shown.options:
        assert squeeze(option.item.source[:60]) in squeeze(text)


def test_record_warnings_and_advice_against_are_not_hidden(demo_cases, user):
    view = view_of(demo_cases["P07"].pk, user)
    warning = "Liver-dominant disease, but no liver metastasis is recorded."
    shown = replace(sheet_view(view), warnings=(warning,))
    shown = replace(shown, more_warnings=1, not_recommended=3)
    (text,) = pdf_pages(render_sheet_pdf(shown))
    assert "Check the record" in text
    assert warning in squeeze(text)
    assert "…and 1 more warning in the full summary" in squeeze(text)
    assert "3 options the panel advises against" in squeeze(text)


def test_the_sheet_counts_the_options_the_panel_advises_against(demo_cases, user):
    view = view_of(demo_cases["P07"].pk, user)
    assert view.plan is not None
    assert sheet_view(view).not_recommended == len(view.plan.items.not_recommended)
