"""Consistency of case facts (guidelines/engine/consistency.py): contradictions refused, oddities warned."""

from pathlib import Path

import pytest
from hypothesis import given

from guidelines.engine import ContradictoryFacts, FactsError, build_pathway, parse_facts
from guidelines.engine.consistency import CONFLICT_CODES, WARNING_CODES, conflicts, warnings
from tests.guidelines.factories import CERVIX_NEC, LOCALIZED_NEC, LOCALIZED_NET, NEC, facts, prior
from tests.guidelines.strategies import PROFILE, any_raw_facts

TRACEABILITY = Path(__file__).resolve().parents[3] / "docs" / "traceability.md"

# rule code -> facts that break exactly that rule (and no other).
CONFLICTS = {
    "extent_vs_metastatic_sites": facts(LOCALIZED_NEC, metastatic_sites=("liver", "bone")),
    "extent_vs_brain_metastases": facts(LOCALIZED_NEC, brain_metastases_count=4),
    "liver_dominant_vs_extent": facts(LOCALIZED_NET, liver_dominant=True),
    "brain_site_vs_brain_count": facts(NEC, metastatic_sites=("liver", "brain"), brain_metastases_count=0),
    "figo_stage_vs_primary_site": facts(LOCALIZED_NET, figo_stage="IB1"),
    "figo_stage_vs_extent": facts(CERVIX_NEC, figo_stage="IVB"),
    "figo_stage_vs_tumor_size": facts(CERVIX_NEC, figo_stage="IB1", tumor_size_cm=5),
    "pancreatic_location_vs_primary_site": facts(NEC, pancreatic_location="head"),
    "tmb_vs_ngs": facts(NEC, ngs="not_done", tmb_high=True),
    "therapy_progressed_vs_months": facts(
        NEC, prior_systemic_therapy=[prior("platinum_etoposide", progressed=False, months_to_progression=3)]
    ),
    "therapy_progressed_vs_off_treatment": facts(
        NEC,
        prior_systemic_therapy=[prior("platinum_etoposide", progressed=False, progressed_off_treatment=True)],
    ),
    "therapy_progressed_vs_best_response": facts(
        NEC, prior_systemic_therapy=[prior("platinum_etoposide", progressed=False, best_response="PD")]
    ),
}

WARNINGS = {
    "liver_dominant_without_liver_site": facts(metastatic_sites=("bone",), liver_dominant=True),
    "brain_count_without_brain_site": facts(NEC, metastatic_sites=("liver",), brain_metastases_count=2),
    "high_burden_without_metastases": facts(LOCALIZED_NET, high_systemic_burden=True),
    "figo_stage_vs_extent_grouping": facts(CERVIX_NEC, figo_stage="IIIB"),
    "figo_ia_large_tumor": facts(CERVIX_NEC, figo_stage="IA2", tumor_size_cm=2.5),
    "figo_ia_with_deep_stromal_invasion": facts(
        CERVIX_NEC, figo_stage="IA1", tumor_size_cm=0.5, deep_stromal_invasion=True
    ),
    "figo_stage_at_diagnosis_with_distant_disease": facts(
        CERVIX_NEC, figo_stage="IB2", tumor_size_cm=3, extent="metastatic", metastatic_sites=("lung",)
    ),
    "stromal_invasion_outside_gynecologic": facts(LOCALIZED_NET, deep_stromal_invasion=True),
    "poor_differentiation_morphology_not_applicable": facts(NEC, morphology="not_applicable"),
    "sstr_ihc_vs_sstr_imaging": facts(sstr2a_ihc="negative", sstr_imaging="high_homogeneous"),
    "tmb_without_sequencing_result": facts(NEC, ngs="pending", tmb_high=False),
    "carcinoid_without_hormonal_syndrome": facts(hormonal_syndrome=False, carcinoid_syndrome_suspected=True),
    "resected_although_unresectable": facts(LOCALIZED_NET, resectable=False, resection_margin="R0"),
    "therapy_progression_unknown": facts(
        NEC, prior_systemic_therapy=[prior("platinum_etoposide", progressed=None, months_to_progression=4)]
    ),
    "off_treatment_progression_with_pd": facts(
        NEC,
        prior_systemic_therapy=[
            prior("platinum_etoposide", best_response="PD", progressed_off_treatment=True)
        ],
    ),
}


@pytest.mark.parametrize("rule", sorted(CONFLICTS))
def test_each_contradiction_is_refused_naming_both_fields(rule):
    """Each contradiction stops the engine with one line naming both fields."""
    case = CONFLICTS[rule]
    found = conflicts(case)
    assert [finding.rule for finding in found] == [rule]
    first, second = found[0].fields
    assert found[0].message.startswith(f"{first}: ")
    assert f" {second}: " in found[0].message
    with pytest.raises(ContradictoryFacts) as refused:
        build_pathway(case)
    assert refused.value.problems == [found[0].message]


@pytest.mark.parametrize("rule", sorted(WARNINGS))
def test_each_unusual_combination_is_planned_with_a_warning(rule):
    """An unusual combination does not stop the engine; the pathway carries the warning."""
    case = WARNINGS[rule]
    assert conflicts(case) == ()
    path = build_pathway(case)
    assert [warning.rule for warning in path.warnings] == [rule]
    first, second = path.warnings[0].fields
    assert first in path.warnings[0].message and second in path.warnings[0].message
    assert path.to_dict()["warnings"] == [
        {"code": rule, "fields": [first, second], "message": path.warnings[0].message}
    ]


def test_every_rule_has_an_example_here():
    """No rule without a test: the examples above cover every conflict and warning rule."""
    found = set()
    for case in [*CONFLICTS.values(), *WARNINGS.values()]:
        found |= {finding.rule for finding in conflicts(case) + warnings(case)}
    assert found == set(CONFLICTS) | set(WARNINGS)
    assert CONFLICT_CODES == set(CONFLICTS)
    assert WARNING_CODES == set(WARNINGS)


@pytest.mark.parametrize("rule", sorted([*CONFLICTS, *WARNINGS]))
def test_every_rule_is_listed_in_the_traceability_matrix(rule):
    """docs/traceability.md lists every consistency rule with its test."""
    assert f"`{rule}`" in TRACEABILITY.read_text(encoding="utf-8")


def test_issue_examples_read_as_the_issue_asks():
    """One line naming both fields and the conflict, as in the issue."""
    [finding] = conflicts(CONFLICTS["extent_vs_metastatic_sites"])
    assert finding.message == "extent: localized contradicts metastatic_sites: liver, bone"


def test_pancreatic_figo_ivb_marked_localized_is_refused_twice_over():
    """FIGO on a pancreatic primary is refused; the engine never turns it into a metastatic plan."""
    case = facts(LOCALIZED_NET, figo_stage="IVB")
    assert [finding.rule for finding in conflicts(case)] == ["figo_stage_vs_primary_site"]


def test_not_tmb_high_without_sequencing_is_a_warning_and_tmb_high_a_conflict():
    """TMB-high with no sequencing would open immunotherapy on no result; "not high" is read as unknown."""
    assert [f.rule for f in warnings(facts(NEC, ngs="not_done", tmb_high=False))] == [
        "tmb_without_sequencing_result"
    ]
    assert conflicts(facts(NEC, ngs="not_done", tmb_high=False)) == ()
    assert [f.rule for f in conflicts(facts(NEC, ngs="not_done", tmb_high=True))] == ["tmb_vs_ngs"]


def test_a_distant_recurrence_of_an_early_cervical_nec_is_planned_not_refused():
    """Paper: "Patients with stage IA2-IB2 disease who recur will have a distant component 86% of the time":
    the FIGO stage stays as given at diagnosis; with distant sites on record the metastatic plan applies."""
    case = facts(
        CERVIX_NEC,
        figo_stage="IB2",
        tumor_size_cm=3,
        extent="metastatic",
        metastatic_sites=("lung",),
        resection_margin="R0",
        prior_systemic_therapy=[
            prior(
                "platinum_etoposide",
                best_response="CR",
                progressed_off_treatment=True,
                months_to_progression=10,
            )
        ],
    )
    path = build_pathway(case)
    assert path.followup.kind == "monitoring"
    assert [warning.rule for warning in path.warnings] == ["figo_stage_at_diagnosis_with_distant_disease"]
    assert path.get("radical_hysterectomy") is None


def test_figo_iva_marked_metastatic_without_sites_is_refused():
    """FIGO IVA is pelvic disease: 'metastatic' extent contradicts it (no 'stage IVB' label for it)."""
    case = facts(CERVIX_NEC, figo_stage="IVA", extent="metastatic")
    [finding] = conflicts(case)
    assert finding.message.startswith("extent: metastatic contradicts figo_stage: IVA")


@pytest.mark.parametrize(
    ("stage", "size", "refused"),
    [
        ("IB1", 1.9, False),
        ("IB1", 2, True),
        ("IB2", 2, False),
        ("IB2", 3.9, False),
        ("IB2", 4, True),
        ("IB3", 4, False),
        ("IB3", 3.5, True),
        ("IIA1", 4.5, True),
        ("IIA2", 4.5, False),
        ("IA1", 4.2, False),
    ],
)
def test_figo_size_bounds(stage, size, refused):
    """FIGO 2018: IB1 < 2 cm, IB2 2 to < 4 cm, IB3 >= 4 cm; IA is defined by depth only (a warning)."""
    extent = "localized" if stage in ("IA1", "IB1", "IB2") else "locally_advanced"
    case = facts(CERVIX_NEC, figo_stage=stage, extent=extent, tumor_size_cm=size)
    assert bool(conflicts(case)) is refused


def test_parse_facts_refuses_a_contradiction_like_a_schema_error():
    """parse_facts (command, import, web) refuses contradictions with the same one-line messages."""
    data = {**LOCALIZED_NEC, "metastatic_sites": ["liver", "bone"]}
    with pytest.raises(FactsError) as refused:
        parse_facts(data)
    assert refused.value.problems == ["extent: localized contradicts metastatic_sites: liver, bone"]


@PROFILE
@given(any_raw_facts)
def test_schema_valid_facts_are_planned_or_refused_never_crash(data):
    """Any schema-valid facts: a pathway when consistent, else ContradictoryFacts naming fields."""
    try:
        case = parse_facts(data)
    except ContradictoryFacts as refused:
        assert refused.problems
        assert all(": " in problem and " contradicts " in problem for problem in refused.problems)
        return
    path = build_pathway(case)
    assert all(warning.message for warning in path.warnings)
