"""Grade and differentiation: G3 NET, NEC, indeterminate, or outside these recommendations."""

from __future__ import annotations

from guidelines.engine.facts import CaseFacts
from guidelines.engine.pathway import Classification

G3_NET = "g3_net"
NEC = "nec"
INDETERMINATE = "high_grade_indeterminate"
NOT_HIGH_GRADE = "not_high_grade"

# WHO 2019 (Initial assessment > Pathology > Definition and WHO criteria): high grade when
# Ki-67 > 20% and/or mitoses > 20 per 2 mm2.
HIGH_GRADE_THRESHOLD = 20


def grade_basis(facts: CaseFacts) -> tuple[str, ...]:
    """Which proliferation index makes the tumour high grade (empty when none does)."""
    basis = []
    if facts.ki67_percent is not None and facts.ki67_percent > HIGH_GRADE_THRESHOLD:
        basis.append("ki67")
    if facts.mitoses_per_2mm2 is not None and facts.mitoses_per_2mm2 > HIGH_GRADE_THRESHOLD:
        basis.append("mitoses")
    return tuple(basis)


def _ihc_supports_nec(facts: CaseFacts) -> bool:
    return facts.p53_ihc == "aberrant" or facts.rb_ihc == "lost"


def _nec_morphology(facts: CaseFacts) -> bool:
    """Small-cell or large-cell morphology: "NECs are poorly differentiated and include small-cell and
    large-cell variants" (Initial assessment > Pathology > Definition and WHO criteria)."""
    return facts.morphology in ("small_cell", "large_cell")


def _ihc_supports_net(facts: CaseFacts) -> bool:
    return facts.p53_ihc == "wild_type" and facts.rb_ihc == "retained"


def classify(facts: CaseFacts) -> Classification:
    """Classify one case the way Initial assessment > Pathology describes it."""
    basis = grade_basis(facts)
    indices_known = facts.ki67_percent is not None or facts.mitoses_per_2mm2 is not None
    notes: list[str] = []
    flags: list[str] = []

    if facts.lower_grade_component:
        flags.append("lower_grade_component")
    if facts.non_neuroendocrine_component:
        flags.append("non_neuroendocrine_component")
    if _ihc_supports_nec(facts):
        flags.append("ihc_supports_nec")
    if facts.sstr2a_ihc == "diffuse_strong":
        flags.append("sstr2a_diffuse_strong")

    low_grade_morphology_possible = not _nec_morphology(facts) and (
        facts.differentiation == "well"
        or (facts.differentiation == "indeterminate" and not facts.non_neuroendocrine_component)
    )
    if low_grade_morphology_possible and indices_known and not basis:
        notes.append(
            "Ki-67 <= 20% and mitoses <= 20 per 2 mm2 without poorly differentiated morphology (G1/G2 NET): "
            "outside these recommendations. Confirm the grade; manage as a low-grade NET."
        )
        if facts.ki67_percent is None or facts.mitoses_per_2mm2 is None:
            notes.append("Only one proliferation index is recorded; the other could still raise the grade.")
        return Classification(NOT_HIGH_GRADE, basis, tuple(notes), tuple(flags))

    if facts.differentiation == "poor":
        return _classify_poorly_differentiated(facts, basis, indices_known, notes, flags)
    if facts.differentiation == "well":
        return _classify_well_differentiated(facts, basis, indices_known, notes, flags)
    return _classify_indeterminate(facts, basis, indices_known, notes, flags)


def _classify_poorly_differentiated(
    facts: CaseFacts, basis: tuple[str, ...], indices_known: bool, notes: list[str], flags: list[str]
) -> Classification:
    if facts.lower_grade_component:
        flags.append("discordant")
        notes.append(
            "Reported poorly differentiated, yet a G1/G2 NET component confirms G3 NET: contradictory; "
            "expert pathology review before treatment."
        )
        return Classification(INDETERMINATE, basis, tuple(notes), tuple(flags))
    if indices_known and not basis:
        flags.append("discordant")
        notes.append(
            "Reported poorly differentiated, yet Ki-67 <= 20% and mitoses <= 20 per 2 mm2: NEC is high "
            "grade by definition, so the findings disagree; expert pathology review."
        )
        return Classification(INDETERMINATE, basis, tuple(notes), tuple(flags))
    notes.append(
        "Poorly differentiated neuroendocrine carcinoma (small-cell or large-cell): high grade by definition."
    )
    if not indices_known:
        notes.append("No Ki-67 recorded: Ki-67 is predictive and prognostic in NEC.")
    if facts.non_neuroendocrine_component:
        notes.append("A non-neuroendocrine component (MiNEN) strongly supports NEC.")
    if _ihc_supports_nec(facts):
        notes.append("Mutant-pattern p53 and/or Rb loss support NEC.")
    if facts.sstr2a_ihc == "diffuse_strong":
        notes.append("Diffuse strong SSTR2A favours NET, though up to one-third of NECs stain strongly.")
    return Classification(NEC, basis, tuple(notes), tuple(flags))


def _classify_well_differentiated(
    facts: CaseFacts, basis: tuple[str, ...], indices_known: bool, notes: list[str], flags: list[str]
) -> Classification:
    if not indices_known:
        flags.append("grade_unknown")
        notes.append(
            "Well differentiated but neither Ki-67 nor mitoses recorded: the grade is not established. "
            "Ki-67 IHC is mandatory for grading."
        )
        return Classification(INDETERMINATE, basis, tuple(notes), tuple(flags))
    if facts.non_neuroendocrine_component and not facts.lower_grade_component:
        flags.append("discordant")
        notes.append(
            "Reported well differentiated, yet a non-neuroendocrine component strongly supports NEC: "
            "contradictory; expert pathology review."
        )
        return Classification(INDETERMINATE, basis, tuple(notes), tuple(flags))
    if _nec_morphology(facts):
        # A small-/large-cell variant is by definition a poorly differentiated NEC: the record contradicts
        # itself, whatever else it holds (a lower-grade component cannot settle that).
        flags.append("discordant")
        notes.append(
            f"Reported well differentiated, yet {str(facts.morphology).replace('_', '-')} morphology is a NEC "
            "variant: contradictory; expert pathology review and FDG-PET before treatment."
        )
        return Classification(INDETERMINATE, basis, tuple(notes), tuple(flags))
    if _ihc_supports_nec(facts) and not facts.lower_grade_component:
        # "Generally support a diagnosis of NEC over G3 NET": against a morphology-only G3 NET diagnosis the
        # type is unsettled, so no G3 NET-only advice (e.g. against platinum) is given.
        flags.append("discordant")
        notes.append(
            "Reported well differentiated, yet mutant-pattern p53 and/or Rb loss generally support NEC over "
            "G3 NET: G3 NET vs NEC unsettled; expert pathology review and FDG-PET before treatment."
        )
        return Classification(INDETERMINATE, basis, tuple(notes), tuple(flags))
    notes.append("Well-differentiated high-grade NET (G3): diagnosis made predominantly on morphology.")
    if facts.lower_grade_component:
        notes.append("A lower-grade (G1/G2) NET component confirms G3 NET.")
    if _ihc_supports_nec(facts):
        flags.append("discordant")
        notes.append(
            "Mutant-pattern p53 and/or Rb loss support NEC (supportive, not diagnostic), but the lower-grade "
            "component confirms G3 NET: expert pathology review and FDG-PET; G3 NET-only advice against "
            "platinum is not applied."
        )
    if facts.ki67_percent is not None and facts.ki67_percent >= 55:
        notes.append("Ki-67 >= 55%: Ki-67 alone does not separate G3 NET from NEC (ranges overlap).")
    return Classification(G3_NET, basis, tuple(notes), tuple(flags))


def _classify_indeterminate(
    facts: CaseFacts, basis: tuple[str, ...], indices_known: bool, notes: list[str], flags: list[str]
) -> Classification:
    if indices_known and not basis:
        # Only reached with a non-neuroendocrine component or small-/large-cell morphology (NEC features)
        # alongside low indices.
        flags.append("discordant")
        feature = (
            f"{facts.morphology.replace('_', '-')} morphology"
            if facts.morphology in ("small_cell", "large_cell")
            else "a non-neuroendocrine component"
        )
        notes.append(f"NEC features ({feature}) with Ki-67 <= 20% and mitoses <= 20 per 2 mm2: unresolved.")
        return Classification(INDETERMINATE, basis, tuple(notes), tuple(flags))
    if not indices_known:
        flags.append("grade_unknown")
        notes.append(
            "Differentiation indeterminate and neither Ki-67 nor mitoses recorded: grade and type are not "
            "established. Ki-67 IHC is mandatory for grading."
        )
        return Classification(INDETERMINATE, basis, tuple(notes), tuple(flags))
    if facts.lower_grade_component and not facts.non_neuroendocrine_component:
        notes.append("Morphology indeterminate; a lower-grade (G1/G2) NET component confirms G3 NET.")
        return Classification(G3_NET, basis, tuple(notes), tuple(flags))
    if facts.non_neuroendocrine_component and not facts.lower_grade_component:
        notes.append(
            "Morphology indeterminate; a non-neuroendocrine component (MiNEN) strongly supports NEC."
        )
        return Classification(NEC, basis, tuple(notes), tuple(flags))
    if facts.lower_grade_component and facts.non_neuroendocrine_component:
        flags.append("discordant")
        notes.append("Both a lower-grade NET component and a non-neuroendocrine component: contradictory.")
    notes.append(
        "Differentiation indeterminate: G3 NET vs NEC is not settled. Ki-67 should not be used alone to "
        "separate them; p53/Rb IHC, expert review and FDG-PET help."
    )
    if _ihc_supports_nec(facts):
        notes.append("Mutant-pattern p53 and/or Rb loss support NEC (supportive, not diagnostic).")
    elif _ihc_supports_net(facts):
        notes.append("Wild-type p53 with retained Rb is the pattern of G3 NET (not diagnostic alone).")
    return Classification(INDETERMINATE, basis, tuple(notes), tuple(flags))
