"""API tokens: issue one (the plain token shown once), and find the user of a presented token."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.utils import timezone

from interop.models import ApiToken


def token_digest(token: str) -> str:
    """The SHA-256 digest a token is stored and looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, user: Any) -> str:
    """Create a token for the user and return it in plain text: it is not stored and cannot be shown again."""
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=token_digest(token))
    return token


def user_for_token(*, token: str) -> Any | None:
    """The active user of a valid, unrevoked token (its last use recorded), or None."""
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        return None
    ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.user
