"""Fixtures for the pathway page and PDF: demo cases, a logged-in client, the view model, PDF text."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.demo import seed_demo_cases
from cases.models import Case
from guidelines.pathway_view import PathwayView, pathway_case, pathway_view


@pytest.fixture
def demo_cases(user) -> dict[str, Case]:
    """The twelve demo cases keyed by vignette (P01..P12), authored by the clinician."""
    seed_demo_cases(user)
    cases = Case.objects.select_related("patient")
    return {f"P{case.patient.mrn[-2:]}": case for case in cases if case.patient.mrn.startswith("DEMO-")}


@pytest.fixture
def clinician_client(client, user):
    """A test client logged in as the clinician."""
    client.force_login(user)
    return client


def view_of(case_id: int, user, today: datetime.date | None = None) -> PathwayView:
    """A case's pathway view as its page builds it, on `today` (the real today unless given)."""
    return pathway_view(
        pathway_case(case_id), user=user, today=today or timezone.localdate(), now=timezone.localtime()
    )


def pdf_pages(content: bytes) -> list[str]:
    """The text of each PDF page, whitespace collapsed so that wrapped lines still match."""
    reader = PdfReader(io.BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def squeeze(text: str) -> str:
    """Collapse whitespace the way pdf_pages does."""
    return " ".join(text.split())
