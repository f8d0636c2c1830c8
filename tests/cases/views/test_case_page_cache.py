"""The case page runs the engine only when the case's facts changed since it last ran."""

import pytest
from django.urls import reverse

from cases import pathway as case_pathway
from cases import services
from cases.facts import with_record
from cases.models import AccessEvent, Case
from cases.workup import RecordEdit, StepEdits
from tests.factories import CaseFactory, ImagingStudyFactory, PathologyReportFactory, StagingAssessmentFactory

pytestmark = pytest.mark.django_db


def test_a_second_view_reuses_the_pathway_until_a_finding_is_saved(client, user, monkeypatch):
    runs = []
    build = case_pathway.build_pathway
    monkeypatch.setattr(case_pathway, "build_pathway", lambda facts: runs.append(facts) or build(facts))
    case = CaseFactory()
    PathologyReportFactory(case=case)
    ImagingStudyFactory(case=case, modality="ct", metastatic_sites=["liver"])
    StagingAssessmentFactory(case=case, extent="metastatic")
    client.force_login(user)
    url = reverse("cases:detail", args=[case.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert len(runs) == 1
    assert AccessEvent.objects.filter(case=case, action=AccessEvent.Action.VIEW_CASE).count() == 2
    loaded = with_record(Case.objects.filter(pk=case.pk)).get()
    report = loaded.pathology_reports.get()
    report.ki67_percent = 80
    services.save_step(
        user=user, case=loaded, step="pathology", edits=StepEdits((RecordEdit(report, report.version),))
    )
    runs.clear()  # save_step checks the record with the engine itself
    response = client.get(url)
    assert len(runs) == 1
    assert response.context["case_pathway"].facts["ki67_percent"] == 80
