"""Who may open the pathway page and PDF, and what an unknown case gives."""

import pytest
from django.urls import reverse

from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["guidelines:pathway", "guidelines:pathway_pdf"])
def test_anonymous_user_is_sent_to_log_in(client, name):
    case = CaseFactory()
    url = reverse(name, args=[case.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", ["guidelines:pathway", "guidelines:pathway_pdf"])
def test_unknown_case_is_404(clinician_client, name):
    response = clinician_client.get(reverse(name, args=[999_999]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["guidelines:pathway", "guidelines:pathway_pdf"])
def test_responses_are_not_cached(clinician_client, name):
    case = CaseFactory()
    response = clinician_client.get(reverse(name, args=[case.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
