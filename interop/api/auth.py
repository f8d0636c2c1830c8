"""How an API call is authenticated (session with CSRF, or a bearer token) and its permission checked."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from interop.api.tokens import user_for_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a token made by `manage.py create_api_token`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token=token)
        if user is not None:
            request.user = user
        return user


# Session cookies of the pages (ninja checks CSRF on unsafe methods), or a token for scripts.
AUTH = [TokenAuth(), django_auth]


def require(request: HttpRequest, permission: str) -> None:
    """Refuse the call (403) unless the authenticated user has the permission, as the pages do."""
    if not request.user.has_perm(permission):
        raise HttpError(403, "You do not have permission for this.")
