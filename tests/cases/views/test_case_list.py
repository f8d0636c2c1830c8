"""The case list (cases/views/case_list.py): one wording for a classification, encoded page links."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from cases.models import Case
from guidelines import codes
from tests.factories import CaseFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinician_client(client):
    client.force_login(UserFactory(username="clinician"))
    return client


def _filter_options(page: str) -> dict[str, str]:
    select = re.search(r'<select[^>]*id="case-classification".*?</select>', page, re.S).group(0)
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


def _row_classifications(page: str) -> list[str]:
    rows = re.findall(r"<tr>\s*<td><a href=.*?</tr>", page, re.S)
    return [re.findall(r"<td>(.*?)</td>", row, re.S)[3] for row in rows]


def _page_links(page: str) -> dict[str, str]:
    return {
        text: html.unescape(href)
        for href, text in re.findall(r'class="page-link" href="([^"]*)">(\w+)<', page)
    }


def test_the_filter_and_the_rows_name_a_classification_alike(clinician_client):
    """Each classification reads the same in the filter and in the rows (the engine's names)."""
    for code in codes.CLASSIFICATION.values:
        Case.objects.filter(pk=CaseFactory().pk).update(classification=code)
    CaseFactory()  # not yet classified
    page = clinician_client.get(reverse("cases:list")).text
    options = _filter_options(page)
    assert options == {"": "Any classification", **codes.CLASSIFICATION.labels}
    assert options["nec"] == "Poorly differentiated NEC"
    rows = _row_classifications(page)
    assert sorted(rows) == sorted([*codes.CLASSIFICATION.labels.values(), "Not yet classified"])


def test_page_links_keep_the_search_and_filters_encoded(clinician_client):
    """A search with "&", "#" and spaces survives the page links, as do the filters; no empty parameter."""
    for _ in range(27):
        case = CaseFactory(patient=PatientFactory(family_name="Smith & Jones #2"))
        Case.objects.filter(pk=case.pk).update(classification="nec")
    CaseFactory(patient=PatientFactory(family_name="Smith"))  # found by "Smith" alone, not by the search
    search = {"q": "Smith & Jones #2", "classification": "nec"}
    first = clinician_client.get(reverse("cases:list"), search).text
    assert "Page 1 of 2" in first
    following = _page_links(first)["Next"]
    assert parse_qs(urlsplit(following).query) == {
        "q": ["Smith & Jones #2"],
        "classification": ["nec"],
        "page": ["2"],
    }
    second = clinician_client.get(reverse("cases:list") + following)
    assert len(second.context["page"].object_list) == 2
    assert parse_qs(urlsplit(_page_links(second.text)["Previous"]).query)["page"] == ["1"]


def test_page_links_without_search_carry_only_the_page(clinician_client):
    for _ in range(26):
        CaseFactory()
    page = clinician_client.get(reverse("cases:list"), {"q": "", "status": ""}).text
    assert _page_links(page)["Next"] == "?page=2"
