"""A case's fingerprint: one query whose answer changes whenever anything its pages derive from changes.

The case and patient rows (versions, last changes), the responsible clinician's name, every kind of
finding (how many, the latest change) and whatever other apps register (meetings: the board's latest
decision and its meeting), so that a page cached under the fingerprint is never served after an edit.
meetings registers its part in its AppConfig.ready(), so cases never imports it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache as once
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Coalesce

from cases.facts import facts_dict_for_case
from cases.models import FINDING_MODELS, Case
from cases.pathway import CasePathway, pathway_for_facts
from guidelines.engine import ENGINE_VERSION
from guidelines.engine.pathway import CONTRACT
from nanets.release import release_digest

# A source gives named expressions evaluated on the case's row (OuterRef("pk") is the case).
FingerprintSource = Callable[[], Mapping[str, BaseExpression]]
_sources: list[FingerprintSource] = []
# An engine result is kept a day: the key changes with the facts and the engine, never with the clock.
PATHWAY_TIMEOUT_SECONDS = 24 * 60 * 60


def register_fingerprint_source(source: FingerprintSource) -> None:
    """Add another app's part of the fingerprint (once, however often called)."""
    if source not in _sources:
        _sources.append(source)


@dataclass(frozen=True)
class CaseFingerprint:
    """The case's patient (for its access events) and the digest of everything its pages show."""

    case_id: int
    patient_id: int
    digest: str


def _finding_parts() -> dict[str, BaseExpression]:
    parts: dict[str, BaseExpression] = {}
    for model in FINDING_MODELS:
        rows = model._default_manager.filter(case=OuterRef("pk")).order_by().values("case")
        name = model.related_name()
        parts[f"{name}_count"] = Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)
        parts[f"{name}_changed"] = Subquery(rows.annotate(at=Max("updated_at")).values("at"))
    return parts


# The case's and patient's last change, and the responsible clinician's name as the pages show it.
CASE_COLUMNS = (
    "version",
    "updated_at",
    "patient__version",
    "patient__updated_at",
    "responsible_clinician_id",
    "responsible_clinician__first_name",
    "responsible_clinician__last_name",
    "responsible_clinician__username",
)
# The case id the statement is compiled with, replaced by the real one on every call.
_PLACEHOLDER = -7_301_029_411


@once
def _statement(alias: str, sources: tuple[FingerprintSource, ...]) -> tuple[str, tuple[Any, ...]]:
    """The SQL, compiled once per database and set of sources (compiling it costs more than running it)."""
    parts = _finding_parts()
    for source in sources:
        parts.update(source())
    query = (
        Case.objects.using(alias)
        .filter(pk=_PLACEHOLDER)
        .order_by()
        .annotate(**parts)
        .values_list("pk", "patient_id", *CASE_COLUMNS, *parts)
    )
    sql, params = query.query.sql_with_params()
    return sql, tuple(params)


def case_fingerprint(case_id: int, *, using: str = DEFAULT_DB_ALIAS) -> CaseFingerprint | None:
    """The case's fingerprint in one query (None: no such case)."""
    sql, params = _statement(using, tuple(_sources))
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [case_id if param == _PLACEHOLDER else param for param in params])
        row = cursor.fetchone()
    if row is None:
        return None
    digest = hashlib.sha256(repr(row).encode()).hexdigest()[:32]
    return CaseFingerprint(case_id=row[0], patient_id=row[1], digest=digest)


def cached_pathway_for_case(case: Case) -> CasePathway:
    """The case's pathway from the cache when the engine already ran on the same facts (no query).

    The engine is a pure function of the facts, so its result is kept under the facts themselves and
    the engine's version: any edit that changes a fact misses, and one that changes none needs no run.
    """
    facts = facts_dict_for_case(case)
    # The deployed code too: a rule fixed without bumping ENGINE_VERSION must not serve the old result.
    text = json.dumps([ENGINE_VERSION, CONTRACT, release_digest(), facts], sort_keys=True, default=str)
    key = f"case-pathway:{hashlib.sha256(text.encode()).hexdigest()}"
    result: CasePathway | None = cache.get(key)
    if result is None:
        result = pathway_for_facts(facts)
        cache.set(key, result, PATHWAY_TIMEOUT_SECONDS)
    return result
