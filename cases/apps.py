"""App configuration for tumor board cases."""

from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Cases presented at the tumor board."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = "Cases"
