"""Role permissions cached per user across requests, invalidated whenever a role or a user's roles change.

Django's ModelBackend reads a user's permissions with two queries on every request that checks one. They
change only when an administrator edits groups, permissions or users, so they are kept in the shared cache
under a generation number that every such edit bumps (connect_invalidation). The cache must be shared by
every process (Redis, CACHE_URL): with each process's own memory an edit would reach only one of them, so
without a shared cache the permissions are not cached across requests (PERMISSION_CACHE_SECONDS = 0).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "permissions:generation"


def _generation() -> str:
    """The current generation of every user's permissions: a random token, new after every change."""
    token = cache.get(GENERATION_KEY)
    if token is None:  # the first request, or the cache lost it: one new token, whoever adds it first
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(GENERATION_KEY)
    return str(token or "")


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def invalidate_permissions(**kwargs: Any) -> None:
    """Forget every user's cached permissions (a signal receiver: any role or membership changed)."""
    if str(kwargs.get("action", "post")).startswith("pre_"):
        return  # m2m_changed fires before and after: the change is done after
    # Now, and again once the change is committed: a request that read the old rows in between must not
    # keep them under the new generation. A random token (not a counter) never repeats an old key even
    # if the cache lost the generation.
    _new_generation()
    transaction.on_commit(_new_generation)


class CachedPermissionsBackend(ModelBackend):
    """ModelBackend whose per-request permission set is kept in the shared cache between requests."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """The user's permissions from the cache, computed by ModelBackend when missing."""
        seconds = settings.PERMISSION_CACHE_SECONDS
        if obj is not None or not seconds or not user_obj.is_active or user_obj.is_anonymous:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            # The flags are part of the key: an account made inactive or superuser reads anew.
            key = f"permissions:{_generation()}:{user_obj.pk}:{int(user_obj.is_superuser)}"
            cached = cache.get(key)
            if cached is None:
                cached = super().get_all_permissions(user_obj, obj)
                cache.set(key, cached, timeout=seconds)
            user_obj._perm_cache = set(cached)
        return user_obj._perm_cache  # type: ignore[no-any-return]


def connect_invalidation() -> None:
    """Bump the generation on every change to groups, permissions, users' groups and users' permissions."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    user_model = get_user_model()
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(
            invalidate_permissions, sender=through, dispatch_uid=f"permissions.{through.__name__}"
        )
    for model in (Group, Permission):
        post_save.connect(
            invalidate_permissions, sender=model, dispatch_uid=f"permissions.save.{model.__name__}"
        )
        post_delete.connect(
            invalidate_permissions, sender=model, dispatch_uid=f"permissions.delete.{model.__name__}"
        )
