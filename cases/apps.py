"""App configuration for tumor board cases."""

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db.models import ProtectedError
from django.db.models.signals import post_migrate, pre_delete


class CasesConfig(AppConfig):
    """Cases presented at the tumor board."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from nanets.middleware import stamp_session_start
        from nanets.permissions import connect_invalidation

        post_migrate.connect(_sync_roles_after_migrate, dispatch_uid="cases.sync_roles")
        connect_invalidation()
        user_logged_in.connect(stamp_session_start, dispatch_uid="cases.session_start")
        pre_delete.connect(
            _refuse_user_deletion, sender=settings.AUTH_USER_MODEL, dispatch_uid="cases.keep_users"
        )


def _refuse_user_deletion(sender: type, instance: Any, **kwargs: Any) -> None:
    """Users are deactivated, never deleted: the history and the read trail keep naming them."""
    raise ProtectedError(
        f"User {instance.pk} is kept: deactivate the account (untick Active) instead of deleting it.",
        {instance},
    )


def _sync_roles_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    """Keep the role groups' permissions complete as apps add models (they exist only after migrate)."""
    from django.contrib.auth.models import Group, Permission

    from cases.roles import sync_roles

    # Each app's permissions are created by its own post_migrate; syncing after each keeps roles complete.
    sync_roles(Group, Permission)
