"""Fixtures of the FHIR tests: users of each role, the demo cases, the hand-written mCODE-shaped Bundles."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from cases import roles
from cases.demo import seed_demo_cases
from cases.models import Case
from tests.factories import UserFactory

# Bundles written by hand in the shape of the mCODE STU3 guide's published examples (other systems' codings).
BUNDLES = Path(__file__).parent / "bundles"


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


def mcode_bundle(name: str) -> dict[str, Any]:
    """A fresh copy of one hand-written Bundle (tests may change it)."""
    return copy.deepcopy(json.loads((BUNDLES / f"{name}.json").read_text()))


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The resources of one type in a Bundle."""
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]
