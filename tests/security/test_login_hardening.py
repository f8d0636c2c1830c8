"""Login hardening: lockout after repeated failures, idle timeout, secure cookies, CSP without inline code."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


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


def test_idle_timeout_defaults_to_thirty_minutes_and_refreshes_on_each_request():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


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
