"""Login hardening: lockout per username and per address, client address behind a proxy, passwords,
CSP without inline code (session lifetime: tests/nanets/test_middleware.py)."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from cases import client_ip
from tests.factories import TEST_PASSWORD, UserFactory

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
