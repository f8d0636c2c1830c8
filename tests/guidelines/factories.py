"""Factories for guidelines-engine tests: CaseFacts with sensible defaults, overridden per test.

The default case is a metastatic, well-differentiated pancreatic G3 NET, Ki-67 30%, with liver-only,
SSTR-avid disease and no prior therapy. Presets (NEC, LOCALIZED_NET, ...) are plain dicts of overrides
passed positionally, so a test reads as `facts(NEC, ki67_percent=40)`.
"""

from __future__ import annotations

from typing import Any

from guidelines.engine import CaseFacts, PriorTherapy, build_pathway
from guidelines.engine.catalogue import CATALOGUE
from guidelines.engine.pathway import Pathway, Recommendation

OFFERED = frozenset({"recommended", "consider"})

DEFAULTS: dict[str, Any] = {
    "primary_site": "pancreas",
    "differentiation": "well",
    "extent": "metastatic",
    "ki67_percent": 30,
    "metastatic_sites": ("liver",),
    "sstr_imaging": "high_homogeneous",
    "ct_mri_done": True,
    "hormonal_syndrome": False,
    "disease_pace": "typical",
}

# Presets: overrides on top of DEFAULTS.
NEC: dict[str, Any] = {
    "primary_site": "colon",
    "differentiation": "poor",
    "morphology": "small_cell",
    "ki67_percent": 80,
    "sstr_imaging": "not_done",
    "disease_pace": None,
}
LOCALIZED_NET: dict[str, Any] = {"extent": "localized", "metastatic_sites": (), "resectable": True}
LOCALIZED_NEC: dict[str, Any] = {**NEC, "extent": "localized", "metastatic_sites": ()}
CERVIX_NEC: dict[str, Any] = {**NEC, "primary_site": "cervix", "extent": "localized", "metastatic_sites": ()}


def prior(regimen: str, **overrides: Any) -> PriorTherapy:
    """One prior line of systemic therapy; by default the disease progressed on it."""
    values: dict[str, Any] = {"regimen": regimen, "progressed": True}
    values.update(overrides)
    return PriorTherapy(**values)


def facts(*presets: dict[str, Any], **overrides: Any) -> CaseFacts:
    """CaseFacts from DEFAULTS, then each preset, then overrides; lists become the tuples CaseFacts holds."""
    values = dict(DEFAULTS)
    for preset in presets:
        values.update(preset)
    values.update(overrides)
    values["metastatic_sites"] = tuple(values.get("metastatic_sites") or ())
    values["prior_systemic_therapy"] = tuple(
        line if isinstance(line, PriorTherapy) else PriorTherapy(**line)
        for line in values.get("prior_systemic_therapy") or ()
    )
    return CaseFacts(**values)


def pathway(*presets: dict[str, Any], **overrides: Any) -> Pathway:
    """The engine's pathway for facts(*presets, **overrides)."""
    return build_pathway(facts(*presets, **overrides))


def item(path: Pathway, code: str) -> Recommendation:
    """The item with this code; fails the test when the pathway does not list it."""
    found = path.get(code)
    assert found is not None, f"{code} is absent; codes: {codes(path)}"
    return found


def status(path: Pathway, code: str) -> str | None:
    """Status of an item, or None when the pathway does not list it."""
    found = path.get(code)
    return None if found is None else found.status


def offered(path: Pathway, code: str) -> bool:
    """The item is listed as recommended or consider."""
    return status(path, code) in OFFERED


def codes(path: Pathway) -> list[str]:
    """Every code in the pathway, in order."""
    return [rec.code for rec in path.recommendations]


def offered_treatments(path: Pathway) -> set[str]:
    """Codes of treatment items listed as recommended or consider."""
    return {
        rec.code
        for rec in path.recommendations
        if rec.status in OFFERED and CATALOGUE[rec.code].category == "treatment"
    }


def why_text(path: Pathway, code: str) -> str:
    """All reason lines of one item, joined, lower-cased (for wording checks)."""
    return " ".join(item(path, code).why).lower()
