"""Fuzzing `manage.py pathway` in-process (issue 12 part 2): exit 0 with a Pathway, or exit 2 with messages.

Two sources: arbitrary input (JSON values of every kind, text that is not JSON, deep nesting, huge numbers,
bytes that are not UTF-8), and schema-shaped facts with wrong parts, where the broken fields must be named.
`make test` runs a few hundred examples; `make fuzz` sets PATHWAY_FUZZ_EXAMPLES (see the Makefile).
"""

import json
import os
import time
from collections import Counter

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from guidelines.engine.catalogue import CATALOGUE, TREATMENT_CODES
from guidelines.engine.facts import SCHEMA
from tests.guidelines.management.test_pathway_command import Outcome, call_pathway
from tests.guidelines.strategies import prior_lines, raw_facts

EXAMPLES = int(os.environ.get("PATHWAY_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
PROPERTIES = SCHEMA["properties"]
THERAPY = PROPERTIES["prior_systemic_therapy"]["items"]["properties"]
FIELD_NAMES = sorted(PROPERTIES)

# The contract's vocabularies (docs/spec/pathway-contract.md), written out so as not to echo the engine.
CLASSIFICATIONS = {"g3_net", "nec", "high_grade_indeterminate", "not_high_grade"}
SITE_GROUPS = {"pancreatic", "gastrointestinal", "gynecologic", "unknown"}
SETTINGS = {"localized", "locally_advanced", "metastatic"}
DECISION_POINTS = {"initial", "after_resection", "after_progression"}
CATEGORIES = {"workup", "treatment", "supportive", "trial"}
STATUSES = {"recommended", "consider", "not_recommended"}
STRENGTHS = {"consensus", "majority", "lack_of_consensus", "not_voted"}
FOLLOWUP_KINDS = {"surveillance", "monitoring"}


# --- the check every run must pass ------------------------------------------------------------------


def _strict_json(text: str) -> dict:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in the output")

    data = json.loads(text, parse_constant=refuse)
    assert isinstance(data, dict)
    return data


def assert_pathway(out: dict) -> None:
    """The output has the contract's Pathway shape: every item with its status, strength, source and why."""
    assert out["contract"] == "pathway/v1"
    assert out["guideline"].startswith("NANETS 2023")
    assert out["classification"]["code"] in CLASSIFICATIONS
    assert set(out["classification"]["grade_basis"]) <= {"ki67", "mitoses"}
    assert out["site_group"] in SITE_GROUPS
    assert out["setting"] in SETTINGS
    assert out["decision_point"]["code"] in DECISION_POINTS
    assert isinstance(out["decision_point"]["line"], int) and out["decision_point"]["line"] >= 1
    codes = [item["code"] for item in out["recommendations"]]
    assert codes and len(codes) == len(set(codes))
    for item in out["recommendations"]:
        assert item["code"] in CATALOGUE
        assert item["category"] in CATEGORIES
        assert item["status"] in STATUSES
        assert item["strength"] in STRENGTHS
        assert isinstance(item["source"], str) and item["source"]
        assert item["why"] and all(isinstance(reason, str) and reason for reason in item["why"])
    assert out["followup"]["kind"] in FOLLOWUP_KINDS


def assert_well_ended(outcome: Outcome, output_format: str) -> None:
    """Exit 0 with a Pathway and an empty stderr, or exit 2 with one message per line and an empty stdout."""
    if outcome.code == 0:
        assert outcome.stderr == ""
        if output_format == "json":
            assert_pathway(_strict_json(outcome.stdout))
        else:
            assert "Classification: " in outcome.stdout
        return
    assert outcome.code == 2, outcome
    assert outcome.stdout == ""
    lines = outcome.stderr.split("\n")
    assert lines[-1] == "" and len(lines) > 1, outcome.stderr  # ends with a newline; at least one message
    for line in lines[:-1]:
        assert ": " in line and not line.startswith(": "), line  # `field: what is wrong`
        assert "Traceback" not in line


def run(raw: bytes, output_format: str) -> Outcome:
    """Run the command on the bytes; the checks above always apply."""
    args = ("--format", "text") if output_format == "text" else ()
    outcome = call_pathway(raw, *args)
    assert_well_ended(outcome, output_format)
    return outcome


def run_counted(check, tally: Counter, name: str) -> None:
    """Run a hypothesis check, then print how many examples ran (shown by `make fuzz`, which passes -s)."""
    started = time.monotonic()
    check()
    total = sum(tally.values())
    print(
        f"\npathway fuzz, {name}: {total} examples "
        f"(exit 0: {tally[0]}, exit 2: {tally[2]}) in {time.monotonic() - started:.0f} s"
    )
    assert total >= EXAMPLES


output_formats = st.sampled_from(["json", "json", "text"])


# --- 1. arbitrary input ------------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats()  # NaN and +-Infinity included; json.dumps writes them as NaN / Infinity
    | st.text(max_size=20)
    | st.sampled_from([*FIELD_NAMES, *sorted(TREATMENT_CODES), "", "\n", "\x00", "\ud800"])
)
keys = st.sampled_from(FIELD_NAMES) | st.text(max_size=12)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(keys, children, max_size=6),
    max_leaves=25,
)


def _spelled_numbers(draw) -> str:
    return draw(
        st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400", "-0", "0e0"])
        | st.integers(min_value=300, max_value=6000).map(lambda digits: "9" * digits)
        | st.integers(min_value=-400, max_value=400).map(lambda exponent: f"1e{exponent}")
    )


@st.composite
def arbitrary_input(draw) -> bytes:
    """Bytes of every kind a hostile or careless caller could send."""
    kind = draw(st.sampled_from(["value", "facts_noise", "number", "nesting", "text", "bytes", "truncated"]))
    if kind == "value":  # any JSON value, often an object keyed by the schema's field names
        text = json.dumps(draw(json_values), ensure_ascii=draw(st.booleans()))
    elif kind == "facts_noise":  # valid facts with some values replaced by anything at all
        facts = draw(raw_facts)
        for name in draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=3)):
            facts[name] = draw(json_values)
        text = json.dumps(facts)
    elif kind == "number":  # a number spelled as JSON allows (or nearly), in a real field
        facts = draw(raw_facts)
        name = draw(st.sampled_from(FIELD_NAMES))
        others = {key: value for key, value in facts.items() if key != name}
        text = json.dumps(others)[:-1] + f', "{name}": {_spelled_numbers(draw)}}}'
    elif kind == "nesting":
        depth = draw(st.integers(min_value=1, max_value=120_000))
        text = "[" * depth + ("]" * depth if draw(st.booleans()) else "")
    elif kind == "text":
        text = draw(st.text())
    elif kind == "bytes":
        return draw(st.binary(max_size=200))
    else:  # valid JSON cut short or with one character changed
        text = json.dumps(draw(raw_facts))
        cut = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:cut] + draw(st.sampled_from(["", "x", "}", ",", '"', "\\"])) + text[cut + 1 :]
    # Lone surrogates become bytes that are not UTF-8, as a broken encoder would write them.
    return text.encode("utf-8", "surrogatepass")


ARBITRARY_TALLY: Counter = Counter()


@FUZZ
@given(raw=arbitrary_input(), output_format=output_formats)
def _check_arbitrary_input(raw, output_format):
    ARBITRARY_TALLY[run(raw, output_format).code] += 1


def test_arbitrary_input_never_crashes():
    """Arbitrary JSON values, text that is not JSON, deep nesting, huge numbers: exit 0 or 2, no traceback."""
    run_counted(_check_arbitrary_input, ARBITRARY_TALLY, "arbitrary input")


# --- 2. schema-shaped facts with wrong parts --------------------------------------------------------


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


NON_FINITE = st.sampled_from([float("nan"), float("inf"), float("-inf")])
unknown_keys = st.from_regex(r"[a-z][a-z0-9_]{0,23}", fullmatch=True)


def _wrong_value(draw, spec: dict, *, regimen: bool = False):
    """A value this property of the schema refuses: wrong type, out of range or an unknown code."""
    validator = Draft202012Validator(spec)
    options = [json_values.filter(lambda value: not validator.is_valid(value))]
    if "enum" in spec or regimen:
        options.append(
            st.text(max_size=20).filter(lambda code: code not in spec.get("enum", TREATMENT_CODES))
        )
    if "minimum" in spec or "exclusiveMinimum" in spec:
        low = spec.get("minimum", spec.get("exclusiveMinimum"))
        options.append(st.floats(max_value=low, exclude_max="minimum" in spec, allow_infinity=False))
    if "maximum" in spec:
        options.append(st.floats(min_value=spec["maximum"], exclude_min=True, allow_infinity=False))
    value = draw(st.one_of(options))
    assume(_depth(value) < 8)  # deeper values are refused as a whole, as "(input): nested ..." (part 1)
    return value


def _break_line(draw, line: dict, where: str) -> str:
    """Break one prior-therapy line in place; return the path that must be named."""
    how = draw(st.sampled_from(["value", "value", "non_finite", "unknown_field", "no_regimen"]))
    if how == "unknown_field":
        name = draw(unknown_keys.filter(lambda key: key not in THERAPY))
        line[name] = draw(json_values)
        return f"{where}.{name}"
    if how == "no_regimen":
        line.pop("regimen", None)
        return f"{where}.regimen"
    name = draw(st.sampled_from(sorted(THERAPY)))
    if how == "non_finite":
        line[name] = draw(NON_FINITE)
    else:
        line[name] = _wrong_value(draw, THERAPY[name], regimen=name == "regimen")
    return f"{where}.{name}"


def _break_field(draw, facts: dict, name: str) -> str:
    """Break one top-level field of valid facts in place; return the path that must be named."""
    if name == "prior_systemic_therapy" and draw(st.booleans()):
        lines = facts.get("prior_systemic_therapy") or draw(prior_lines.filter(bool))
        if draw(st.integers(min_value=0, max_value=4)) == 0:  # over the cap of 30 lines
            facts[name] = (lines * 40)[: draw(st.integers(min_value=31, max_value=45))]
            return name
        facts[name] = lines = [dict(line) for line in lines]
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        return _break_line(draw, lines[index], f"{name}[{index}]")
    how = draw(st.sampled_from(["value", "value", "non_finite", "missing"]))
    if how == "missing" and name in SCHEMA["required"]:
        del facts[name]
    elif how == "non_finite":
        facts[name] = draw(NON_FINITE)
    else:
        facts[name] = _wrong_value(draw, PROPERTIES[name])
    return name


@st.composite
def broken_facts(draw) -> tuple[bytes, list[str]]:
    """Valid facts with one to three parts broken, or a key given twice; with the paths to be named."""
    facts = draw(raw_facts)
    if draw(st.integers(min_value=0, max_value=5)) == 0:  # a key repeated in the text: last must not win
        name = draw(st.sampled_from(sorted(facts)))
        first = json.dumps({name: draw(json_values | st.sampled_from([facts[name]]))})
        return (first[:-1] + ", " + json.dumps(facts)[1:]).encode(), [name]
    targets = draw(
        st.lists(st.sampled_from([*FIELD_NAMES, "(unknown field)"]), min_size=1, max_size=3, unique=True)
    )
    named = []
    for target in targets:
        if target == "(unknown field)":
            name = draw(unknown_keys.filter(lambda key: key not in PROPERTIES))
            facts[name] = draw(json_values)
            named.append(name)
        else:
            named.append(_break_field(draw, facts, target))
    return json.dumps(facts).encode("utf-8", "surrogatepass"), named


def _names(line: str, path: str) -> bool:
    return line.startswith(path) and line[len(path)] in ":.["


BROKEN_TALLY: Counter = Counter()


@FUZZ
@given(case=broken_facts(), output_format=output_formats)
def _check_broken_facts(case, output_format):
    raw, paths = case
    outcome = run(raw, output_format)
    BROKEN_TALLY[outcome.code] += 1
    assert outcome.code == 2
    lines = outcome.stderr.splitlines()
    for path in paths:
        assert any(_names(line, path) for line in lines), (path, lines)


def test_broken_facts_are_refused_naming_each_broken_field():
    """Wrong types, out-of-range values, unknown codes, non-finite numbers, repeated keys: exit 2, named."""
    run_counted(_check_broken_facts, BROKEN_TALLY, "broken facts")
