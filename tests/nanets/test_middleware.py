"""nanets.middleware: no page with patient data is kept by a browser or proxy (static files stay cacheable),
sessions end at their absolute lifetime or idle (polls do not count), plain HTTP serves this machine only."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import roles
from nanets.middleware import ACTIVE_KEY, STARTED_KEY, LoopbackOnlyMiddleware, NoStoreMiddleware
from tests.factories import UserFactory
from tests.meetings.factories import MeetingFactory
from tests.nanets.test_urls_authorization import POLICY, objects, url_for  # noqa: F401 - objects is a fixture

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_pdf_rendering(monkeypatch):
    """The headers are what is tested: the PDFs need not be drawn."""
    stub = b"%PDF-1.7 header-test stub"
    monkeypatch.setattr("guidelines.views.render_pathway_pdf", lambda view, request: stub)
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


def session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


@pytest.fixture
def polling_page(client):
    client.force_login(UserFactory(username="watcher", role=roles.VIEWER))
    meeting = MeetingFactory()
    client.get(reverse("meetings:detail", args=[meeting.pk]))
    return reverse("meetings:packet_status", args=[meeting.pk]), reverse("meetings:detail", args=[meeting.pk])


def test_polling_does_not_keep_an_unattended_session_alive(client, polling_page):
    status_url, page_url = polling_page
    # The person's last request was 28 minutes ago: the session expires in two.
    session = client.session
    session[ACTIVE_KEY] = int(time.time()) - settings.IDLE_TIMEOUT_SECONDS + 120
    session.save()
    soon = timezone.now() + datetime.timedelta(minutes=2)
    Session.objects.filter(pk=client.session.session_key).update(expire_date=soon)
    assert client.get(status_url, HTTP_HX_REQUEST="true").status_code == 200
    assert session_row(client).expire_date == soon  # the poll did not push the expiry back
    assert client.get(page_url).status_code == 200
    assert session_row(client).expire_date > soon + datetime.timedelta(minutes=20)  # a person did


def test_a_poll_after_the_idle_timeout_is_sent_to_the_login_page(client, polling_page):
    status_url, _ = polling_page
    Session.objects.filter(pk=client.session.session_key).update(expire_date=timezone.now())
    response = client.get(status_url, HTTP_HX_REQUEST="true")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_idle_is_counted_from_the_last_active_request_even_by_a_long_polling_page(client, polling_page):
    status_url, _ = polling_page
    session = client.session
    idle = settings.IDLE_TIMEOUT_SECONDS + settings.SESSION_ACTIVITY_REFRESH_SECONDS
    session[ACTIVE_KEY] = int(time.time()) - idle - 1
    session.save()
    response = client.get(status_url, HTTP_HX_REQUEST="true")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_session_ends_at_its_absolute_lifetime_however_active(client, polling_page):
    _, page_url = polling_page
    assert settings.SESSION_ABSOLUTE_LIFETIME == 12 * 3600
    session = client.session
    session[STARTED_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_LIFETIME - 1
    session.save()
    response = client.get(page_url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_idle_timeout_defaults_to_thirty_minutes():
    assert settings.IDLE_TIMEOUT_SECONDS == 30 * 60
    # The store keeps the session a refresh interval longer: its activity stamp lags by up to that much.
    assert settings.SESSION_COOKIE_AGE == 30 * 60 + settings.SESSION_ACTIVITY_REFRESH_SECONDS


def session_writes(queries):
    return [
        query["sql"]
        for query in queries
        if query["sql"].startswith("UPDATE") and "django_session" in query["sql"]
    ]


def test_requests_within_a_minute_write_no_session(client, polling_page):
    _, page_url = polling_page
    client.get(page_url)
    with CaptureQueriesContext(connection) as second:
        client.get(page_url)
    assert session_writes(second.captured_queries) == []


def test_a_request_a_minute_after_the_stamp_records_activity(client, polling_page):
    _, page_url = polling_page
    session = client.session
    stale = int(time.time()) - settings.SESSION_ACTIVITY_REFRESH_SECONDS
    session[ACTIVE_KEY] = stale
    session.save()
    with CaptureQueriesContext(connection) as request:
        client.get(page_url)
    assert len(session_writes(request.captured_queries)) == 1
    assert client.session[ACTIVE_KEY] > stale


def test_a_session_is_never_ended_before_the_idle_timeout_after_the_last_request(client, polling_page):
    _, page_url = polling_page
    session = client.session
    # The stamp may lag the last request by up to the refresh interval: this one is still within the timeout.
    session[ACTIVE_KEY] = int(time.time()) - settings.IDLE_TIMEOUT_SECONDS - 5
    session.save()
    assert client.get(page_url).status_code == 200


def test_the_trivial_page_takes_at_most_three_queries_for_a_logged_in_user(client, polling_page):
    client.get("/healthz")
    with CaptureQueriesContext(connection) as trivial:
        client.get("/healthz")
    assert len(trivial.captured_queries) <= 3, [query["sql"][:80] for query in trivial.captured_queries]


def guarded(**meta):
    request = RequestFactory().get("/cases/", **meta)
    return LoopbackOnlyMiddleware(lambda request: HttpResponse("served"))(request)


def test_plain_http_serves_a_direct_loopback_client():
    assert guarded(REMOTE_ADDR="127.0.0.1").content == b"served"
    assert guarded(REMOTE_ADDR="::1").content == b"served"


@pytest.mark.parametrize(
    "meta",
    [
        {
            "REMOTE_ADDR": "192.0.2.10",
            "HTTP_HOST": "127.0.0.1",
        },  # a proxy elsewhere forwarding Host: 127.0.0.1
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5"},  # a proxy on this machine
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_FORWARDED": "for=203.0.113.5"},
        {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.5"},
        {"REMOTE_ADDR": ""},
    ],
)
def test_plain_http_refuses_anything_that_came_through_a_proxy(meta):
    response = guarded(**meta)
    assert response.status_code == 403 and b"this machine only" in response.content


def test_insecure_local_http_installs_the_loopback_guard_first():
    code = "import nanets.settings as s; print(s.MIDDLEWARE[0])"
    clean = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DEBUG")}
    env = {
        **clean,
        "SECRET_KEY": "x" * 50,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "INSECURE_LOCAL_HTTP": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "nanets.middleware.LoopbackOnlyMiddleware", result.stderr
