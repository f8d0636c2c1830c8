"""Facts derived once per case that several rules read (site group, decision point, prior lines)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from guidelines.codes import GASTROINTESTINAL_SITES as GASTROINTESTINAL_SITES
from guidelines.codes import GYNECOLOGIC_SITES, PANCREATIC_SITES, PRIMARY_SITE_ADJECTIVES
from guidelines.engine.classification import classify
from guidelines.engine.facts import CaseFacts
from guidelines.engine.pathway import Classification, DecisionPoint

# "Bowel" in the metastatic G3 NET statements (CAPTEM, FOLFOX/CapeOx, everolimus).
BOWEL_SITES: Final = frozenset({"duodenum", "small_bowel", "appendix", "colon", "rectum"})
# Localized GI NEC: "surgeries with higher morbidity (esophageal, gastric, pancreatic, and rectal primaries)".
HIGH_MORBIDITY_SURGERY_SITES: Final = frozenset({"esophagus", "stomach", "pancreas", "rectum"})


def site_group(primary_site: str) -> str:
    """Map a primary site to the contract's site group."""
    if primary_site in PANCREATIC_SITES:
        return "pancreatic"
    if primary_site in GASTROINTESTINAL_SITES:
        return "gastrointestinal"
    if primary_site in GYNECOLOGIC_SITES:
        return "gynecologic"
    return "unknown"


def decision_point(facts: CaseFacts) -> DecisionPoint:
    """after_progression when a prior line progressed, else after_resection when a margin is known, else initial."""
    progressed = sum(1 for line in facts.prior_systemic_therapy if line.progressed)
    if progressed:
        return DecisionPoint("after_progression", progressed + 1)
    if facts.resection_margin in ("R0", "R1", "R2"):
        return DecisionPoint("after_resection", 1)
    return DecisionPoint("initial", 1)


@dataclass(frozen=True)
class Context:
    """One case's facts with what the rules derive from them."""

    facts: CaseFacts
    classification: Classification
    site_group: str
    decision: DecisionPoint

    @classmethod
    def of(cls, facts: CaseFacts) -> Context:
        """Derive the context of one case."""
        return cls(facts, classify(facts), site_group(facts.primary_site), decision_point(facts))

    @property
    def site_label(self) -> str:
        """Adjective for the primary site ("pancreatic primary")."""
        return f"{PRIMARY_SITE_ADJECTIVES[self.facts.primary_site]} primary"

    @property
    def metastatic(self) -> bool:
        """Distant metastases (or FIGO IVB for a cervical primary)."""
        return self.facts.extent == "metastatic" or self.facts.figo_stage == "IVB"

    @property
    def new_case(self) -> bool:
        """Initial assessment (Table 1) still applies: no progression yet."""
        return self.decision.code != "after_progression"

    @property
    def systemic_line(self) -> int:
        """Line number of the contract's items: 1 front-line, 2 second-line and later."""
        return 1 if self.decision.line == 1 else 2

    @property
    def regimens_given(self) -> frozenset[str]:
        """Regimen codes of every prior line."""
        return frozenset(line.regimen for line in self.facts.prior_systemic_therapy)

    @property
    def regimens_failed(self) -> frozenset[str]:
        """Regimen codes the disease progressed on or after."""
        return frozenset(line.regimen for line in self.facts.prior_systemic_therapy if line.progressed)

    @property
    def sites(self) -> frozenset[str]:
        """Metastatic sites as a set."""
        return frozenset(self.facts.metastatic_sites)

    @property
    def brain_metastases(self) -> bool:
        """Brain metastases are known to be present."""
        return "brain" in self.sites or bool(self.facts.brain_metastases_count)

    @property
    def ki67(self) -> float | None:
        """Ki-67 percent, when known."""
        return self.facts.ki67_percent

    def ki67_text(self) -> str:
        """Ki-67 for a reason line."""
        value = self.facts.ki67_percent
        return "Ki-67 not recorded" if value is None else f"Ki-67 {value:g}%"
