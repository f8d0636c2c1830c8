"""Fixtures for the pictures: the demo cases, and a case loaded the way the pages load it."""

import pytest

from cases.demo import seed_demo_cases
from cases.facts import with_record
from cases.models import Case


@pytest.fixture
def demo_cases(user) -> dict[str, Case]:
    """The twelve demo cases keyed by vignette (P01..P12), authored by the clinician."""
    seed_demo_cases(user)
    cases = Case.objects.select_related("patient")
    return {f"P{case.patient.mrn[-2:]}": case for case in cases if case.patient.mrn.startswith("DEMO-")}


def loaded(case: Case) -> Case:
    """The case with its records prefetched (cases.facts.with_record), as the pages load it."""
    return with_record(Case.objects.filter(pk=case.pk)).get()
