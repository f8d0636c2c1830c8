"""The pathway of one case: facts from the record, the engine's result, or why there is none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cases.facts import IncompleteRecord, MissingFact, case_facts, facts_dict_for_case
from cases.models import Case
from guidelines.engine import ContradictoryFacts, FactsError, Finding, Pathway, build_pathway


@dataclass(frozen=True)
class CasePathway:
    """A case's facts with its pathway, or why there is none: facts missing, contradictory or invalid."""

    facts: dict[str, Any]
    pathway: Pathway | None
    missing: list[MissingFact]
    conflicts: tuple[Finding, ...] = ()
    # The engine's contract refuses the facts (one message per problem, each starting with the field).
    problems: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """The engine could run: every required fact is present and the facts are valid."""
        return self.pathway is not None


def pathway_for_facts(facts: dict[str, Any]) -> CasePathway:
    """Validate the facts as the engine does, then run it: the one check of the saved and the typed record."""
    try:
        return CasePathway(facts, build_pathway(case_facts(facts)), [])
    except IncompleteRecord as incomplete:
        return CasePathway(facts, None, incomplete.missing)
    except ContradictoryFacts as refused:
        # No plan from facts that contradict each other: the pages list the contradictions instead.
        return CasePathway(facts, None, [], refused.conflicts)
    except FactsError as invalid:
        return CasePathway(facts, None, [], (), tuple(invalid.problems))


def pathway_for_case(case: Case) -> CasePathway:
    """Run the engine on a case whose record is prefetched (see cases.facts.with_record)."""
    return pathway_for_facts(facts_dict_for_case(case))
