"""Optimistic concurrency: a stale edit is refused with what changed; the first edit survives."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import PathologyReport, WorkupDraft
from tests.factories import (
    CaseFactory,
    ImagingStudyFactory,
    PathologyReportFactory,
    StagingAssessmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def client_for(username):
    client = Client()
    client.force_login(UserFactory(username=username))
    return client


def pathology_post(report, ki67, version):
    return {
        "specimen": report.specimen,
        "specimen_date": report.specimen_date.isoformat(),
        "differentiation": report.differentiation,
        "ki67_percent": ki67,
        "lower_grade_component": "unknown",
        "non_neuroendocrine_component": "unknown",
        "loaded_version": str(version),
    }


def test_second_save_of_the_same_version_is_refused_and_the_first_survives():
    case = CaseFactory()
    report = PathologyReportFactory(case=case, ki67_percent=30)
    StagingAssessmentFactory(case=case)
    first, second = client_for("first"), client_for("second")
    url = reverse("cases:workup", args=[case.pk, "pathology"])
    # Both open the step and see the same version.
    for client in (first, second):
        assert f'name="loaded_version" value="{report.version}"' in client.get(url).text

    assert first.post(url, pathology_post(report, "45", report.version)).status_code == 302
    refused = second.post(url, pathology_post(report, "60", report.version))

    assert refused.status_code == 409
    assert "Not saved" in refused.text
    assert "was changed by first" in refused.text
    assert "Ki-67 (%): 30.0 → 45.0" in refused.text
    assert 'value="60"' in refused.text  # the second user's input is kept
    assert PathologyReport.objects.get(pk=report.pk).ki67_percent == 45
    assert WorkupDraft.objects.filter(case=case, author__username="second", step="pathology").exists()

    # Saving again after reading the conflict applies the edit knowingly.
    current = PathologyReport.objects.get(pk=report.pk).version
    assert f'name="loaded_version" value="{current}"' in refused.text
    assert second.post(url, pathology_post(report, "60", current)).status_code == 302
    assert PathologyReport.objects.get(pk=report.pk).ki67_percent == 60


def test_row_deleted_by_someone_else_is_reported():
    case = CaseFactory()
    study = ImagingStudyFactory(case=case, modality="ct")
    editor = client_for("editor")
    url = reverse("cases:workup", args=[case.pk, "imaging"])
    data = {
        "studies-TOTAL_FORMS": "1",
        "studies-INITIAL_FORMS": "1",
        "studies-MIN_NUM_FORMS": "0",
        "studies-MAX_NUM_FORMS": "1000",
        "studies-0-id": str(study.pk),
        "studies-0-modality": "mri",
        "studies-0-study_date": "2026-01-05",
        "studies-0-performed": "on",
        "studies-0-loaded_version": str(study.version),
    }
    study.delete()
    response = editor.post(url, data)
    assert response.status_code in (200, 409, 422)
    assert not case.imaging_studies.exists()


def test_patient_step_conflict_names_the_field():
    case = CaseFactory()
    patient = case.patient
    first, second = client_for("first"), client_for("second")
    url = reverse("cases:workup", args=[case.pk, "patient"])

    def data(family, patient_version, case_version):
        return {
            "patient-mrn": patient.mrn,
            "patient-family_name": family,
            "patient-given_name": patient.given_name,
            "patient-date_of_birth": patient.date_of_birth.isoformat(),
            "patient-sex": patient.sex,
            "patient-loaded_version": str(patient_version),
            "case-primary_site": case.primary_site,
            "case-board_question": "q",
            "case-loaded_version": str(case_version),
        }

    assert first.post(url, data("Changedbyfirst", patient.version, case.version)).status_code == 302
    refused = second.post(url, data("Changedbysecond", patient.version, case.version))
    assert refused.status_code == 409
    assert "Family name: " in refused.text, re.search(r"Not saved[^<]*", refused.text).group(0)
    patient.refresh_from_db()
    assert patient.family_name == "Changedbyfirst"
