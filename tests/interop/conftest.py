"""Fixtures of the FHIR tests: users of each role and the demo cases."""

import pytest

from cases import roles
from cases.demo import seed_demo_cases
from cases.models import Case
from tests.factories import UserFactory


@pytest.fixture
def clinician(db):
    return UserFactory(username="clinician", first_name="Casey", last_name="Clinician", role=roles.CLINICIAN)


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", role=roles.VIEWER)


@pytest.fixture
def demo_cases(clinician) -> dict[str, Case]:
    """The twelve demo cases keyed by vignette (P01..P12)."""
    seed_demo_cases(clinician)
    cases = Case.objects.select_related("patient").filter(patient__mrn__startswith="DEMO-")
    return {f"P{case.patient.mrn[-2:]}": case for case in cases}
