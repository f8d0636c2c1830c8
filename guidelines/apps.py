"""App configuration for the NANETS 2023 guideline pathways."""

from django.apps import AppConfig


class GuidelinesConfig(AppConfig):
    """NANETS 2023 high-grade neuroendocrine neoplasm guideline pathways."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "guidelines"
    verbose_name = "Guidelines"
