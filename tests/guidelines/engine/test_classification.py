"""Classification (guidelines/engine/classification.py): grade, differentiation, G3 NET vs NEC.

Source: Initial assessment > Pathology (Definition and WHO criteria; Immunohistochemistry;
G3 NET vs NEC - molecular considerations).
"""

import pytest

from guidelines.engine.classification import classify, grade_basis
from tests.guidelines.factories import NEC, codes, facts, item, offered_treatments, pathway, status


@pytest.mark.parametrize(
    ("ki67", "mitoses", "basis"),
    [
        (21, None, ("ki67",)),
        (20.5, None, ("ki67",)),
        (10, 21, ("mitoses",)),
        (None, 25, ("mitoses",)),
        (45, 30, ("ki67", "mitoses")),
    ],
)
def test_high_grade_when_ki67_or_mitoses_exceed_20(ki67, mitoses, basis):
    """Paper: "Diagnostic criteria for G3 NENs require a Ki-67 proliferation index > 20% and/or mitotic count
    > 20 per 2 mm2"."""
    case = facts(ki67_percent=ki67, mitoses_per_2mm2=mitoses)
    assert grade_basis(case) == basis
    result = classify(case)
    assert result.code == "g3_net"
    assert result.grade_basis == basis


@pytest.mark.parametrize(("ki67", "mitoses"), [(20, None), (20, 20), (None, 20), (12, 4), (0, 0)])
def test_exactly_20_is_not_high_grade(ki67, mitoses):
    """The WHO thresholds are strict: "Ki-67 ... > 20% and/or mitotic count > 20 per 2 mm2"; a
    well-differentiated NET at exactly 20 is G2, outside these recommendations."""
    result = classify(facts(ki67_percent=ki67, mitoses_per_2mm2=mitoses))
    assert result.code == "not_high_grade"
    assert result.grade_basis == ()


@pytest.mark.parametrize("ki67", [56, 80, 95])
def test_high_ki67_alone_does_not_make_a_well_differentiated_tumour_nec(ki67):
    """Paper: "the ranges are overlapping such that Ki-67 should not be used alone in the distinction of these
    two tumor types"; G3 NET "is made predominantly based on morphology"."""
    assert classify(facts(ki67_percent=ki67)).code == "g3_net"


@pytest.mark.parametrize("ki67", [25, 40])
def test_low_high_grade_ki67_alone_does_not_make_a_poorly_differentiated_tumour_g3_net(ki67):
    """Paper: "Ki-67 should not be used alone in the distinction of these two tumor types": a poorly
    differentiated carcinoma with Ki-67 25-40% is still a NEC."""
    assert classify(facts(NEC, ki67_percent=ki67)).code == "nec"


def test_indeterminate_morphology_with_very_high_ki67_stays_unresolved():
    """Paper: "Ki-67 should not be used alone in the distinction": ambiguous morphology with Ki-67 90% is not
    classified NEC on Ki-67 alone."""
    result = classify(facts(differentiation="indeterminate", ki67_percent=90))
    assert result.code == "high_grade_indeterminate"


def test_lower_grade_component_confirms_g3_net_when_morphology_is_ambiguous():
    """Paper: "The presence of a lower grade (i.e. G1/2) NET component confirms the diagnosis of G3 NET"."""
    result = classify(facts(differentiation="indeterminate", ki67_percent=60, lower_grade_component=True))
    assert result.code == "g3_net"


def test_lower_grade_component_in_a_tumour_reported_poorly_differentiated_is_never_called_nec():
    """A lower-grade component "confirms the diagnosis of G3 NET": a report of poor differentiation
    that contradicts it must not lead to a NEC pathway; expert review is asked for."""
    path = pathway(NEC, lower_grade_component=True)
    assert path.classification.code != "nec"
    assert "discordant" in path.classification.flags
    assert status(path, "expert_pathology_review") == "recommended"


def test_minen_component_supports_nec_when_morphology_is_ambiguous():
    """Paper: "a concurrent non-NEC component strongly supports a diagnosis of NEC" (mixed
    neuroendocrine-nonneuroendocrine neoplasm)."""
    result = classify(
        facts(differentiation="indeterminate", ki67_percent=60, non_neuroendocrine_component=True)
    )
    assert result.code == "nec"


def test_minen_component_in_a_well_differentiated_tumour_is_contradictory():
    """A non-neuroendocrine component "strongly supports a diagnosis of NEC", which contradicts a
    well-differentiated report: not treated as a G3 NET."""
    result = classify(facts(ki67_percent=40, non_neuroendocrine_component=True))
    assert result.code == "high_grade_indeterminate"
    assert "discordant" in result.flags


@pytest.mark.parametrize(
    ("p53", "rb"), [("aberrant", "retained"), ("wild_type", "lost"), ("aberrant", "lost")]
)
def test_p53_rb_support_but_do_not_diagnose_nec(p53, rb):
    """Paper: "mutant-pattern p53 staining ... and/or Rb loss being supportive of but not diagnostic for the
    diagnosis of NEC"; "Mutant-pattern p53 staining and/or Rb loss generally support a diagnosis of NEC over
    G3 NET": neither ambiguous nor well-differentiated morphology becomes NEC, both stay unresolved, and only
    a lower-grade component ("confirms the diagnosis of G3 NET") keeps a flagged G3 NET."""
    ambiguous = classify(facts(differentiation="indeterminate", ki67_percent=50, p53_ihc=p53, rb_ihc=rb))
    assert ambiguous.code == "high_grade_indeterminate"
    well = classify(facts(ki67_percent=50, p53_ihc=p53, rb_ihc=rb))
    assert well.code == "high_grade_indeterminate"
    assert {"ihc_supports_nec", "discordant"} <= set(well.flags)
    confirmed = classify(facts(ki67_percent=50, p53_ihc=p53, rb_ihc=rb, lower_grade_component=True))
    assert confirmed.code == "g3_net"
    assert {"ihc_supports_nec", "discordant"} <= set(confirmed.flags)


def test_well_differentiated_with_p53_rb_loss_asks_for_fdg_and_review():
    """Paper: "FDG-PET is indicated if there is a lack of clarity between G3 NET and NEC"; p53/Rb support NEC,
    so a well-differentiated tumour with aberrant p53 is a case of unclear type."""
    path = pathway(ki67_percent=50, p53_ihc="aberrant", rb_ihc="lost")
    assert status(path, "fdg_pet") == "recommended"
    assert status(path, "expert_pathology_review") == "recommended"
    assert status(path, "ihc_p53_rb") == "recommended"


def test_poorly_differentiated_with_low_indices_is_discordant():
    """G3 NENs "require a Ki-67 proliferation index > 20% and/or mitotic count > 20 per 2 mm2 though the
    vast majority of NECs well exceed these thresholds": a 'NEC' with Ki-67 15% and 5 mitoses is
    contradictory and not treated as NEC."""
    result = classify(facts(NEC, ki67_percent=15, mitoses_per_2mm2=5))
    assert result.code == "high_grade_indeterminate"
    assert "discordant" in result.flags


def test_poorly_differentiated_without_indices_is_nec():
    """NECs "are poorly differentiated and include small-cell and large-cell variants"; Ki-67 "may be
    useful in NEC, as it is predictive and prognostic" but poor differentiation alone makes the NEC."""
    path = pathway(NEC, ki67_percent=None)
    assert path.classification.code == "nec"
    assert item(path, "ki67_ihc").done is False


def test_well_differentiated_without_any_index_is_not_graded():
    """Paper: "Ki-67 IHC is mandatory for the grading of extra-pulmonary NET": without Ki-67 or mitoses the
    grade is not established."""
    path = pathway(ki67_percent=None)
    assert path.classification.code == "high_grade_indeterminate"
    assert "grade_unknown" in path.classification.flags
    assert item(path, "ki67_ihc").status == "recommended"
    assert item(path, "ki67_ihc").done is False
    assert "ki67_percent" in {missing.field for missing in path.missing}


def test_g1_g2_is_outside_the_recommendations_and_gets_no_treatment():
    """The paper covers high-grade NENs (Ki-67 > 20% and/or mitoses > 20); a G2 NET gets no treatment
    item, only review of the grade."""
    path = pathway(ki67_percent=12, mitoses_per_2mm2=4)
    assert path.classification.code == "not_high_grade"
    assert offered_treatments(path) == set()
    assert {rec.code for rec in path.recommendations} == {"expert_pathology_review", "mdt_review"}
    assert not any(rec.category == "treatment" for rec in path.recommendations)


def test_unresolved_differentiation_gets_no_systemic_treatment():
    """Paper: "The first step to a successful treatment strategy is a strong pathologic evaluation, allowing
    for the confident interpretation of tumor grade and differentiation": while G3 NET vs NEC is unsettled,
    no G3 NET- or NEC-specific systemic therapy is offered."""
    path = pathway(differentiation="indeterminate", ki67_percent=60)
    assert path.classification.code == "high_grade_indeterminate"
    systemic = {
        rec.code
        for rec in path.recommendations
        if rec.topic == "systemic" and rec.status != "not_recommended"
    }
    assert systemic == set()
    assert status(path, "expert_pathology_review") == "recommended"
    assert status(path, "fdg_pet") == "recommended"
    assert "ihc_p53_rb" in codes(path)
