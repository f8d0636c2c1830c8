"""Login hardening: lockout per username and per address, client address behind a proxy, passwords,
session lifetime (absolute, idle without polls), CSP without inline code."""

import datetime
import time

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from cases import client_ip, middleware, roles
from tests.factories import TEST_PASSWORD, UserFactory
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def attempt(client, username, password, address="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_account_locked_after_five_failures_even_with_the_right_password(client):
    UserFactory(username="locked")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "locked", "wrong").status_code == 200
    assert attempt(client, "locked", "wrong").status_code == 429  # the fifth failure locks
    response = attempt(client, "locked", TEST_PASSWORD)
    assert response.status_code == 429
    assert "temporarily locked" in response.text
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_then_success_logs_in(client):
    UserFactory(username="typo")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "typo", "wrong")
    assert attempt(client, "typo", TEST_PASSWORD).status_code == 302
    assert client.session["_auth_user_id"]


def test_a_username_is_locked_whatever_address_the_guesses_come_from(client):
    UserFactory(username="target")
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "target", "wrong", address=f"10.0.0.{number + 1}")
    assert attempt(client, "target", TEST_PASSWORD, address="10.9.9.9").status_code == 429


def test_password_spraying_from_one_address_locks_that_address(client):
    for number in range(settings.AXES_FAILURE_LIMIT + 1):
        UserFactory(username=f"staff{number}")
    for number in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, f"staff{number}", "Winter2026!", address="10.6.6.6").status_code == 200
    fifth = f"staff{settings.AXES_FAILURE_LIMIT - 1}"
    assert attempt(client, fifth, "Winter2026!", address="10.6.6.6").status_code == 429  # one failure each
    last = f"staff{settings.AXES_FAILURE_LIMIT}"
    assert attempt(client, last, TEST_PASSWORD, address="10.6.6.6").status_code == 429
    assert attempt(client, last, TEST_PASSWORD, address="10.7.7.7").status_code == 302


def test_the_lockout_is_a_short_cool_off_and_failures_are_kept(client):
    assert datetime.timedelta(minutes=1) <= settings.AXES_COOLOFF_TIME <= datetime.timedelta(minutes=30)
    UserFactory(username="locked")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "locked", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME)
    assert attempt(client, "locked", TEST_PASSWORD).status_code == 302
    assert AccessFailureLog.objects.filter(username="locked").count() == settings.AXES_FAILURE_LIMIT


def forwarded(remote, forwarded_for=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **headers)


@override_settings(TRUSTED_PROXIES=["10.0.0.5", "10.1.0.0/16"])
def test_client_address_is_read_through_trusted_proxies_only():
    assert client_ip.client_ip(forwarded("10.0.0.5", "203.0.113.7")) == "203.0.113.7"
    # A client's own X-Forwarded-For entry is left of what our proxies appended: never believed.
    assert client_ip.client_ip(forwarded("10.0.0.5", "1.2.3.4, 203.0.113.7, 10.1.2.3")) == "203.0.113.7"
    # Not through a trusted proxy: the header is the client's word and is ignored.
    assert client_ip.client_ip(forwarded("198.51.100.9", "1.2.3.4")) == "198.51.100.9"
    assert client_ip.client_ip(forwarded("10.0.0.5", "not-an-address")) == "10.0.0.5"
    assert client_ip.client_ip(forwarded("10.0.0.5")) == "10.0.0.5"


def test_without_trusted_proxies_the_peer_address_counts():
    assert settings.TRUSTED_PROXIES == []
    assert client_ip.client_ip(forwarded("10.0.0.5", "203.0.113.7")) == "10.0.0.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_behind_the_proxy_each_client_is_locked_on_its_own(client):
    UserFactory(username="colleague")
    for number in range(settings.AXES_FAILURE_LIMIT):
        UserFactory(username=f"sprayed{number}")
        client.post(
            reverse("login"),
            {"username": f"sprayed{number}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )
    response = client.post(
        reverse("login"),
        {"username": "colleague", "password": TEST_PASSWORD},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaaaa", "too few characters"),
        ("clin2clin2", "too short"),
        ("short-pass1", "at least 12 characters"),
        ("password1234", "too common"),
        ("drclinician1", "too similar"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    user = UserFactory.build(username="drclinician", email="drclinician@example.org")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert message in " ".join(refused.value.messages)


@pytest.mark.parametrize("password", ["demo-password-2026", TEST_PASSWORD])
def test_the_demo_and_test_passwords_pass(password):
    validate_password(password, UserFactory.build(username="clinician"))


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
    session[middleware.ACTIVE_KEY] = int(time.time()) - settings.SESSION_COOKIE_AGE - 1
    session.save()
    response = client.get(status_url, HTTP_HX_REQUEST="true")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_session_ends_at_its_absolute_lifetime_however_active(client, polling_page):
    _, page_url = polling_page
    assert settings.SESSION_ABSOLUTE_LIFETIME == 12 * 3600
    session = client.session
    session[middleware.STARTED_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_LIFETIME - 1
    session.save()
    response = client.get(page_url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_idle_timeout_defaults_to_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_every_response_carries_a_strict_content_security_policy(client):
    client.force_login(UserFactory())
    policy = client.get(reverse("cases:list"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_login_page_has_no_inline_script_or_style(client):
    html = client.get(reverse("login")).text
    assert "<script>" not in html and " style=" not in html and "<style" not in html
