"""The FHIR pages: download from the case page, upload on New case, the result page; permissions and audit."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from cases.models import AccessEvent, Case
from interop.models import FhirImport
from tests.interop.mcode import BUNDLES

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes | None = None, **extra) -> dict:
    raw = content if content is not None else (BUNDLES / f"{name}.json").read_bytes()
    return {"bundle": SimpleUploadedFile(f"{name}.json", raw, content_type="application/fhir+json"), **extra}


def test_the_case_page_links_the_download_and_new_case_links_the_upload(client, clinician, demo_cases):
    client.force_login(clinician)
    case = demo_cases["P01"]
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'href="{reverse("interop:export", args=[case.pk])}"' in page and "Download FHIR" in page
    new_case = client.get(reverse("cases:new")).content.decode()
    assert f'href="{reverse("interop:import")}"' in new_case


def test_the_download_is_a_fhir_bundle_not_cached_and_recorded(client, viewer, demo_cases):
    client.force_login(viewer)
    case = demo_cases["P02"]
    response = client.get(reverse("interop:export", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"] == f'attachment; filename="case-{case.pk}-fhir.json"'
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    Bundle.model_validate(json.loads(response.content))
    event = AccessEvent.objects.get(user=viewer)
    assert (event.case, event.patient, event.action) == (case, case.patient, "export_fhir")


def test_the_download_needs_view_permission_and_a_login(client, demo_cases):
    url = reverse("interop:export", args=[demo_cases["P01"].pk])
    assert client.get(url).status_code == 302
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="nobody", role=""))
    assert client.get(url).status_code == 403
    assert client.get(reverse("interop:export", args=[99999])).status_code == 403
    assert not AccessEvent.objects.exists()


def test_a_missing_case_is_not_found(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("interop:export", args=[99999])).status_code == 404


def test_the_upload_creates_a_draft_and_shows_what_mapped_and_what_did_not(client, clinician):
    client.force_login(clinician)
    form = client.get(reverse("interop:import")).content.decode()
    assert 'type="file"' in form and 'enctype="multipart/form-data"' in form
    response = client.post(reverse("interop:import"), upload("mcode-pancreatic-nec"))
    record = FhirImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "interop:import_result", args=[record.pk]
    )
    page = client.get(response["Location"]).content.decode()
    case = record.case
    assert f'href="{reverse("cases:workup", args=[case.pk, "patient"])}"' in page
    assert f'href="{reverse("cases:workup", args=[case.pk, "pathology"])}"' in page
    assert "MedicationRequest/cancer-related-medication-request-cisplatin-ann" in page
    assert "Not mapped (5)" in page and "imported" in page
    assert AccessEvent.objects.filter(case=case, user=clinician, action="view_case").count() == 1


def test_a_refused_upload_names_the_problem_and_saves_nothing(client, clinician):
    client.force_login(clinician)
    response = client.post(reverse("interop:import"), upload("broken", b'{"resourceType": "Patient"}'))
    assert response.status_code == 422
    assert "expected a FHIR Bundle, got Patient" in response.content.decode()
    assert not Case.objects.exists()
    missing = client.post(reverse("interop:import"), {})
    assert missing.status_code == 422 and "This field is required." in missing.content.decode()


def test_a_known_mrn_shows_its_cases_and_opens_another_only_when_asked(client, clinician):
    client.force_login(clinician)
    client.post(reverse("interop:import"), upload("mcode-nsclc"))
    first = Case.objects.get()
    again = client.post(reverse("interop:import"), upload("mcode-nsclc"))
    assert again.status_code == 409
    assert f'href="{reverse("cases:detail", args=[first.pk])}"' in again.content.decode()
    assert AccessEvent.objects.filter(case=first, action="known_mrn").count() == 1
    another = client.post(reverse("interop:import"), upload("mcode-nsclc", another_case_for_patient="on"))
    assert another.status_code == 302 and Case.objects.filter(patient=first.patient).count() == 2


def test_only_those_who_may_add_cases_may_upload(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("interop:import")).status_code == 403
    assert client.post(reverse("interop:import"), upload("mcode-nsclc")).status_code == 403
    assert not Case.objects.exists()
