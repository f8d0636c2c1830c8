"""factory_boy factories for meetings: a meeting, attendees, agenda items and decisions."""

import datetime

import factory
from django.utils import timezone

from tests.factories import CaseFactory, UserFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    """A board meeting a week from now, in a room."""

    class Meta:
        model = "meetings.Meeting"

    board_name = factory.Sequence(lambda n: f"Test board {n}")
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=7)).replace(
            hour=16, minute=0, second=0, microsecond=0
        )
    )
    location = "Room 1"


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Attendee"

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.Sequence(lambda n: f"Dr. Attendee {n}")
    specialty = "medical_oncology"


class ReadyCaseFactory(CaseFactory):
    """A case that is ready for the board."""

    status = "ready"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    """A ready case at the end of a meeting's agenda."""

    class Meta:
        model = "meetings.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    case = factory.SubFactory(ReadyCaseFactory)
    position = factory.LazyAttribute(lambda item: item.meeting.agenda_items.count() + 1)
    board_question = factory.LazyAttribute(lambda item: item.case.board_question)


class DecisionFactory(factory.django.DjangoModelFactory):
    """A decision that follows the guideline with a free-text plan."""

    class Meta:
        model = "meetings.Decision"

    agenda_item = factory.SubFactory(AgendaItemFactory)
    plan = "Chemotherapy as discussed."
    follows_guideline = True
    responsible_clinician = factory.SubFactory(UserFactory)
    next_review_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=90))
