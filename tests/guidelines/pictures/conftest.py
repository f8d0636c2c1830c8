"""Fixtures for the pictures: the twelve demo cases."""

import pytest

from cases.demo import seed_demo_cases
from cases.models import Case


@pytest.fixture
def demo_cases(user) -> dict[str, Case]:
    """The twelve demo cases keyed by vignette (P01..P12), authored by the clinician."""
    seed_demo_cases(user)
    cases = Case.objects.select_related("patient")
    return {f"P{case.patient.mrn[-2:]}": case for case in cases if case.patient.mrn.startswith("DEMO-")}
