"""Smaller findings: NUL in a search, an admin year past any date, search terms in the dev server's log,
and serve.sh's default (plain HTTP through a proxy: tests/nanets/test_middleware.py)."""

import io
import logging
import logging.config
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cases.models import SearchEvent
from tests.factories import CaseFactory, PathologyReportFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_a_nul_character_in_the_search_is_ignored_not_a_server_error():
    case = CaseFactory()
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    response = client.get("/cases/?q=%00")
    assert response.status_code == 200 and case.patient.mrn in response.text
    response = client.get("/cases/", {"q": f"\x00{case.patient.mrn}\x00", "status": "\x00"})
    assert response.status_code == 200 and case.patient.mrn in response.text
    assert SearchEvent.objects.count() == 1  # the search without its NUL characters


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["99999999999", "9999", "0"])
def test_an_admin_year_no_date_holds_is_a_bad_filter_not_a_server_error(year):
    PathologyReportFactory()
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True, role=""))
    response = client.get(reverse("admin:cases_pathologyreport_changelist"), {"specimen_date__year": year})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_the_dev_server_request_line_keeps_no_search_terms():
    stream = io.StringIO()
    config = {
        **settings.LOGGING,
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "stream": stream}},
    }
    logging.config.dictConfig(config)
    try:
        logging.getLogger("django.server").info(
            '"%s" %s %s', "GET /cases/?q=Doe+Jane HTTP/1.1", "200", "5120"
        )
    finally:
        logging.config.dictConfig(settings.LOGGING)
    line = stream.getvalue()
    assert "GET /cases/?<query redacted> HTTP/1.1" in line and "Doe" not in line


def test_serve_script_leaves_insecure_local_http_off_unless_asked():
    script = (ROOT / "bench" / "serve.sh").read_text(encoding="utf-8")
    assert 'export INSECURE_LOCAL_HTTP="${INSECURE_LOCAL_HTTP:-0}"' in script
    assert "INSECURE_LOCAL_HTTP:-1" not in script
