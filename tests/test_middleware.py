"""nanets.middleware: no page with patient data is kept by a browser or proxy; static files stay cacheable."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from cases import roles
from nanets.middleware import NoStoreMiddleware
from tests.factories import UserFactory
from tests.security.test_authorization_matrix import POLICY, objects, url_for  # noqa: F401 - objects is a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_pdf_rendering(monkeypatch):
    """The headers are what is tested: the PDFs need not be drawn."""
    stub = b"%PDF-1.7 header-test stub"
    monkeypatch.setattr("cases.views.pathway.render_pathway_pdf", lambda context, request: stub)
    monkeypatch.setattr("meetings.views.documents.render_minutes", lambda meeting, user: stub)
    monkeypatch.setattr("meetings.tasks.render_packet", lambda *args, **kwargs: (stub, "stub"))


@pytest.fixture
def administrator_client():
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="administrator", role=roles.ADMINISTRATOR))
    return client


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("name", sorted(POLICY))
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_page_behind_the_login_is_no_store(name, method, objects, administrator_client):  # noqa: F811
    """Every URL of cases and meetings (the authorization matrix's list), read or written, errors included."""
    response = getattr(administrator_client, method)(url_for(name, objects))
    assert response.status_code < 500, (name, method, response.status_code)
    assert "no-store" in directives(response), (name, method, response.status_code)


@pytest.mark.parametrize(
    "path", ["/cases/999999/", "/meetings/999999/", "/admin/cases/case/", "/accounts/password_change/"]
)
def test_missing_pages_admin_and_account_pages_are_no_store(path, administrator_client):
    assert "no-store" in directives(administrator_client.get(path))


def test_a_refused_page_is_no_store(objects, client):  # noqa: F811
    client.force_login(UserFactory(username="viewer", role=roles.VIEWER))
    response = client.get(reverse("cases:workup", args=[objects["case"].pk, "pathology"]))
    assert response.status_code == 403
    assert "no-store" in directives(response)


def test_static_files_stay_cacheable_for_a_logged_in_user(settings, administrator_client):
    settings.WHITENOISE_USE_FINDERS = True  # as in production after collectstatic, without running it
    response = administrator_client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "max-age=60" in directives(response)  # WhiteNoise's own caching, not no-store
    assert "no-store" not in directives(response)


def test_a_view_open_to_all_keeps_its_own_headers():
    """The health probe and the login page hold no patient data: the middleware leaves them as they are."""
    request = RequestFactory().get("/healthz")
    request.user = UserFactory()
    middleware = NoStoreMiddleware(
        lambda request: HttpResponse("ok", headers={"Cache-Control": "max-age=30"})
    )
    middleware.process_view(request, login_not_required(lambda request: None), (), {})
    assert middleware(request)["Cache-Control"] == "max-age=30"


def test_a_logged_in_response_gains_no_store_over_what_the_view_said():
    request = RequestFactory().get("/cases/")
    request.user = UserFactory()
    middleware = NoStoreMiddleware(
        lambda request: HttpResponse("cases", headers={"Cache-Control": "max-age=30"})
    )
    middleware.process_view(request, lambda request: None, (), {})
    assert directives(middleware(request)) == {"max-age=30", "no-store"}


def test_static_prefix_is_left_alone_when_served_by_django():
    """With DEBUG, static files may be served through the middleware stack: they are not patient data."""
    request = RequestFactory().get("/static/js/app.js")
    request.user = UserFactory()
    response = NoStoreMiddleware(lambda request: HttpResponse("js"))(request)
    assert "Cache-Control" not in response.headers


def test_anonymous_responses_are_left_alone():
    request = RequestFactory().get("/accounts/login/")
    request.user = AnonymousUser()
    response = NoStoreMiddleware(lambda request: HttpResponse("login"))(request)
    assert "Cache-Control" not in response.headers
