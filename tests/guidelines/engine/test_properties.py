"""Property-based tests over random valid case facts (strategy built from case-facts.schema.json)."""

import json

from hypothesis import given

from guidelines.engine import build_pathway, parse_facts, validate_facts
from guidelines.engine.catalogue import CATALOGUE, STATUSES, STRENGTHS
from tests.guidelines.strategies import PROFILE, raw_facts

OFFERED = {"recommended", "consider"}
NET_ONLY = {"ssa", "prrt", "everolimus", "sunitinib", "surgical_debulking"}


@PROFILE
@given(raw_facts)
def test_generated_facts_are_valid(data):
    """The strategy only produces facts the contract accepts (otherwise the other properties prove
    nothing)."""
    assert validate_facts(data) == []


@PROFILE
@given(raw_facts)
def test_pathway_is_well_formed(data):
    """Never raises; every item is a catalogue code with a contract status and strength, a source and a
    non-empty why; no code twice; only systemic items carry a line (1 or 2). (That the line always matches
    the decision point is in test_disputed.py.)"""
    path = build_pathway(parse_facts(data))
    seen = [rec.code for rec in path.recommendations]
    assert len(seen) == len(set(seen))
    for rec in path.recommendations:
        assert rec.code in CATALOGUE
        assert rec.status in STATUSES
        assert rec.strength in STRENGTHS
        assert rec.source.strip()
        assert rec.why and all(reason.strip() for reason in rec.why)
        if rec.topic == "systemic":
            assert rec.line in (1, 2), rec.code
        else:
            assert rec.line is None, rec.code
    progressed = sum(1 for line in data.get("prior_systemic_therapy", []) if line.get("progressed"))
    if progressed:
        assert (path.decision_point.code, path.decision_point.line) == ("after_progression", progressed + 1)
    else:
        assert path.decision_point.line == 1


@PROFILE
@given(raw_facts)
def test_to_dict_is_json(data):
    """The Pathway v1 dict survives json.dumps/loads unchanged and names the contract."""
    out = build_pathway(parse_facts(data)).to_dict()
    assert json.loads(json.dumps(out)) == out
    assert out["contract"] == "pathway/v1"
    assert out["classification"]["code"] in ("g3_net", "nec", "high_grade_indeterminate", "not_high_grade")


@PROFILE
@given(raw_facts)
def test_nec_is_never_offered_net_only_therapies(data):
    """Paper: "we do not recommend SSAs for tumor control in NEC"; "no data to support the use of PRRT in
    NEC"; everolimus and sunitinib "are not approved for treatment of NEC"; "no role for surgical debulking of
    patients with metastatic NEC"."""
    path = build_pathway(parse_facts(data))
    if path.classification.code == "nec":
        offered = {rec.code for rec in path.recommendations if rec.status in OFFERED}
        assert not offered & NET_ONLY


@PROFILE
@given(raw_facts)
def test_no_front_line_platinum_for_g3_net_below_ki67_55(data):
    """Paper: "G3 NET with Ki-67 <55-60% ... the majority of the panel felt that this was not an appropriate
    front-line chemotherapy regimen"."""
    path = build_pathway(parse_facts(data))
    ki67 = data.get("ki67_percent")
    if path.classification.code == "g3_net" and ki67 is not None and ki67 < 55:
        for rec in path.recommendations:
            if rec.code == "platinum_etoposide" and rec.line == 1:
                assert rec.status == "not_recommended"


@PROFILE
@given(raw_facts)
def test_not_high_grade_gets_no_treatment(data):
    """G1/G2 NETs are outside the high-grade recommendations: no treatment item is offered."""
    path = build_pathway(parse_facts(data))
    if path.classification.code == "not_high_grade":
        assert not [rec for rec in path.recommendations if rec.category == "treatment"]


@PROFILE
@given(raw_facts)
def test_parse_facts_round_trip(data):
    """parse_facts(facts.to_dict()) == facts."""
    case = parse_facts(data)
    assert parse_facts(case.to_dict()) == case
    assert parse_facts(json.loads(json.dumps(case.to_dict()))) == case
