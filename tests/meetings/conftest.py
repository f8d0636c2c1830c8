"""Fixtures for the meetings tests: users of each role, logged-in clients, demo cases, PDF text."""

import io

import pytest
from django.conf import settings
from django.test import override_settings
from pypdf import PdfReader

from cases import roles
from cases.demo import seed_demo_cases
from cases.models import Case
from tests.factories import UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def packet_dir(tmp_path):
    """The packets' storage: a fresh directory of this test."""
    storages = {
        **settings.STORAGES,
        "packets": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    with override_settings(STORAGES=storages):
        yield tmp_path


@pytest.fixture
def coordinator(db):
    return UserFactory(username="coordinator", role=roles.COORDINATOR)


@pytest.fixture
def clinician(db):
    return UserFactory(username="clinician", first_name="Casey", last_name="Clinician", role=roles.CLINICIAN)


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", role=roles.VIEWER)


def logged_in(client_class, user):
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def clinician_client(clinician):
    from django.test import Client

    return logged_in(Client, clinician)


@pytest.fixture
def viewer_client(viewer):
    from django.test import Client

    return logged_in(Client, viewer)


@pytest.fixture
def demo_cases(clinician) -> dict[str, Case]:
    """The twelve demo cases keyed by vignette (P01..P12)."""
    seed_demo_cases(clinician)
    cases = Case.objects.select_related("patient").filter(patient__mrn__startswith="DEMO-")
    return {f"P{case.patient.mrn[-2:]}": case for case in cases}


def pdf_pages(content: bytes) -> list[str]:
    """The text of each PDF page, whitespace collapsed so that wrapped lines still match."""
    reader = PdfReader(io.BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def generate_to_completion(packet) -> str:
    """Run a packet's task, then each part task it queued (the dummy backend only records them)."""
    from django_tasks import default_task_backend

    from meetings.tasks import generate_meeting_packet

    queued = len(default_task_backend.results)
    outcome = generate_meeting_packet.call(packet.pk, packet.generation)
    for result in default_task_backend.results[queued:]:
        outcome = result.task.call(*result.args, **result.kwargs)
    return outcome
