"""Consistency of case facts: combinations that cannot be true (refused) and unusual ones (warned).

Every rule names the two fields it compares. A conflict stops the engine: the board never gets a plan
built from facts that contradict each other. A warning does not stop it; the pathway lists it so that
the board checks the record. Each rule cites the definition it rests on; docs/traceability.md lists
them all with their tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Final

from guidelines.codes import GYNECOLOGIC_SITES
from guidelines.engine.facts import CaseFacts, FactsError, PriorTherapy

NOT_METASTATIC: Final = frozenset({"localized", "locally_advanced"})
# FIGO 2018 cervical stages grouped as the paper groups them (Gynecologic NEC > Localized and
# Treatment of metastatic gynecologic G3 NEC): "confined to the cervix and <4 cm (FIGO stage
# IA1-IB2)" is early stage; "Locally advanced disease, defined as a disease limited to the pelvis
# +/- aortocaval nodal disease (FIGO stages IB3-IVA)"; "metastatic disease ... (stage IVB)".
FIGO_EARLY: Final = frozenset({"IA1", "IA2", "IB1", "IB2"})
FIGO_LOCALLY_ADVANCED: Final = frozenset(
    {"IB3", "IIA1", "IIA2", "IIB", "IIIA", "IIIB", "IIIC1", "IIIC2", "IVA"}
)
FIGO_METASTATIC: Final = frozenset({"IVB"})
EXTENT_OF_FIGO: Final = {
    **{stage: "localized" for stage in FIGO_EARLY},
    **{stage: "locally_advanced" for stage in FIGO_LOCALLY_ADVANCED},
    **{stage: "metastatic" for stage in FIGO_METASTATIC},
}
# FIGO 2018 size bounds in cm, [low, high): IB1 < 2, IB2 2 to < 4, IB3 >= 4, IIA1 < 4, IIA2 >= 4.
# IA is defined by depth of invasion only (< 5 mm; lateral extent no longer counts): no size bound.
FIGO_SIZE_CM: Final[dict[str, tuple[float, float | None]]] = {
    "IB1": (0, 2),
    "IB2": (2, 4),
    "IB3": (4, None),
    "IIA1": (0, 4),
    "IIA2": (4, None),
}
# An IA lesion "can be diagnosed only by microscopy" (FIGO 2018); 2 cm or more is unusual for it.
FIGO_IA_USUAL_MAX_CM: Final = 2.0


@dataclass(frozen=True)
class Finding:
    """One consistency finding: the rule, the fields it compares and one line naming both."""

    rule: str
    fields: tuple[str, str]
    message: str


class ContradictoryFacts(FactsError):
    """Raised when case facts contradict each other; carries the conflicts."""

    def __init__(self, conflicts: tuple[Finding, ...]) -> None:
        super().__init__([conflict.message for conflict in conflicts])
        self.conflicts = conflicts


def show(value: object) -> str:
    """A fact's value as the contract writes it (true/false, codes, lists joined by commas)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (tuple, list)):
        return ", ".join(show(item) for item in value) if value else "none"
    return str(value)


def _pair(first: str, first_value: object, second: str, second_value: object, why: str = "") -> str:
    line = f"{first}: {show(first_value)} contradicts {second}: {show(second_value)}"
    return f"{line} ({why})" if why else line


def _unusual(first: str, first_value: object, second: str, second_value: object, why: str) -> str:
    return f"{first}: {show(first_value)} with {second}: {show(second_value)}: {why}"


Check = Callable[[CaseFacts], Iterator[Finding]]
CONFLICT_RULES: list[Check] = []
WARNING_RULES: list[Check] = []
# Every rule code a check may report, by kind (docs/traceability.md lists each one).
CONFLICT_CODES: set[str] = set()
WARNING_CODES: set[str] = set()


def _conflict(*codes: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        CONFLICT_RULES.append(check)
        CONFLICT_CODES.update(codes or (check.__name__,))
        return check

    return register


def _warning(*codes: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        WARNING_RULES.append(check)
        WARNING_CODES.update(codes or (check.__name__,))
        return check

    return register


# --- Extent of disease --------------------------------------------------------------------------
# The schema's metastatic_sites are distant sites; "metastatic" extent means distant metastases.


@_conflict()
def extent_vs_metastatic_sites(facts: CaseFacts) -> Iterator[Finding]:
    """Distant metastatic sites cannot exist in localized or locally advanced disease."""
    if facts.extent in NOT_METASTATIC and facts.metastatic_sites:
        yield Finding(
            "extent_vs_metastatic_sites",
            ("extent", "metastatic_sites"),
            _pair("extent", facts.extent, "metastatic_sites", facts.metastatic_sites),
        )


@_conflict()
def extent_vs_brain_metastases(facts: CaseFacts) -> Iterator[Finding]:
    """Brain metastases are distant metastases."""
    count = facts.brain_metastases_count
    if facts.extent in NOT_METASTATIC and count:
        yield Finding(
            "extent_vs_brain_metastases",
            ("extent", "brain_metastases_count"),
            _pair("extent", facts.extent, "brain_metastases_count", count, "brain metastases are distant"),
        )


@_conflict()
def liver_dominant_vs_extent(facts: CaseFacts) -> Iterator[Finding]:
    """Liver-dominant disease is a pattern of metastatic disease."""
    if facts.extent in NOT_METASTATIC and facts.liver_dominant:
        yield Finding(
            "liver_dominant_vs_extent",
            ("extent", "liver_dominant"),
            _pair("extent", facts.extent, "liver_dominant", True, "liver-dominant disease is metastatic"),
        )


@_conflict()
def brain_site_vs_brain_count(facts: CaseFacts) -> Iterator[Finding]:
    """Brain listed as a metastatic site but counted as zero brain metastases."""
    if "brain" in facts.metastatic_sites and facts.brain_metastases_count == 0:
        yield Finding(
            "brain_site_vs_brain_count",
            ("metastatic_sites", "brain_metastases_count"),
            _pair("metastatic_sites", facts.metastatic_sites, "brain_metastases_count", 0),
        )


@_warning()
def liver_dominant_without_liver_site(facts: CaseFacts) -> Iterator[Finding]:
    """Liver-dominant disease with no liver among the recorded sites."""
    if facts.extent == "metastatic" and facts.liver_dominant and "liver" not in facts.metastatic_sites:
        why = (
            "liver is not among the recorded sites; record the liver metastases or correct liver_dominant"
            if facts.metastatic_sites
            else "no metastatic site is recorded yet; record the liver metastases"
        )
        yield Finding(
            "liver_dominant_without_liver_site",
            ("liver_dominant", "metastatic_sites"),
            _unusual("liver_dominant", True, "metastatic_sites", facts.metastatic_sites, why),
        )


@_warning()
def brain_count_without_brain_site(facts: CaseFacts) -> Iterator[Finding]:
    """Brain metastases counted but brain not among the sites."""
    count = facts.brain_metastases_count
    if facts.extent == "metastatic" and count and "brain" not in facts.metastatic_sites:
        yield Finding(
            "brain_count_without_brain_site",
            ("brain_metastases_count", "metastatic_sites"),
            _unusual(
                "brain_metastases_count",
                count,
                "metastatic_sites",
                facts.metastatic_sites,
                "brain is not among the recorded sites",
            ),
        )


@_warning()
def high_burden_without_metastases(facts: CaseFacts) -> Iterator[Finding]:
    """High systemic disease burden recorded for disease that is not metastatic."""
    if facts.extent in NOT_METASTATIC and facts.high_systemic_burden:
        yield Finding(
            "high_burden_without_metastases",
            ("extent", "high_systemic_burden"),
            _unusual(
                "extent",
                facts.extent,
                "high_systemic_burden",
                True,
                "a high systemic burden usually means metastatic disease; check the extent",
            ),
        )


# --- Site-specific fields ----------------------------------------------------------------------


@_conflict()
def figo_stage_vs_primary_site(facts: CaseFacts) -> Iterator[Finding]:
    """figo_stage is FIGO 2018 cervical staging (schema: "gynecologic (cervical) primaries only")."""
    if facts.figo_stage is not None and facts.primary_site != "cervix":
        yield Finding(
            "figo_stage_vs_primary_site",
            ("primary_site", "figo_stage"),
            _pair(
                "primary_site",
                facts.primary_site,
                "figo_stage",
                facts.figo_stage,
                "FIGO 2018 cervical staging applies to a cervical primary only",
            ),
        )


@_conflict()
def figo_stage_vs_extent(facts: CaseFacts) -> Iterator[Finding]:
    """FIGO IVB is distant metastasis; a metastatic extent at IA1-IVA needs its distant sites recorded."""
    stage = facts.figo_stage
    if facts.primary_site != "cervix" or stage is None:
        return
    if stage in FIGO_METASTATIC and facts.extent != "metastatic":
        yield Finding(
            "figo_stage_vs_extent",
            ("extent", "figo_stage"),
            _pair("extent", facts.extent, "figo_stage", stage, "FIGO IVB is distant metastasis"),
        )
    elif stage not in FIGO_METASTATIC and facts.extent == "metastatic" and not _distant_disease(facts):
        # The FIGO stage is given at diagnosis and kept at recurrence ("stage IA2-IB2 disease who recur
        # will have a distant component 86% of the time"): a distant recurrence is possible, but then
        # its sites are on record. Without them nothing but the extent says the disease is distant.
        yield Finding(
            "figo_stage_vs_extent",
            ("extent", "figo_stage"),
            _pair(
                "extent",
                "metastatic",
                "figo_stage",
                stage,
                f"FIGO {stage} has no distant metastasis; for a distant recurrence record its metastatic sites",
            ),
        )


@_warning()
def figo_stage_at_diagnosis_with_distant_disease(facts: CaseFacts) -> Iterator[Finding]:
    """A FIGO stage below IVB with distant sites: a distant recurrence (the stage is kept from diagnosis)."""
    stage = facts.figo_stage
    if (
        facts.primary_site == "cervix"
        and stage is not None
        and stage not in FIGO_METASTATIC
        and facts.extent == "metastatic"
        and _distant_disease(facts)
    ):
        yield Finding(
            "figo_stage_at_diagnosis_with_distant_disease",
            ("figo_stage", "metastatic_sites"),
            _unusual(
                "figo_stage",
                stage,
                "metastatic_sites",
                facts.metastatic_sites,
                "read as a distant recurrence of a stage given at diagnosis; the metastatic recommendations "
                "apply (a stage of IVB at diagnosis would be recorded as IVB)",
            ),
        )


def _distant_disease(facts: CaseFacts) -> bool:
    return bool(facts.metastatic_sites) or bool(facts.brain_metastases_count)


@_warning()
def figo_stage_vs_extent_grouping(facts: CaseFacts) -> Iterator[Finding]:
    """The paper's grouping: IA1-IB2 early stage, IB3-IVA locally advanced (treatment follows FIGO)."""
    stage = facts.figo_stage
    if (
        facts.primary_site != "cervix"
        or stage is None
        or stage in FIGO_METASTATIC
        or facts.extent == "metastatic"
    ):
        return
    expected = EXTENT_OF_FIGO[stage]
    if facts.extent != expected:
        yield Finding(
            "figo_stage_vs_extent_grouping",
            ("extent", "figo_stage"),
            _unusual(
                "extent",
                facts.extent,
                "figo_stage",
                stage,
                f"the paper counts FIGO {stage} as {expected.replace('_', ' ')} disease "
                "(IA1-IB2 early stage, IB3-IVA locally advanced); the cervical recommendations follow the FIGO stage",
            ),
        )


@_conflict()
def figo_stage_vs_tumor_size(facts: CaseFacts) -> Iterator[Finding]:
    """FIGO 2018 size bounds of IB and IIA, measured at staging (the paper: IB3 ">4 cm")."""
    stage, size = facts.figo_stage, facts.tumor_size_cm
    if facts.primary_site != "cervix" or stage not in FIGO_SIZE_CM or size is None:
        return
    low, high = FIGO_SIZE_CM[stage]
    if size < low or (high is not None and size >= high):
        bound = (
            f">= {low:g} cm"
            if high is None
            else (f"< {high:g} cm" if low == 0 else f"{low:g} to < {high:g} cm")
        )
        yield Finding(
            "figo_stage_vs_tumor_size",
            ("figo_stage", "tumor_size_cm"),
            _pair(
                "figo_stage",
                stage,
                "tumor_size_cm",
                size,
                f"FIGO {stage} is {bound}; record the size at staging, before treatment",
            ),
        )


@_warning()
def figo_ia_large_tumor(facts: CaseFacts) -> Iterator[Finding]:
    """A microscopic IA lesion measured at 2 cm or more (FIGO 2018 defines IA by depth, not width)."""
    stage, size = facts.figo_stage, facts.tumor_size_cm
    if facts.primary_site == "cervix" and stage in ("IA1", "IA2") and size is not None:
        if size >= FIGO_IA_USUAL_MAX_CM:
            yield Finding(
                "figo_ia_large_tumor",
                ("figo_stage", "tumor_size_cm"),
                _unusual(
                    "figo_stage",
                    stage,
                    "tumor_size_cm",
                    size,
                    "a FIGO IA lesion is microscopic; a visible lesion is at least IB",
                ),
            )


@_warning()
def figo_ia_with_deep_stromal_invasion(facts: CaseFacts) -> Iterator[Finding]:
    """IA invades < 5 mm; deep stromal invasion (outer third) is very unlikely there, and it adds radiation."""
    if facts.primary_site == "cervix" and facts.figo_stage in ("IA1", "IA2") and facts.deep_stromal_invasion:
        yield Finding(
            "figo_ia_with_deep_stromal_invasion",
            ("figo_stage", "deep_stromal_invasion"),
            _unusual(
                "figo_stage",
                facts.figo_stage,
                "deep_stromal_invasion",
                True,
                "FIGO IA invades less than 5 mm; deep stromal invasion would make adjuvant pelvic radiation "
                "recommended: check both",
            ),
        )


@_conflict()
def pancreatic_location_vs_primary_site(facts: CaseFacts) -> Iterator[Finding]:
    """Head or body/tail locates a pancreatic primary only."""
    if facts.pancreatic_location is not None and facts.primary_site != "pancreas":
        yield Finding(
            "pancreatic_location_vs_primary_site",
            ("primary_site", "pancreatic_location"),
            _pair(
                "primary_site",
                facts.primary_site,
                "pancreatic_location",
                facts.pancreatic_location,
                "it locates a pancreatic primary only",
            ),
        )


@_warning()
def stromal_invasion_outside_gynecologic(facts: CaseFacts) -> Iterator[Finding]:
    """Deep stromal invasion is a cervical risk factor; elsewhere it is not used."""
    if facts.deep_stromal_invasion and facts.primary_site not in GYNECOLOGIC_SITES:
        yield Finding(
            "stromal_invasion_outside_gynecologic",
            ("primary_site", "deep_stromal_invasion"),
            _unusual(
                "primary_site",
                facts.primary_site,
                "deep_stromal_invasion",
                True,
                "deep stromal invasion is a risk factor of cervical NEC; it is not used for this site",
            ),
        )


# --- Pathology ----------------------------------------------------------------------------------


@_warning()
def poor_differentiation_morphology_not_applicable(facts: CaseFacts) -> Iterator[Finding]:
    """NEC is small-cell or large-cell ("NECs ... include small-cell and large-cell variants")."""
    if facts.differentiation == "poor" and facts.morphology == "not_applicable":
        yield Finding(
            "poor_differentiation_morphology_not_applicable",
            ("differentiation", "morphology"),
            _unusual(
                "differentiation",
                "poor",
                "morphology",
                "not_applicable",
                "a poorly differentiated NEC is small-cell or large-cell; record the variant or leave it unknown",
            ),
        )


@_warning()
def sstr_ihc_vs_sstr_imaging(facts: CaseFacts) -> Iterator[Finding]:
    """SSTR2A immunohistochemistry and SSTR imaging that point opposite ways."""
    pairs = {("negative", "high_homogeneous"), ("diffuse_strong", "negative")}
    if (facts.sstr2a_ihc, facts.sstr_imaging) in pairs:
        yield Finding(
            "sstr_ihc_vs_sstr_imaging",
            ("sstr2a_ihc", "sstr_imaging"),
            _unusual(
                "sstr2a_ihc",
                facts.sstr2a_ihc,
                "sstr_imaging",
                facts.sstr_imaging,
                "receptor staining and receptor imaging disagree; check both (heterogeneity or sampling)",
            ),
        )


# --- Molecular ----------------------------------------------------------------------------------


@_conflict()
def tmb_vs_ngs(facts: CaseFacts) -> Iterator[Finding]:
    """TMB-high is measured by sequencing: not without it (it would open immunotherapy on no result)."""
    if facts.tmb_high and facts.ngs == "not_done":
        yield Finding(
            "tmb_vs_ngs",
            ("ngs", "tmb_high"),
            _pair("ngs", "not_done", "tmb_high", True, "TMB is measured by sequencing"),
        )


@_warning()
def tmb_without_sequencing_result(facts: CaseFacts) -> Iterator[Finding]:
    """A TMB result while sequencing is pending, or "not TMB-high" when it was not done (read as unknown)."""
    pending = facts.tmb_high is not None and facts.ngs == "pending"
    if pending or (facts.tmb_high is False and facts.ngs == "not_done"):
        yield Finding(
            "tmb_without_sequencing_result",
            ("ngs", "tmb_high"),
            _unusual(
                "ngs",
                facts.ngs,
                "tmb_high",
                facts.tmb_high,
                "TMB comes from sequencing; record it as unknown until there is a result",
            ),
        )


# --- Clinical status ----------------------------------------------------------------------------


@_warning()
def carcinoid_without_hormonal_syndrome(facts: CaseFacts) -> Iterator[Finding]:
    """Carcinoid syndrome is a hormone-mediated syndrome."""
    if facts.hormonal_syndrome is False and facts.carcinoid_syndrome_suspected:
        yield Finding(
            "carcinoid_without_hormonal_syndrome",
            ("hormonal_syndrome", "carcinoid_syndrome_suspected"),
            _unusual(
                "hormonal_syndrome",
                False,
                "carcinoid_syndrome_suspected",
                True,
                "carcinoid syndrome is a hormone-mediated syndrome",
            ),
        )


# --- Treatment history --------------------------------------------------------------------------


@_warning()
def resected_although_unresectable(facts: CaseFacts) -> Iterator[Finding]:
    """Resected although recorded as unresectable (possible after neoadjuvant therapy)."""
    if facts.resectable is False and facts.resection_margin in ("R0", "R1", "R2"):
        yield Finding(
            "resected_although_unresectable",
            ("resectable", "resection_margin"),
            _unusual(
                "resectable",
                False,
                "resection_margin",
                facts.resection_margin,
                "a resection is recorded; update resectability if it changed",
            ),
        )


def _lines(facts: CaseFacts) -> Iterator[tuple[str, PriorTherapy]]:
    for index, line in enumerate(facts.prior_systemic_therapy):
        yield f"prior_systemic_therapy[{index}]", line


@_conflict(
    "therapy_progressed_vs_months",
    "therapy_progressed_vs_off_treatment",
    "therapy_progressed_vs_best_response",
)
def therapy_progression(facts: CaseFacts) -> Iterator[Finding]:
    """A line that did not progress has no time to progression, no off-treatment progression, no PD."""
    for where, line in _lines(facts):
        if line.progressed is not False:
            continue
        progressed = f"{where}.progressed"
        if line.months_to_progression is not None:
            name = f"{where}.months_to_progression"
            yield Finding(
                "therapy_progressed_vs_months",
                (progressed, name),
                _pair(progressed, False, name, line.months_to_progression),
            )
        if line.progressed_off_treatment:
            name = f"{where}.progressed_off_treatment"
            yield Finding(
                "therapy_progressed_vs_off_treatment",
                (progressed, name),
                _pair(progressed, False, name, True),
            )
        if line.best_response == "PD":
            name = f"{where}.best_response"
            yield Finding(
                "therapy_progressed_vs_best_response",
                (progressed, name),
                _pair(progressed, False, name, "PD", "PD is progression"),
            )


@_warning()
def therapy_progression_unknown(facts: CaseFacts) -> Iterator[Finding]:
    """Signs of progression on a line whose progressed flag is unknown (the line is not counted)."""
    for where, line in _lines(facts):
        if line.progressed is not None:
            continue
        signs = {
            "months_to_progression": line.months_to_progression,
            "progressed_off_treatment": True if line.progressed_off_treatment else None,
            "best_response": "PD" if line.best_response == "PD" else None,
        }
        for name, value in signs.items():
            if value is not None:
                yield Finding(
                    "therapy_progression_unknown",
                    (f"{where}.progressed", f"{where}.{name}"),
                    _unusual(
                        f"{where}.progressed",
                        None,
                        f"{where}.{name}",
                        value,
                        "the line shows progression but is not counted as progressed; record whether it progressed",
                    ),
                )
                break


@_warning()
def off_treatment_progression_with_pd(facts: CaseFacts) -> Iterator[Finding]:
    """Best response PD yet progression during a planned break."""
    for where, line in _lines(facts):
        if line.best_response == "PD" and line.progressed_off_treatment:
            yield Finding(
                "off_treatment_progression_with_pd",
                (f"{where}.best_response", f"{where}.progressed_off_treatment"),
                _unusual(
                    f"{where}.best_response",
                    "PD",
                    f"{where}.progressed_off_treatment",
                    True,
                    "best response PD means progression on treatment; check both",
                ),
            )


def conflicts(facts: CaseFacts) -> tuple[Finding, ...]:
    """Every pair of facts that cannot both be true."""
    return tuple(finding for check in CONFLICT_RULES for finding in check(facts))


def warnings(facts: CaseFacts) -> tuple[Finding, ...]:
    """Every possible but unusual combination the board should check."""
    return tuple(finding for check in WARNING_RULES for finding in check(facts))


def require_consistent(facts: CaseFacts) -> None:
    """Raise ContradictoryFacts when any two facts contradict each other."""
    found = conflicts(facts)
    if found:
        raise ContradictoryFacts(found)
