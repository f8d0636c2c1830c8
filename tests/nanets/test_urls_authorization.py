"""Every URL pattern × (anonymous, viewer, clinician, coordinator, administrator, auditor) × (GET, POST).

The table below is the access policy: a URL added without an entry fails this test.
"""

import json
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases import roles
from tests.factories import CaseFactory, PathologyReportFactory, StagingAssessmentFactory, UserFactory
from tests.interop.api.bodies import new_case_body
from tests.meetings.factories import AgendaItemFactory, AttendeeFactory, MeetingFactory

pytestmark = pytest.mark.django_db

ALL = {roles.VIEWER, roles.CLINICIAN, roles.COORDINATOR, roles.ADMINISTRATOR}
EDITORS = {roles.CLINICIAN, roles.ADMINISTRATOR}
ORGANISERS = {roles.COORDINATOR, roles.ADMINISTRATOR}
# The cohort CSV: those who run the board, not readers of single cases.
EXPORTERS = {roles.CLINICIAN, roles.COORDINATOR, roles.ADMINISTRATOR}
# Comments for the board: those who prepare and run it (viewers read them on the case page).
COMMENTERS = {roles.CLINICIAN, roles.COORDINATOR, roles.ADMINISTRATOR}
# The privacy officer reads the access trail and nothing of the clinical record; nobody else reads the trail.
PRIVACY_OFFICER = {roles.AUDITOR}

# url name -> roles allowed (the same for GET and POST: a write view refuses both to others).
POLICY = {
    "cases:list": ALL,
    "cases:detail": ALL,
    "cases:history": ALL,
    "guidelines:pathway": ALL,
    "guidelines:pathway_pdf": ALL,
    "guidelines:sheet_pdf": ALL,
    "cases:new": EDITORS,
    "cases:workup": EDITORS,
    "cases:workup_validate": EDITORS,
    "cases:workup_draft": EDITORS,
    "cases:workup_discard": EDITORS,
    "cases:access_report": PRIVACY_OFFICER,
    "cases:close": EDITORS,
    "cases:comment_add": COMMENTERS,
    "meetings:list": ALL,
    "meetings:detail": ALL,
    "meetings:present": ALL,
    "meetings:present_case": ALL,
    "meetings:packet_status": ALL,
    "meetings:packet_pdf": ALL,
    "meetings:minutes_pdf": ALL,
    "meetings:new": ORGANISERS,
    "meetings:edit": ORGANISERS,
    "meetings:attendee_add": ORGANISERS,
    "meetings:attendee_remove": ORGANISERS,
    "meetings:agenda_add": ORGANISERS,
    "meetings:agenda_item": ORGANISERS,
    "meetings:agenda_move": ORGANISERS,
    "meetings:agenda_remove": ORGANISERS,
    "meetings:packet_request": ORGANISERS,
    "meetings:decision": EDITORS,
    "interop:export": ALL,
    "interop:import": EDITORS,
    "interop:import_result": ALL,
    "interop:cohort_export": EXPORTERS,
    # The board's quality figures: those who run the board, as the cohort CSV.
    "quality:page": EXPORTERS,
    "quality:csv": EXPORTERS,
    "quality:pdf": EXPORTERS,
}
# The REST API answers 401 (not a login redirect) without authentication; its matrix is tested with the
# endpoints (tests/interop/api/test_permissions.py) and here, with the pages' roles.
API_POLICY = {
    "api:case_list": ALL,
    "api:case_detail": ALL,
    "api:meeting_list": ALL,
    "api:meeting_detail": ALL,
    # POST /api/cases (the same path as the list): who may open a case on the pages.
    "api:case_create": EDITORS,
}
# The API's writes, called with a valid body (so a refusal is the permission's, not the body's).
API_WRITES = {"api:case_create": new_case_body}
# Reachable without logging in, or governed by Django's own admin and auth rules (tested elsewhere).
PUBLIC_OR_FRAMEWORK = {"login", "logout", "password_change", "password_change_done", "home", "healthz"}
# The API's OpenAPI schema and docs page (no patient data) and its root need no login.
PUBLIC_API = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def named_patterns(resolver: URLResolver = None, namespace: str = "") -> list[tuple[str, URLPattern]]:
    """Every named URL pattern of the project with its namespaced name (the admin excluded)."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += named_patterns(entry, inner)
        elif entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def test_policy_covers_every_url_pattern():
    names = {name for name, _ in named_patterns()}
    assert names - PUBLIC_OR_FRAMEWORK - PUBLIC_API == set(POLICY) | set(API_POLICY)


@pytest.fixture(autouse=True)
def no_pdf_rendering(monkeypatch):
    """Access is decided before any PDF is drawn; skipping WeasyPrint keeps 260 requests fast."""
    stub = b"%PDF-1.7 access-test stub"
    monkeypatch.setattr("guidelines.views.render_pathway_pdf", lambda view, request: stub)
    monkeypatch.setattr("guidelines.views.render_sheet_pdf", lambda sheet, paper: stub)
    monkeypatch.setattr("meetings.views.documents.render_minutes", lambda meeting, user: stub)
    monkeypatch.setattr("meetings.tasks.render_packet", lambda *args, **kwargs: (stub, "stub"))
    monkeypatch.setattr(
        "meetings.views.quality.render_document", lambda html: SimpleNamespace(write_pdf=lambda: stub)
    )


@pytest.fixture
def objects():
    case = CaseFactory()
    PathologyReportFactory(case=case)
    StagingAssessmentFactory(case=case)
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting)
    attendee = AttendeeFactory(meeting=meeting)
    return {"case": case, "meeting": meeting, "item": item, "attendee": attendee}


def url_for(name: str, objects) -> str:
    pattern = dict(named_patterns())[name]
    kwargs = {}
    for key in pattern.pattern.converters:
        if key == "pk":
            kwargs[key] = (objects["meeting"] if name.startswith("meetings:") else objects["case"]).pk
        elif key == "case_id":
            kwargs[key] = objects["case"].pk
        elif key == "meeting_id":
            kwargs[key] = objects["meeting"].pk
        elif key == "item_pk":
            kwargs[key] = objects["item"].pk
        elif key == "attendee_pk":
            kwargs[key] = objects["attendee"].pk
        elif key == "position":
            kwargs[key] = 1
        elif key == "step":
            kwargs[key] = "pathology"
    return reverse(name, kwargs=kwargs)


ROLES = [None, roles.VIEWER, roles.CLINICIAN, roles.COORDINATOR, roles.ADMINISTRATOR, roles.AUDITOR]


@pytest.mark.parametrize("name", sorted(POLICY))
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
@pytest.mark.parametrize("method", ["get", "post"])
def test_access(name, role, method, objects):
    client = Client(raise_request_exception=False)
    if role:
        client.force_login(UserFactory(username=f"user-{role.replace(' ', '-')}", role=role))
    url = url_for(name, objects)
    response = getattr(client, method)(url)
    if role is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role in POLICY[name]:
        assert response.status_code not in (401, 403), (name, role, method)
        assert response.status_code < 500, (name, role, method, response.status_code)
    else:
        assert response.status_code == 403, (name, role, method, response.status_code)


@pytest.mark.parametrize("name", sorted(API_POLICY))
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_api_access(name, role, objects):
    client = Client(raise_request_exception=False)
    if role:
        client.force_login(UserFactory(username=f"user-{role.replace(' ', '-')}", role=role))
    if name in API_WRITES:
        body = json.dumps(API_WRITES[name](mrn=f"MATRIX-{role or 'anonymous'}"[:32]))
        response = client.post(url_for(name, objects), body, content_type="application/json")
    else:
        response = client.get(url_for(name, objects))
    if role is None:
        assert response.status_code == 401, (name, response.status_code)
    elif role in API_POLICY[name]:
        assert response.status_code == (201 if name in API_WRITES else 200), (name, role, response.content)
    else:
        assert response.status_code == 403, (name, role, response.status_code)


@pytest.mark.parametrize("name", sorted(PUBLIC_API))
def test_public_api_urls_hold_no_patient_data(name, objects):
    response = Client().get(url_for(name, objects))
    assert response.status_code in (200, 404), (name, response.status_code)
    assert objects["case"].patient.mrn not in response.text


@pytest.mark.parametrize("role", [roles.VIEWER, roles.COORDINATOR])
def test_read_only_roles_see_no_case_write_controls(role, objects, client):
    client.force_login(UserFactory(username="reader", role=role))
    case = objects["case"]
    for name in ("cases:list", "cases:detail"):
        html = client.get(reverse(name, args=[case.pk] if name == "cases:detail" else [])).text
        assert reverse("cases:new") not in html
        assert reverse("cases:workup", args=[case.pk, "pathology"]) not in html
        assert reverse("cases:close", args=[case.pk]) not in html


def test_every_role_is_in_the_matrix():
    assert set(ROLES[1:]) == set(roles.ROLE_PERMISSIONS)


@pytest.mark.parametrize(
    ("role", "first_page"), [(roles.AUDITOR, "cases:access_report"), (roles.VIEWER, "cases:list")]
)
def test_home_sends_each_role_to_its_first_page(role, first_page, client):
    client.force_login(UserFactory(username="someone", role=role))
    assert client.get(reverse("home"))["Location"] == reverse(first_page)
