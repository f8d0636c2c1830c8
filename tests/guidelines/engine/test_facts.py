"""Case-facts validation and parsing (guidelines/engine/facts.py, contract case-facts/v1).

Contract: bad input gives one message per problem, each starting with the field's name; the engine never
guesses.
"""

import pytest

from guidelines.engine import CaseFacts, FactsError, PriorTherapy, parse_facts, validate_facts

VALID = {"primary_site": "pancreas", "differentiation": "well", "extent": "metastatic", "ki67_percent": 30}


def _with(**changes):
    return {**VALID, **changes}


def test_valid_facts_have_no_problem():
    """A minimal case (the three required fields plus Ki-67) is valid."""
    assert validate_facts(VALID) == []


def test_ki67_above_100():
    """Ki-67 is a percentage."""
    assert validate_facts(_with(ki67_percent=140)) == ["ki67_percent: 140 is greater than the maximum of 100"]


def test_negative_mitoses():
    """A mitotic count cannot be negative."""
    problems = validate_facts(_with(mitoses_per_2mm2=-1))
    assert len(problems) == 1
    assert problems[0].startswith("mitoses_per_2mm2: ")


def test_unknown_primary_site_lists_the_codes():
    """An unknown site is named with the codes the contract accepts."""
    problems = validate_facts(_with(primary_site="lung"))
    assert len(problems) == 1
    assert problems[0].startswith("primary_site: 'lung' is not a known code (expected one of: pancreas, ")
    assert "unknown_primary" in problems[0]


def test_string_for_a_number():
    """Paper: "30" is not a number: no coercion."""
    problems = validate_facts(_with(ki67_percent="30"))
    assert len(problems) == 1
    assert problems[0].startswith("ki67_percent: '30' is not of type")


def test_boolean_is_not_a_number():
    """true is not a Ki-67."""
    problems = validate_facts(_with(ki67_percent=True))
    assert len(problems) == 1
    assert problems[0].startswith("ki67_percent: ")


def test_fraction_for_an_integer():
    """The number of brain metastases is a whole number."""
    problems = validate_facts(_with(brain_metastases_count=1.5))
    assert [problem.split(":")[0] for problem in problems] == ["brain_metastases_count"]


def test_unknown_field():
    """Unknown fields are rejected, one message per field."""
    assert validate_facts(_with(ki67=30, grade="G3")) == ["grade: unknown field", "ki67: unknown field"]


@pytest.mark.parametrize("name", ["primary_site", "differentiation", "extent"])
def test_required_field_missing(name):
    """primary_site, differentiation and extent are required."""
    data = dict(VALID)
    del data[name]
    assert validate_facts(data) == [f"{name}: is required"]


def test_duplicate_metastatic_site():
    """metastatic_sites is a set."""
    problems = validate_facts(_with(metastatic_sites=["liver", "liver"]))
    assert len(problems) == 1
    assert problems[0].startswith("metastatic_sites: ")


@pytest.mark.parametrize("data", [[], "case", 3, None])
def test_not_an_object(data):
    """The case is one JSON object."""
    assert validate_facts(data) == ["(case): expected a JSON object"]


def test_unknown_regimen_code():
    """A prior regimen must be a treatment code of the contract."""
    problems = validate_facts(_with(prior_systemic_therapy=[{"regimen": "folfirinox"}]))
    assert problems == [
        "prior_systemic_therapy[0].regimen: 'folfirinox' is not a treatment code of the contract"
    ]


def test_workup_code_is_not_a_regimen():
    """Only treatment codes may be prior regimens; a work-up code is not one."""
    problems = validate_facts(_with(prior_systemic_therapy=[{"regimen": "ki67_ihc"}]))
    assert problems == [
        "prior_systemic_therapy[0].regimen: 'ki67_ihc' is not a treatment code of the contract"
    ]


def test_nested_prior_therapy_errors_name_the_line_and_field():
    """Problems inside prior_systemic_therapy name the line index and the field."""
    data = _with(
        prior_systemic_therapy=[
            {"regimen": "captem", "best_response": "great", "months_to_progression": -2},
            {"best_response": "PR"},
            {"regimen": "ssa", "dose": 120},
            {"regimen": "nivolumab"},
        ]
    )
    problems = validate_facts(data)
    assert problems[0].startswith("prior_systemic_therapy[0].best_response: 'great' is not a known code")
    assert problems[1].startswith(
        "prior_systemic_therapy[0].months_to_progression: -2 is less than the minimum"
    )
    assert problems[2:] == [
        "prior_systemic_therapy[1].regimen: is required",
        "prior_systemic_therapy[2].dose: unknown field",
        "prior_systemic_therapy[3].regimen: 'nivolumab' is not a treatment code of the contract",
    ]


def test_every_problem_at_once():
    """All problems are reported together, each starting with its field."""
    problems = validate_facts(_with(ki67_percent=140, primary_site="lung", ecog=7, extra=1))
    assert sorted(problem.split(":")[0] for problem in problems) == [
        "ecog",
        "extra",
        "ki67_percent",
        "primary_site",
    ]


def test_parse_facts_raises_with_the_problems():
    """parse_facts never guesses: it raises FactsError carrying every message."""
    with pytest.raises(FactsError) as raised:
        parse_facts(_with(ki67_percent=140, foo=1))
    assert raised.value.problems == [
        "foo: unknown field",
        "ki67_percent: 140 is greater than the maximum of 100",
    ]
    assert str(raised.value) == "\n".join(raised.value.problems)


def test_parse_facts_builds_casefacts():
    """Arrays become tuples, prior lines become PriorTherapy, omitted fields are unknown (None)."""
    case = parse_facts(
        _with(
            metastatic_sites=["liver", "bone"],
            prior_systemic_therapy=[{"regimen": "captem", "best_response": "PR", "progressed": True}],
        )
    )
    assert isinstance(case, CaseFacts)
    assert case.metastatic_sites == ("liver", "bone")
    assert case.prior_systemic_therapy == (PriorTherapy("captem", "PR", True),)
    assert case.mitoses_per_2mm2 is None
    assert case.ki67_percent == 30


def test_to_dict_round_trip():
    """to_dict gives the contract's JSON shape, which parses back to the same facts."""
    case = parse_facts(_with(metastatic_sites=["liver"], prior_systemic_therapy=[{"regimen": "ssa"}]))
    data = case.to_dict()
    assert data["metastatic_sites"] == ["liver"]
    assert data["prior_systemic_therapy"][0]["regimen"] == "ssa"
    assert validate_facts(data) == []
    assert parse_facts(data) == case
