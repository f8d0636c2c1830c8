"""App configuration for tumor board meetings."""

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Board meetings: agenda, present mode, decisions and the meeting packet."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = "Meetings"
