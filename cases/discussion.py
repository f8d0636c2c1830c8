"""Whether a case changed after the board last discussed it ("changed since the board discussed version N").

The board's decisions live in the meetings app, which builds on cases; it registers a discussion source
in its AppConfig.ready(), so cases never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cases.history import HistoryEntry, record_history
from cases.models import Case

# The case's place in the board's workflow (ready, discussed), not a change to what the board decided on.
WORKFLOW_FIELDS = {"status"}


@dataclass(frozen=True)
class Discussion:
    """The board's latest decision on a case: the case version it decided on, when, and at which meeting."""

    case_version: int | None
    decided_at: datetime
    meeting: str


DiscussionSource = Callable[[Case], Discussion | None]
_discussion_sources: list[DiscussionSource] = []


def register_discussion_source(source: DiscussionSource) -> None:
    """Tell cases where to find the board's latest discussion of a case (once, however often called)."""
    if source not in _discussion_sources:
        _discussion_sources.append(source)


@dataclass(frozen=True)
class ChangedSinceDiscussion:
    """The record changed after the board's latest decision: which discussion, and what changed since."""

    discussion: Discussion
    changes: tuple[HistoryEntry, ...]


def latest_discussion(case: Case) -> Discussion | None:
    """The board's most recent decision on the case, if any source knows one."""
    found = [discussion for source in _discussion_sources if (discussion := source(case)) is not None]
    return max(found, key=lambda discussion: discussion.decided_at, default=None)


def _clinical(entry: HistoryEntry) -> bool:
    """A change to the record the board decided on (not only its workflow status, not an empty save)."""
    if entry.kind != "changed":
        return True
    return any(change.field not in WORKFLOW_FIELDS for change in entry.changes)


def changed_since_discussion(case: Case) -> ChangedSinceDiscussion | None:
    """What changed in the case's record since the board's latest decision (None: nothing, or no decision)."""
    discussion = latest_discussion(case)
    if discussion is None or max(case.updated_at, case.patient.updated_at) <= discussion.decided_at:
        return None
    # Only now read the history: the cheap timestamps above answer the common case.
    changes = tuple(
        entry for entry in record_history(case) if entry.at > discussion.decided_at and _clinical(entry)
    )
    return ChangedSinceDiscussion(discussion, changes) if changes else None
