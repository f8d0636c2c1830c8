"""App configuration for tumor board meetings."""

from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    """Board meetings: agenda, present mode, decisions and the meeting packet."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        # cases shows the board's decisions without importing meetings (engine <- cases <- meetings).
        from cases.discussion import register_discussion_source
        from cases.history import register_history_source
        from meetings.history import decision_history, latest_discussion

        register_history_source(decision_history)
        register_discussion_source(latest_discussion)
