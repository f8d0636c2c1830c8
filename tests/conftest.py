"""Shared pytest fixtures: users, and settings for serving tests over plain HTTP."""

import pytest
from django.test import override_settings

from tests.factories import TEST_PASSWORD, UserFactory


@pytest.fixture(scope="session", autouse=True)
def plain_http_settings():
    """Turn off HTTPS-only settings: the test client and live server speak plain HTTP.

    pytest-django runs with DEBUG off, which enables the production HTTPS redirect and
    secure cookies; those are checked separately by the `check --deploy` test.
    """
    with override_settings(SECURE_SSL_REDIRECT=False, SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False):
        yield


@pytest.fixture
def password() -> str:
    """The password of every factory-made user."""
    return TEST_PASSWORD


@pytest.fixture
def user(db):
    """A regular (non-staff) user."""
    return UserFactory(username="clinician")


@pytest.fixture
def staff_user(db):
    """A staff user who may open the admin."""
    return UserFactory(username="staffer", is_staff=True)
