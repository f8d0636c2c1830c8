"""The admin lists, searches and edits every model of the record."""

import pytest
from django.contrib import admin
from django.urls import reverse

from cases.demo import seed_demo_cases
from cases.models import Case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MODELS = [model for model in admin.site._registry if model._meta.app_label == "cases"]


@pytest.fixture
def admin_client_with_demo(client):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    seed_demo_cases(UserFactory(username="clinician"))
    client.force_login(superuser)
    return client


def test_every_case_model_is_registered():
    names = {model.__name__ for model in MODELS}
    assert names == {
        "Patient",
        "Case",
        "PathologyReport",
        "ImagingStudy",
        "MolecularResult",
        "StagingAssessment",
        "ClinicalStatus",
        "Resection",
        "TreatmentLine",
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_changelist_and_change_page_render(admin_client_with_demo, model):
    opts = model._meta
    listing = admin_client_with_demo.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert listing.status_code == 200
    first = model.objects.first()
    change = admin_client_with_demo.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
    )
    assert change.status_code == 200


def test_case_search_by_mrn(admin_client_with_demo):
    response = admin_client_with_demo.get(reverse("admin:cases_case_changelist"), {"q": "DEMO-0007"})
    assert list(response.context["cl"].result_list) == [Case.objects.get(patient__mrn="DEMO-0007")]


def test_patient_search_by_name(admin_client_with_demo):
    response = admin_client_with_demo.get(reverse("admin:cases_patient_changelist"), {"q": "Golf"})
    assert [patient.mrn for patient in response.context["cl"].result_list] == ["DEMO-0007"]
