"""Patient identifiers never reach the logs or the error page, even for a failing request."""

import logging

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from cases.log_privacy import RedactingFormatter
from cases.models import Patient
from tests.factories import CaseFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


def formatted(records):
    """The log lines exactly as the configured console handler writes them."""
    console = [
        handler for handler in logging.getLogger().handlers if isinstance(handler, logging.StreamHandler)
    ]
    formatters = [
        handler.formatter for handler in console if isinstance(handler.formatter, RedactingFormatter)
    ]
    assert formatters, "the console log handler must use the redacting formatter"
    formatter = formatters[0]
    return "\n".join(formatter.format(record) for record in records)


def test_failing_request_logs_no_patient_identifier(caplog, monkeypatch):
    patient = PatientFactory(mrn="MRN-SECRET-42", family_name="Secretname", given_name="Hidden")
    case = CaseFactory(patient=patient)
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    def explode(*args, **kwargs):
        # The kind of error a database raises: its message quotes the patient's values.
        raise IntegrityError(
            f"duplicate key (mrn)=({patient.mrn}) for {patient.family_name}, {patient.given_name}"
        )

    monkeypatch.setattr("cases.case_page_cache.cached_pathway_for_case", explode)
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("cases:detail", args=[case.pk]) + f"?q={patient.family_name}")

    assert response.status_code == 500
    lines = formatted(caplog.records)
    assert "IntegrityError" in lines and "Traceback" in lines  # the failure itself is logged
    for secret in (patient.mrn, patient.family_name, patient.given_name):
        assert secret not in lines
        assert secret not in response.text
    assert Patient.objects.filter(mrn="MRN-SECRET-42").exists()


def test_request_line_query_strings_are_redacted():
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"GET /cases/?q=Secretname HTTP/1.1" 200', (), None
    )
    assert "Secretname" not in formatted([record])
    assert "/cases/?<query redacted>" in formatted([record])


def test_exc_info_logged_outside_an_exception_is_formatted_as_logging_does():
    # logging.error(..., exc_info=True) with no exception being handled passes (None, None, None).
    record = logging.LogRecord(
        "cases", logging.ERROR, __file__, 1, "no exception here", (), (None, None, None)
    )
    assert formatted([record]).endswith("no exception here\nNoneType: None")
