"""The NANETS 2023 guidelines engine: pure Python, case facts in, pathway out (no Django here)."""

from guidelines.engine.consistency import ContradictoryFacts, Finding
from guidelines.engine.engine import build_pathway
from guidelines.engine.facts import CaseFacts, FactsError, PriorTherapy, parse_facts, validate_facts
from guidelines.engine.pathway import ENGINE_VERSION, GUIDELINE, Pathway, Recommendation
from guidelines.engine.text import pathway_as_text

__all__ = [
    "ENGINE_VERSION",
    "GUIDELINE",
    "CaseFacts",
    "ContradictoryFacts",
    "FactsError",
    "Finding",
    "Pathway",
    "PriorTherapy",
    "Recommendation",
    "build_pathway",
    "parse_facts",
    "pathway_as_text",
    "validate_facts",
]
