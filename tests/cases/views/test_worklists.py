"""The case list's worklists (cases/views/case_list.py): tabs with counts, sortable columns, flat queries."""

import datetime
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.views import case_list
from meetings.models import AgendaItem, Decision
from tests.factories import CaseFactory, PatientFactory, UserFactory
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory, ReadyCaseFactory

pytestmark = pytest.mark.django_db

URL = reverse("cases:list")


@pytest.fixture
def clinician():
    return UserFactory(username="clinician")


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician)
    return client


def _meeting(days: int):
    return MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=days))


def _listed(response) -> set[int]:
    return {case.pk for case in response.context["page"].object_list}


def _counts(response) -> dict[str, int]:
    return {tab["label"]: tab["count"] for tab in response.context["tabs"]}


@pytest.fixture
def board(clinician):
    """One case per worklist, each in no other tab than "All" (and "mine" only for `mine`)."""
    mine = CaseFactory(responsible_clinician=clinician)
    awaiting = ReadyCaseFactory()
    scheduled = ReadyCaseFactory()
    AgendaItemFactory(case=scheduled, meeting=_meeting(7))
    # On a past agenda without a decision (the board did not reach it): it waits for a board again.
    missed = ReadyCaseFactory()
    AgendaItemFactory(case=missed, meeting=_meeting(-7))
    overdue = CaseFactory(status="discussed")
    DecisionFactory(
        agenda_item=AgendaItemFactory(case=overdue, meeting=_meeting(-100)),
        next_review_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    reviewed_later = CaseFactory(status="discussed")
    DecisionFactory(
        agenda_item=AgendaItemFactory(case=reviewed_later, meeting=_meeting(-200)),
        next_review_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    # Its latest decision (the later meeting) moved the review to the future: not overdue.
    DecisionFactory(agenda_item=AgendaItemFactory(case=reviewed_later, meeting=_meeting(-10)))
    return {
        "mine": mine,
        "awaiting": awaiting,
        "scheduled": scheduled,
        "missed": missed,
        "overdue": overdue,
        "reviewed_later": reviewed_later,
    }


def test_the_reverse_relation_names_are_those_of_the_meetings_models():
    """The list reaches meetings by name only (import-linter); a renamed relation must fail here."""
    relation = Case._meta.get_field(case_list.AGENDA_ITEMS)
    assert relation.related_model is AgendaItem
    assert AgendaItem._meta.get_field(case_list.AGENDA_DECISION).related_model is Decision
    assert AgendaItem._meta.get_field("meeting").related_model._meta.get_field("starts_at")
    assert Decision._meta.get_field(case_list.DECISION_NEXT_REVIEW)


@pytest.mark.parametrize(
    ("tab", "expected"),
    [
        ("", {"mine", "awaiting", "scheduled", "missed", "overdue", "reviewed_later"}),
        ("mine", {"mine"}),
        ("awaiting", {"awaiting", "missed"}),
        ("overdue", {"overdue"}),
        ("nonsense", {"mine", "awaiting", "scheduled", "missed", "overdue", "reviewed_later"}),
    ],
)
def test_each_tab_lists_its_cases(clinician_client, board, tab, expected):
    response = clinician_client.get(URL, {"list": tab})
    assert response.status_code == 200
    assert _listed(response) == {board[name].pk for name in expected}


def test_each_tab_shows_its_count_under_the_search(clinician_client, board):
    assert _counts(clinician_client.get(URL)) == {
        "All": 6,
        "My cases": 1,
        "Awaiting a board": 2,
        "Overdue reviews": 1,
    }
    searched = board["awaiting"].patient.family_name
    assert _counts(clinician_client.get(URL, {"q": searched, "list": "overdue"})) == {
        "All": 1,
        "My cases": 0,
        "Awaiting a board": 1,
        "Overdue reviews": 0,
    }


def test_filters_combine_with_the_tab(clinician_client, board):
    Case.objects.filter(pk=board["missed"].pk).update(classification="nec")
    response = clinician_client.get(URL, {"list": "awaiting", "classification": "nec"})
    assert _listed(response) == {board["missed"].pk}
    assert _listed(clinician_client.get(URL, {"list": "awaiting", "status": "draft"})) == set()


def test_tab_links_keep_the_filters_and_the_form_keeps_the_tab(clinician_client, board):
    page = clinician_client.get(URL, {"q": "Test", "list": "mine", "sort": "mrn"}).text
    links = {
        text.strip(): parse_qs(urlsplit(html.unescape(href)).query)
        for href, text in re.findall(r'class="nav-link[^"]*"[^>]*href="([^"]*)"[^>]*>([^<]*)<', page)
    }
    assert links["Overdue reviews"] == {"q": ["Test"], "list": ["overdue"], "sort": ["mrn"]}
    assert links["All"] == {"q": ["Test"], "sort": ["mrn"]}
    assert re.search(r'<a class="nav-link active" aria-current="page"[^>]*>My cases', page)
    assert '<input type="hidden" name="list" value="mine" form="case-filters">' in page
    assert '<input type="hidden" name="sort" value="mrn" form="case-filters">' in page


def test_htmx_gets_the_tabs_with_the_rows(clinician_client, board):
    response = clinician_client.get(URL, {"list": "awaiting"}, headers={"HX-Request": "true"})
    assert "<html" not in response.text
    assert 'aria-label="Worklists"' in response.text
    linked = {int(pk) for pk in re.findall(r'<td><a href="/cases/(\d+)/">', response.text)}
    assert linked == {board["awaiting"].pk, board["missed"].pk}


def test_the_export_link_follows_the_tab(clinician_client, board):
    page = clinician_client.get(URL, {"list": "overdue", "sort": "-review"}).text
    href = html.unescape(re.search(r'href="([^"]*)" download>Export CSV', page).group(1))
    assert parse_qs(urlsplit(href).query) == {"list": ["overdue"], "sort": ["-review"]}


def _names(response) -> list[str]:
    return [case.patient.family_name for case in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("patient", ["Adams", "Baker", "Cole"]),
        ("-patient", ["Cole", "Baker", "Adams"]),
        ("mrn", ["Cole", "Adams", "Baker"]),
        # An unknown key (or one naming a field outside the list) is the default: latest update first.
        ("password", ["Cole", "Baker", "Adams"]),
        ("-patient__mrn", ["Cole", "Baker", "Adams"]),
        ("", ["Cole", "Baker", "Adams"]),
    ],
)
def test_sorting_through_the_whitelist(clinician_client, sort, expected):
    for name, mrn in (("Adams", "M-2"), ("Baker", "M-3"), ("Cole", "M-1")):
        CaseFactory(patient=PatientFactory(family_name=name, mrn=mrn))
    response = clinician_client.get(URL, {"sort": sort})
    assert response.status_code == 200
    assert _names(response) == expected


def test_review_sort_puts_cases_without_a_review_last(clinician_client, board):
    names = [case.pk for case in clinician_client.get(URL, {"sort": "review"}).context["page"].object_list]
    assert names[:2] == [board["overdue"].pk, board["reviewed_later"].pk]
    descending = clinician_client.get(URL, {"sort": "-review"}).context["page"].object_list
    assert [case.pk for case in descending][:2] == [board["reviewed_later"].pk, board["overdue"].pk]


def test_header_links_toggle_and_carry_aria_sort(clinician_client, board):
    page = clinician_client.get(URL, {"sort": "patient", "list": "mine"}).text
    headers = re.findall(r'<th scope="col"( aria-sort="(\w+)")?>\s*<a class="sort-link" href="([^"]*)"', page)
    by_key = {parse_qs(urlsplit(html.unescape(href)).query)["sort"][0]: aria for _, aria, href in headers}
    assert by_key["-patient"] == "ascending"  # the current column links to its other direction
    assert by_key["mrn"] == ""
    assert len(headers) == len(case_list.COLUMNS)
    assert all("list=mine" in html.unescape(href) for _, _, href in headers)
    assert page.count("aria-sort=") == 1


def test_default_order_is_marked_on_updated(clinician_client, board):
    page = clinician_client.get(URL).text
    assert re.search(r'aria-sort="descending">\s*<a class="sort-link" href="\?sort=updated"', page)


def _board_of(size: int, clinician) -> None:
    """Cases of every tab: ready ones (some of the clinician), discussed ones with an overdue review."""
    for index in range(size):
        if index % 3:
            ReadyCaseFactory(responsible_clinician=clinician if index % 3 == 1 else None)
        else:
            overdue = timezone.localdate() - datetime.timedelta(days=1)
            case = CaseFactory(status="discussed")
            DecisionFactory(
                agenda_item=AgendaItemFactory(case=case, meeting=_meeting(-5)), next_review_on=overdue
            )


@pytest.mark.parametrize("tab", ["", "mine", "awaiting", "overdue"])
def test_query_count_is_flat(clinician_client, clinician, tab):
    _board_of(3, clinician)
    with CaptureQueriesContext(connection) as small:
        shown = clinician_client.get(URL, {"list": tab, "sort": "review"})
    assert shown.context["page"].object_list
    _board_of(27, clinician)
    with CaptureQueriesContext(connection) as large:
        shown = clinician_client.get(URL, {"list": tab, "sort": "review"})
    assert len(shown.context["page"].object_list) >= 9
    assert len(large) == len(small)
