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
        from cases.fingerprint import register_fingerprint_source
        from cases.history import register_history_source
        from cases.signals import demo_seeded
        from guidelines.sheet import register_board_question_source
        from meetings.demo import on_demo_seeded
        from meetings.history import decision_fingerprint, decision_history, latest_discussion
        from meetings.packet import next_agenda_question

        register_history_source(decision_history)
        register_discussion_source(latest_discussion)
        # The board's decisions are part of a case's fingerprint (its cached pathway page).
        register_fingerprint_source(decision_fingerprint)
        # The board sheet (guidelines) asks the case's next agenda for the board's question.
        register_board_question_source(next_agenda_question)
        # `manage.py seed_demo` (cases) creates the demo users and cases; meetings adds the demo meeting.
        demo_seeded.connect(on_demo_seeded, dispatch_uid="meetings.demo_meeting")
