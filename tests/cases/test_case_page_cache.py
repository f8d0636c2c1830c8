"""The case page's record part comes from the cache until its case changes; every read is still audited."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import case_page_cache, roles, services
from cases.facts import with_record
from cases.models import AccessEvent, Case, ClinicalStatus
from cases.workup import RecordEdit, StepEdits
from meetings import services as meeting_services
from tests.factories import (
    CaseFactory,
    ImagingStudyFactory,
    PathologyReportFactory,
    StagingAssessmentFactory,
    UserFactory,
)
from tests.meetings.factories import AgendaItemFactory

pytestmark = pytest.mark.django_db

# A hit: the session, the reader, the reader's permissions (two), the case's fingerprint, the access
# event written and the comments. Before the cache the page took 16 (10 more for the record and board).
CACHED_PAGE_QUERIES = 7


@pytest.fixture
def builds(monkeypatch):
    """The case ids whose cached part was built (a hit builds nothing)."""
    built = []
    build = case_page_cache.body_context

    def counted(case_id):
        built.append(case_id)
        return build(case_id)

    monkeypatch.setattr(case_page_cache, "body_context", counted)
    return built


@pytest.fixture
def clinician_client(client, user):
    """A test client logged in as the clinician (who may change cases)."""
    client.force_login(user)
    return client


def complete_case(reports: int = 1) -> Case:
    """A metastatic case the engine decides on, with `reports` pathology reports."""
    case = CaseFactory()
    for number in range(reports):
        PathologyReportFactory(
            case=case, specimen_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=number)
        )
    ImagingStudyFactory(case=case, modality="ct", metastatic_sites=["liver"])
    StagingAssessmentFactory(case=case, extent="metastatic")
    return case


def get(client, case: Case) -> tuple[str, int]:
    """The case page's HTML and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def cached_part(html: str) -> str:
    """The page from its heading on (the navbar and its messages left out), without the CSRF tokens."""
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", html[html.index('<h1 class="h3 mb-1">') :])


def loaded(case: Case) -> Case:
    return with_record(Case.objects.filter(pk=case.pk)).get()


def test_a_second_request_is_a_hit_in_a_fixed_number_of_queries(
    clinician_client, django_assert_num_queries, builds
):
    case = complete_case()
    first, built = get(clinician_client, case)
    with django_assert_num_queries(CACHED_PAGE_QUERIES):
        response = clinician_client.get(reverse("cases:detail", args=[case.pk]))
    assert builds == [case.pk]
    assert CACHED_PAGE_QUERIES < built
    assert cached_part(response.content.decode()) == cached_part(first)
    assert "Well-differentiated G3 NET" in first and "Tumor board decisions" in first


@pytest.mark.parametrize("warm", [False, True], ids=["built", "cached"])
def test_query_counts_do_not_grow_with_the_findings_or_comments(clinician_client, user, warm):
    few, many = complete_case(3), complete_case(30)
    for number in range(10):
        services.add_comment(case=many, author=user, text=f"Note {number}")
    if warm:
        get(clinician_client, few)
        get(clinician_client, many)
    assert get(clinician_client, few)[1] == get(clinician_client, many)[1]


def test_a_hit_is_still_an_audited_read(clinician_client, user, builds):
    case = complete_case()
    get(clinician_client, case)
    get(clinician_client, case)
    assert builds == [case.pk]
    events = AccessEvent.objects.filter(case=case, action=AccessEvent.Action.VIEW_CASE)
    assert [(event.user, event.patient_id) for event in events] == [(user, case.patient_id)] * 2


def edit_finding(case: Case, user) -> str:
    """A pathology report's Ki-67 changed through the workup step."""
    case = loaded(case)
    report = case.pathology_reports.get()
    report.ki67_percent = 80
    services.save_step(
        user=user, case=case, step="pathology", edits=StepEdits((RecordEdit(report, report.version),))
    )
    return "Ki-67 80"


def add_finding(case: Case, user) -> str:
    """A clinical status added through the workup step."""
    status = ClinicalStatus(assessed_on=datetime.date(2025, 3, 1), ecog=2)
    services.save_step(
        user=user, case=loaded(case), step="clinical", edits=StepEdits((RecordEdit(status, None),))
    )
    return "ECOG 2"


def edit_patient(case: Case, user) -> str:
    """The patient renamed through the patient step (which saves the patient and the case)."""
    case = loaded(case)
    patient = case.patient
    patient.given_name = "Renamed"
    edits = StepEdits((RecordEdit(patient, patient.version), RecordEdit(case, case.version)))
    services.save_step(user=user, case=case, step="patient", edits=edits)
    return "Renamed"


def record_decision(case: Case, user) -> str:
    """The board's decision on the case, recorded through the meetings service."""
    item = AgendaItemFactory(case=case)
    meeting_services.record_decision(
        user=user,
        item_id=item.pk,
        option=None,
        plan="Observation with imaging in three months",
        follows_guideline=True,
        deviation_reason="",
        deviation_detail="",
        responsible_clinician=user,
        next_review_on=timezone.localdate() + datetime.timedelta(days=90),
        loaded_version=None,
    )
    return "Observation with imaging in three months"


def close(case: Case, user) -> str:
    """The draft case closed with a reason."""
    services.close_case(user=user, case=Case.objects.get(pk=case.pk), reason="Duplicate entry.")
    return "Closed: Duplicate entry."


@pytest.mark.parametrize("edit", [edit_finding, add_finding, edit_patient, record_decision, close])
def test_an_edit_of_the_case_rebuilds_its_part_and_no_other(clinician_client, user, builds, edit):
    case, other = complete_case(), complete_case()
    get(clinician_client, case)
    other_before, _ = get(clinician_client, other)
    shown = edit(case, user)
    builds.clear()
    html, _ = get(clinician_client, case)
    assert builds == [case.pk]
    assert shown in cached_part(html)
    other_after, _ = get(clinician_client, other)
    assert builds == [case.pk]  # the other case's entry is still served
    assert cached_part(other_after) == cached_part(other_before)


def test_a_comment_shows_at_once_without_rebuilding_the_cached_part(clinician_client, user, builds):
    case = complete_case()
    get(clinician_client, case)
    services.add_comment(case=case, author=user, text="Please review the MRI first.")
    html, _ = get(clinician_client, case)
    assert "Please review the MRI first." in html
    assert builds == [case.pk]


def test_a_reader_without_change_permission_gets_a_part_rendered_for_that_permission(
    clinician_client, builds
):
    case = (
        CaseFactory()
    )  # no findings: the pathway card lists the missing facts, linked for those who may edit
    workup = reverse("cases:workup", args=[case.pk, "pathology"])
    close_url = reverse("cases:close", args=[case.pk])
    reader_client = Client()
    reader_client.force_login(UserFactory(username="reader", role=roles.VIEWER))
    clinician_page, _ = get(clinician_client, case)
    assert workup in clinician_page and "Edit workup" in clinician_page and close_url in clinician_page
    reader_page, _ = get(reader_client, case)
    assert workup not in reader_page and "Edit workup" not in reader_page and close_url not in reader_page
    assert "Differentiation (pathology report)" in reader_page  # the missing fact, unlinked
    assert builds == [case.pk, case.pk]  # one part per set of the body's permissions, each cached
    assert workup in get(clinician_client, case)[0]
    assert workup not in get(reader_client, case)[0]
    assert builds == [case.pk, case.pk]


def included(name: str) -> set[str]:
    """A template of the project and every project template it includes, by name."""
    source = (Path(settings.BASE_DIR) / "templates" / name).read_text()
    names = {name}
    for child in re.findall(r'{% include "([^"]+)"', source):
        names |= included(child)
    return names


def test_every_permission_the_cached_part_checks_is_in_its_key(clinician_client):
    case = complete_case()
    AgendaItemFactory(case=case)
    response = clinician_client.get(reverse("cases:detail", args=[case.pk]))
    per_request = {"cases/case_detail.html", "base.html"}
    # The body's partials and their includes, and what its inclusion tags rendered (the project's own).
    rendered = {
        template.origin.template_name
        for template in response.templates
        if template.origin.name.startswith(str(Path(settings.BASE_DIR) / "templates"))
    }
    names = included(case_page_cache.BODY_TEMPLATE) | (rendered - per_request)
    assert {"cases/partials/contradictions.html", "meetings/partials/case_decisions.html"} <= names
    checked = {
        f"{app}.{permission}"
        for name in names
        for app, permission in re.findall(
            r"perms\.(\w+)\.(\w+)", (Path(settings.BASE_DIR) / "templates" / name).read_text()
        )
    }
    assert checked == set(case_page_cache.BODY_PERMISSIONS)


def test_the_day_is_part_of_the_key(clinician_client, builds, monkeypatch):
    case = complete_case()
    get(clinician_client, case)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("cases.views.case_page.timezone.localdate", lambda: tomorrow)
    get(clinician_client, case)
    assert builds == [case.pk, case.pk]


def test_an_unknown_case_is_404(clinician_client):
    assert clinician_client.get(reverse("cases:detail", args=[999_999])).status_code == 404
