"""{% treatment_timeline case %}: the timeline figure wherever a case is shown, the case page included."""

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from cases.facts import with_record
from cases.models import Case
from tests.factories import CaseFactory, TreatmentLineFactory

pytestmark = pytest.mark.django_db
TIMELINE = Template("{% load pathway_pictures %}{% treatment_timeline case %}")
NO_DATES = "No treatment, resection, imaging or pathology dates recorded yet."


def loaded(case: Case) -> Case:
    return with_record(Case.objects.filter(pk=case.pk)).get()


def test_the_tag_draws_the_timeline_of_a_case_in_its_figure():
    case = CaseFactory()
    TreatmentLineFactory(case=case, regimen="captem", started_on=datetime.date(2026, 3, 1))
    html = TIMELINE.render(Context({"case": loaded(case)}))
    assert '<figcaption class="pw-figure__title">Treatment timeline</figcaption>' in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'class="pw-timeline"' in html
    assert NO_DATES not in html


def test_the_tag_says_so_when_nothing_is_dated():
    html = TIMELINE.render(Context({"case": loaded(CaseFactory())}))
    assert NO_DATES in html and "<svg" not in html


def test_the_case_page_shows_the_timeline(client, user):
    case = CaseFactory()
    TreatmentLineFactory(case=case, regimen="captem", started_on=datetime.date(2026, 3, 1))
    client.force_login(user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'class="pw-timeline"' in page
    assert "Line 1: Capecitabine + temozolomide (CAPTEM), 1 Mar 2026 – ongoing" in page
