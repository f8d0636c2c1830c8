"""Two people reordering one agenda at the same time: both moves survive (PostgreSQL, two connections)."""

import threading

import pytest
from django.db import connection, connections, transaction

from meetings import services
from meetings.models import Meeting
from tests.factories import UserFactory
from tests.meetings.factories import MeetingFactory, ReadyCaseFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Row locks (select_for_update) need PostgreSQL; SQLite serialises every writer anyway. "
        "CI runs this on PostgreSQL.",
    ),
]
WAIT = 10  # seconds; generous for a slow CI machine, never reached when the code is right


def positions(meeting: Meeting) -> list[str]:
    items = meeting.agenda_items.select_related("case__patient").order_by("position")
    assert [item.position for item in items] == list(range(1, items.count() + 1))
    return [item.case.board_question for item in items]


@pytest.fixture
def agenda():
    """Two coordinators and a meeting whose agenda is A, B, C, D, E (each case's question is its letter)."""
    first, second = UserFactory(username="first"), UserFactory(username="second")
    meeting = MeetingFactory()
    for letter in "ABCDE":
        services.add_case_to_agenda(
            user=first, meeting_id=meeting.pk, case_id=ReadyCaseFactory(board_question=letter).pk
        )
    items = {item.case.board_question: item.pk for item in meeting.agenda_items.select_related("case")}
    return meeting, items, first, second


def in_thread(target, errors: list[BaseException]) -> threading.Thread:
    """Run target on its own thread, hence its own database connection, closed at the end."""

    def run() -> None:
        try:
            target()
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_move_waits_for_the_other_and_applies_to_its_result(agenda):
    """Move A to the end while someone else, at the same moment, moves E to the front.

    The first mover's transaction stays open after its move (as if its request were still
    running); the second mover must wait on the meeting's row lock, then read the order the
    first left and apply its own move to it. Without the lock the second would read A..E, and
    its renumbering would undo the first move (or trip the unique position constraint).
    """
    meeting, items, first, second = agenda
    errors: list[BaseException] = []
    first_moved, release_first, second_done = threading.Event(), threading.Event(), threading.Event()

    def move_a_last() -> None:
        with transaction.atomic():
            services.move_agenda_item(user=first, meeting_id=meeting.pk, item_id=items["A"], to_position=5)
            first_moved.set()
            release_first.wait(WAIT)

    def move_e_first() -> None:
        first_moved.wait(WAIT)
        services.shift_agenda_item(user=second, meeting_id=meeting.pk, item_id=items["E"], by=-4)
        second_done.set()

    threads = [in_thread(move_a_last, errors), in_thread(move_e_first, errors)]
    assert first_moved.wait(WAIT)
    # The second move is blocked on the lock while the first transaction is open.
    assert not second_done.wait(0.5)
    release_first.set()
    for thread in threads:
        thread.join(WAIT)
    assert not errors
    assert second_done.is_set()
    # A went last and then E went first: both changes are there.
    assert positions(meeting) == ["E", "B", "C", "D", "A"]


def test_many_simultaneous_moves_keep_every_position_distinct(agenda):
    """Ten moves from two users at once: no error, positions stay 1..n, and both users' moves hold."""
    meeting, items, first, second = agenda
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def first_user() -> None:
        start.wait(WAIT)
        for _ in range(5):
            services.shift_agenda_item(user=first, meeting_id=meeting.pk, item_id=items["B"], by=1)

    def second_user() -> None:
        start.wait(WAIT)
        for _ in range(5):
            services.move_agenda_item(user=second, meeting_id=meeting.pk, item_id=items["D"], to_position=1)

    threads = [in_thread(first_user, errors), in_thread(second_user, errors)]
    for thread in threads:
        thread.join(WAIT * 3)
    assert not errors
    order = positions(meeting)
    assert sorted(order) == list("ABCDE")
    # D moved to the front last among its own moves and B only ever moves down: both ends are known.
    assert (order[0], order[-1]) == ("D", "B")
