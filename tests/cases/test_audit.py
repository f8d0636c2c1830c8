"""Audit trail: every change with who, when and what; reads of a case logged as access events."""

import inspect

import pytest
from django.test import Client
from django.urls import reverse

from cases import audit
from cases.history import case_history
from cases.models import AccessEvent
from tests.factories import CaseFactory, PathologyReportFactory, StagingAssessmentFactory, UserFactory

pytestmark = pytest.mark.django_db

# Pure functions of the one search term, not writes: a keyword would add nothing to term_digest(term).
ONE_VALUE_HELPERS = {"normalized_term", "term_digest"}


def test_every_audit_write_takes_keyword_arguments_only():
    public = {
        name: function
        for name, function in inspect.getmembers(audit, inspect.isfunction)
        if function.__module__ == audit.__name__ and not name.startswith("_")
    }
    assert {"record_reads", "record_patient_reads", "record_search"} | ONE_VALUE_HELPERS <= public.keys()
    for name, function in public.items():
        parameters = inspect.signature(function).parameters.values()
        if name in ONE_VALUE_HELPERS:
            assert len(parameters) == 1, name
        else:
            assert {parameter.kind for parameter in parameters} <= {inspect.Parameter.KEYWORD_ONLY}, name


@pytest.fixture
def case():
    case = CaseFactory()
    PathologyReportFactory(case=case, ki67_percent=30)
    StagingAssessmentFactory(case=case)
    return case


def as_user(username, role=None):
    client = Client()
    client.force_login(UserFactory(username=username, role=role))
    return client


def test_history_tab_shows_ki67_change_with_old_new_and_author(case):
    report = case.pathology_reports.get()
    editor = as_user("dr_path")
    editor.post(
        reverse("cases:workup", args=[case.pk, "pathology"]),
        {
            "specimen": report.specimen,
            "specimen_date": report.specimen_date.isoformat(),
            "differentiation": report.differentiation,
            "ki67_percent": "45",
            "lower_grade_component": "unknown",
            "non_neuroendocrine_component": "unknown",
            "loaded_version": str(report.version),
        },
    )
    page = as_user("reader", role="viewer").get(reverse("cases:history", args=[case.pk]))
    assert page.status_code == 200
    text = page.text
    row = text[text.index("Ki-67 (%)") :]
    assert "30.0" in row[:200] and "45.0" in row[:200]
    entry = next(entry for entry in case_history(case) if entry.changes)
    assert entry.author == "dr_path" and entry.kind == "changed"
    assert [(change.label, change.old, change.new) for change in entry.changes] == [
        ("Ki-67 (%)", "30.0", "45.0")
    ]


def test_creations_and_deletions_are_in_the_history(case):
    extra = PathologyReportFactory(case=case)
    extra.delete()
    kinds = [entry.kind for entry in case_history(case) if entry.record.startswith("Pathology report")]
    assert kinds.count("created") == 2 and kinds.count("deleted") == 1


@pytest.mark.parametrize(
    ("url_name", "action"),
    [
        ("cases:detail", "view_case"),
        ("guidelines:pathway", "view_pathway"),
        ("guidelines:pathway_pdf", "download_pdf"),
        ("cases:history", "view_history"),
    ],
)
def test_reads_are_logged_as_access_events(case, url_name, action):
    client = as_user("looker", role="viewer")
    assert client.get(reverse(url_name, args=[case.pk])).status_code == 200
    event = AccessEvent.objects.get(case=case)
    assert (event.user.username, event.action) == ("looker", action)


def test_history_page_no_longer_shows_who_read_the_record_to_clinical_roles(case):
    client = as_user("looker", role="viewer")
    client.get(reverse("cases:detail", args=[case.pk]))
    page = client.get(reverse("cases:history", args=[case.pk]))
    assert page.status_code == 200
    assert "Viewed the case" not in page.text and ">Access<" not in page.text
