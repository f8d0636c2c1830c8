"""The pathway of one case: facts from the record, the engine's result, or what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cases.facts import MissingFact, facts_dict_for_case, facts_for_case, missing_required
from cases.models import Case
from guidelines.engine import ContradictoryFacts, Finding, Pathway, build_pathway


@dataclass(frozen=True)
class CasePathway:
    """A case's facts with its pathway, or why there is none: required facts missing, or contradictions."""

    facts: dict[str, Any]
    pathway: Pathway | None
    missing: list[MissingFact]
    conflicts: tuple[Finding, ...] = ()

    @property
    def complete(self) -> bool:
        """The engine could run: every required fact is present."""
        return self.pathway is not None


def pathway_for_case(case: Case) -> CasePathway:
    """Run the engine on a case whose record is prefetched (see cases.facts.with_record)."""
    facts = facts_dict_for_case(case)
    missing = missing_required(facts)
    if missing:
        return CasePathway(facts, None, missing)
    try:
        return CasePathway(facts, build_pathway(facts_for_case(case)), [])
    except ContradictoryFacts as refused:
        # No plan from facts that contradict each other: the page lists the contradictions instead.
        return CasePathway(facts, None, [], refused.conflicts)
