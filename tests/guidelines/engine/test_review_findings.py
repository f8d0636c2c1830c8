"""Statements an independent review of the engine against the paper found mis-encoded (now fixed).

Each test quotes the paper or the contract; they failed before the fixes in the engine.
"""

from hypothesis import given

from guidelines.engine import build_pathway, parse_facts
from tests.guidelines.factories import LOCALIZED_NEC, NEC, item, offered, pathway, prior
from tests.guidelines.strategies import PROFILE, raw_facts


def test_hormone_levels_throughout_treatment_for_nec_with_a_syndrome():
    """Paper: "For patients with a clinical hormonal syndrome, there was consensus that hormone levels
    tailored to the patient's symptoms should be checked at diagnosis and throughout their treatment course";
    "Initial and subsequent biomarker assessments should only be conducted for patients with a
    hormone-mediated clinical syndrome". Neither sentence limits this to G3 NET: a NEC with a hormonal
    syndrome that progressed is still in its treatment course (the engine lists hormone levels at
    progression for G3 NET only)."""
    path = pathway(
        NEC, hormonal_syndrome=True, prior_systemic_therapy=[prior("platinum_etoposide", best_response="SD")]
    )
    rec = item(path, "hormone_levels")
    assert rec.status == "recommended"
    assert rec.strength == "consensus"


def test_brain_mri_for_symptoms_is_not_a_recorded_vote():
    """The consensus vote concerns the negative statement: "routine brain imaging is not indicated for
    asymptomatic patients with NEC or in those with a low volume of systemic disease (consensus)". The
    positive statement "CNS imaging is indicated in symptomatic patients" is in the summary without a vote,
    so its strength is `not_voted` (contract: "the panel's vote as the paper reports it")."""
    for preset in ({}, NEC):
        rec = item(pathway(preset, cns_symptoms=True), "brain_mri")
        assert rec.status == "recommended"
        assert rec.strength == "not_voted"


def test_localized_nec_progressing_on_platinum_is_not_offered_platinum_again():
    """Paper: "There was consensus from the group that retreatment with platinum-based therapy can be
    considered in patients who experience a durable response to therapy and progression during a break from
    treatment"; "Depending on the timeline, re-treatment with platinum and etoposide is an option". A
    localized NEC that progressed on platinum/etoposide, with no response and no break, is not a candidate
    for platinum/etoposide again (the engine re-runs the initial localized-NEC rules)."""
    path = pathway(
        LOCALIZED_NEC,
        prior_systemic_therapy=[
            prior("platinum_etoposide", best_response="PD", progressed_off_treatment=False)
        ],
    )
    assert path.decision_point.code == "after_progression"
    assert not offered(path, "platinum_etoposide")
    assert not offered(path, "definitive_chemoradiation")


def test_localized_nec_after_progression_systemic_items_are_second_line():
    """Contract: "`line`: 1 front-line, 2 second-line and later" and `decision_point.line` = lines
    progressed on + 1. After a progression every systemic item is second line; the localized-NEC rule
    hard-codes line 1 for platinum/etoposide and carboplatin/paclitaxel."""
    path = pathway(
        LOCALIZED_NEC,
        etoposide_unsuitable=True,
        prior_systemic_therapy=[prior("folfiri", best_response="SD")],
    )
    assert path.decision_point.line == 2
    systemic = {rec.code: rec.line for rec in path.recommendations if rec.topic == "systemic"}
    assert systemic
    assert set(systemic.values()) == {2}, systemic


@PROFILE
@given(raw_facts)
def test_systemic_items_carry_the_line_of_the_decision_point(data):
    """Contract: systemic items carry `line` 1 at the front line and 2 after any progression; work-up and
    local items carry none. (Falsified by localized/locally advanced NEC after progression.)"""
    path = build_pathway(parse_facts(data))
    expected = 1 if path.decision_point.line == 1 else 2
    for rec in path.recommendations:
        assert rec.line == (expected if rec.topic == "systemic" else None), rec.code
