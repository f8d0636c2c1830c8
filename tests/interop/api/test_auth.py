"""Token authentication: `manage.py create_api_token`, bearer tokens, revoked and unknown tokens."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from cases import roles
from interop.api.tokens import token_digest
from interop.models import ApiToken
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def create_token(username: str) -> str:
    out = StringIO()
    call_command("create_api_token", username, stdout=out)
    return out.getvalue().strip()


def get(path: str, token: str):
    return Client().get(path, headers={"Authorization": f"Bearer {token}"})


def test_the_command_prints_a_token_stored_only_as_its_digest():
    user = UserFactory(username="script", role=roles.VIEWER)
    token = create_token("script")
    stored = ApiToken.objects.get(user=user)
    assert stored.digest == token_digest(token)
    assert token not in stored.digest
    assert len(token) >= 40


def test_the_command_refuses_an_unknown_user():
    with pytest.raises(CommandError, match="no user"):
        create_token("nobody")


def test_a_token_authenticates_with_its_users_role_and_records_its_use():
    UserFactory(username="script", role=roles.VIEWER)
    CaseFactory()
    token = create_token("script")
    response = get("/api/cases", token)
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert ApiToken.objects.get().last_used_at is not None


def test_a_token_of_a_role_without_the_permission_is_403():
    UserFactory(username="privacy", role=roles.AUDITOR)
    assert get("/api/cases", create_token("privacy")).status_code == 403


def test_a_revoked_token_is_401():
    UserFactory(username="script", role=roles.VIEWER)
    token = create_token("script")
    ApiToken.objects.update(revoked_at=timezone.now())
    assert get("/api/cases", token).status_code == 401


def test_a_token_of_an_inactive_user_is_401():
    user = UserFactory(username="script", role=roles.VIEWER)
    token = create_token("script")
    user.is_active = False
    user.save()
    assert get("/api/cases", token).status_code == 401


def test_an_unknown_token_is_401():
    UserFactory(username="script", role=roles.VIEWER)
    create_token("script")
    assert get("/api/cases", "not-a-token").status_code == 401
