"""The read trail: an access event per patient shown, a search event (terms as a keyed digest) per search."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.crypto import salted_hmac

from cases.models import AccessEvent, Case, SearchEvent
from nanets.users import User

# Keeps digests of search terms apart from every other use of SECRET_KEY.
SEARCH_DIGEST_SALT = "cases.audit.search-term"


def _actor(user: User) -> Any:
    return user if user.is_authenticated else None


def record_reads(*, user: User, action: str, cases: Iterable[Case]) -> None:
    """One access event per case shown (in one query), each naming its patient."""
    actor = _actor(user)
    events = [
        AccessEvent(patient_id=case.patient_id, case_id=case.pk, user=actor, action=action) for case in cases
    ]
    if events:
        AccessEvent.objects.bulk_create(events)


def record_patient_reads(*, user: User, action: str, pairs: Iterable[tuple[int, int | None]]) -> None:
    """One access event per (patient id, case id or None) shown, in one query."""
    actor = _actor(user)
    events = [
        AccessEvent(patient_id=patient_id, case_id=case_id, user=actor, action=action)
        for patient_id, case_id in pairs
    ]
    if events:
        AccessEvent.objects.bulk_create(events)


def normalized_term(term: str) -> str:
    """The search as compared: case-folded, whitespace collapsed ("  Doe  jane" matches "doe JANE")."""
    return " ".join(term.casefold().split())


def term_digest(term: str) -> str:
    """A keyed digest of a search term: equal for equal searches, and no name in the database."""
    return salted_hmac(SEARCH_DIGEST_SALT, normalized_term(term), algorithm="sha256").hexdigest()


def record_search(*, user: User, place: str, term: str, result_count: int) -> None:
    """Record that a user searched (where, how many results) with the terms as a digest only."""
    SearchEvent.objects.create(
        user=_actor(user), place=place, term_digest=term_digest(term), result_count=result_count
    )
