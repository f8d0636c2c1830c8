"""The account a command acts as, by username."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser


def user_named(username: str) -> AbstractBaseUser | None:
    """The user with this username, if any."""
    model = get_user_model()
    field = getattr(model, "USERNAME_FIELD", "username")
    return model._default_manager.filter(**{field: username}).first()
