"""App configuration of the exchange with other systems."""

from django.apps import AppConfig


class InteropConfig(AppConfig):
    """FHIR export and import; built on cases, guidelines and meetings, imported by none of them."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "interop"
    verbose_name = "Interoperability"
