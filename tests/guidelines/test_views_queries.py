"""The page and the PDF load a case in a fixed number of queries, however long its record."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CaseFactory,
    ClinicalStatusFactory,
    ImagingStudyFactory,
    MolecularResultFactory,
    PathologyReportFactory,
    ResectionFactory,
    StagingAssessmentFactory,
    TreatmentLineFactory,
)

pytestmark = pytest.mark.django_db


def case_with_findings(copies: int):
    """A metastatic G3 NET case with `copies` of every kind of finding."""
    case = CaseFactory()
    for number in range(copies):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=30 * number)
        PathologyReportFactory(case=case, specimen_date=day)
        StagingAssessmentFactory(case=case, assessed_on=day)
        ImagingStudyFactory(case=case, study_date=day, metastatic_sites=["liver"])
        ImagingStudyFactory(case=case, modality="sstr_pet", study_date=day, sstr_uptake="high_homogeneous")
        MolecularResultFactory(case=case, result_date=day)
        ClinicalStatusFactory(case=case, assessed_on=day)
        ResectionFactory(case=case, resected_on=day)
        TreatmentLineFactory(
            case=case, started_on=day, ended_on=day + datetime.timedelta(days=20), progression_date=day
        )
    return case


@pytest.mark.parametrize("name", ["guidelines:pathway", "guidelines:pathway_pdf"])
def test_query_count_does_not_grow_with_the_findings(clinician_client, django_assert_num_queries, name):
    few, many = case_with_findings(1), case_with_findings(6)
    with CaptureQueriesContext(connection) as baseline:
        assert clinician_client.get(reverse(name, args=[few.pk])).status_code == 200
    # session, user, permission check (user and group permissions), session refresh for the idle
    # timeout (savepoint, update, release), the access event,
    # case, one query per kind of finding, and (page only) the board's latest decision
    assert len(baseline) <= (17 if name == "guidelines:pathway" else 16)
    with django_assert_num_queries(len(baseline)):
        assert clinician_client.get(reverse(name, args=[many.pk])).status_code == 200
