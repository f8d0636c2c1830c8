"""Reading case facts from bytes (guidelines/engine/reading.py) and the non-finite checks of validate_facts.

Contract (pathway-contract.md, Bad input): refused input names the field, or `(input)` when the bytes are not
JSON case facts at all; one message per problem; never a crash.
"""

import io
import json

import pytest

from guidelines.engine import FactsError, parse_facts, validate_facts
from guidelines.engine.reading import MAX_DEPTH, MAX_INPUT_BYTES, read_facts_json, read_limited

VALID = {"primary_site": "pancreas", "differentiation": "well", "extent": "metastatic", "ki67_percent": 30}
VALID_TEXT = json.dumps(VALID)


def problems_reading(text: str | bytes) -> list[str]:
    """The problems of reading then validating the text, as the command sees them."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    try:
        return validate_facts(read_facts_json(raw))
    except FactsError as error:
        return error.problems


def with_field(spelling: str, name: str = "ki67_percent") -> str:
    """VALID as JSON text with one field (replaced or added) spelled exactly as given."""
    others = {key: value for key, value in VALID.items() if key != name}
    return json.dumps(others)[:-1] + f', "{name}": {spelling}}}'


@pytest.mark.parametrize("spelling", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"])
def test_non_finite_number_is_refused_naming_the_field(spelling):
    """`ki67_percent: NaN` used to become not_high_grade with no treatment; refused now, spelled as given."""
    assert problems_reading(with_field(spelling)) == [f"ki67_percent: {spelling} is not a finite number"]


@pytest.mark.parametrize("name", ["mitoses_per_2mm2", "tumor_size_cm", "ecog", "brain_metastases_count"])
def test_non_finite_number_is_one_message_not_a_type_or_range_error_too(name):
    """Infinity on an integer field or a bounded field is said once, as not finite."""
    assert problems_reading(with_field("Infinity", name)) == [f"{name}: Infinity is not a finite number"]


def test_non_finite_number_in_a_prior_line_names_the_path():
    """Nested fields are named with their path."""
    text = with_field(
        '[{"regimen": "captem", "progressed": true, "months_to_progression": NaN}]', "prior_systemic_therapy"
    )
    assert problems_reading(text) == [
        "prior_systemic_therapy[0].months_to_progression: NaN is not a finite number"
    ]


def test_python_nan_and_infinity_are_refused_by_validate_facts():
    """Web and import hand dicts to validate_facts/parse_facts: float('nan') is refused there too."""
    data = {
        **VALID,
        "ki67_percent": float("nan"),
        "prior_systemic_therapy": [{"regimen": "captem", "months_to_progression": float("-inf")}],
    }
    assert sorted(validate_facts(data)) == [
        "ki67_percent: NaN is not a finite number",
        "prior_systemic_therapy[0].months_to_progression: -Infinity is not a finite number",
    ]
    with pytest.raises(FactsError) as refused:
        parse_facts({**VALID, "mitoses_per_2mm2": float("inf")})
    assert refused.value.problems == ["mitoses_per_2mm2: Infinity is not a finite number"]


def test_integer_beyond_float_range_is_refused():
    """A 400-digit integer is valid JSON, but the engine cannot compute with it (formatting overflows)."""
    assert problems_reading(with_field("1" + "0" * 400, "mitoses_per_2mm2")) == [
        "mitoses_per_2mm2: a number too large to use (over 1.8e308)"
    ]


def test_integer_with_more_digits_than_python_converts():
    """Over 4300 digits Python refuses to convert; that is a message, not a ValueError traceback."""
    problems = problems_reading(with_field("9" * 5000))
    assert len(problems) == 1
    assert problems[0].startswith("(input): not a usable number: ")


def test_repeated_key_is_refused_naming_it():
    """Duplicate keys used to resolve silently (last one wins); each repeated key is named once."""
    text = VALID_TEXT[:-1] + ', "ki67_percent": 60, "extent": "localized", "ki67_percent": 10}'
    assert problems_reading(text) == [
        "extent: given more than once; give each field once",
        "ki67_percent: given more than once; give each field once",
    ]


def test_repeated_key_in_a_prior_line_names_the_path():
    """A key repeated inside a prior line is named with the line's path."""
    line = '{"regimen": "captem", "progressed": true, "progressed": false}'
    text = with_field(f'[{{"regimen": "captem"}}, {line}]', "prior_systemic_therapy")
    assert problems_reading(text) == [
        "prior_systemic_therapy[1].progressed: given more than once; give each field once"
    ]


def test_not_utf8_is_refused_with_the_offset():
    """Latin-1 bytes used to raise UnicodeDecodeError."""
    assert problems_reading(b'{"primary_site": "pancr\xe9as"}') == [
        "(input): not UTF-8 text (invalid byte at offset 23)"
    ]


def test_byte_order_mark_is_accepted():
    """A UTF-8 byte-order mark (some editors write one) is not an error."""
    assert read_facts_json(b"\xef\xbb\xbf" + VALID_TEXT.encode()) == VALID


def test_deep_nesting_is_refused_without_recursion_error():
    """100,000 nested `[` used to raise RecursionError."""
    assert problems_reading("[" * 100_000) == [
        f"(input): nested more than {MAX_DEPTH} levels deep; case facts are not"
    ]


def test_nesting_within_python_limits_but_past_the_cap_is_refused():
    """Parsable but deeper than case facts ever are: refused before validation walks it."""
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    assert problems_reading(with_field(deep, "extra")) == [
        f"(input): nested more than {MAX_DEPTH} levels deep; case facts are not"
    ]


def test_input_at_the_size_cap_is_read_and_one_byte_more_is_refused():
    """The cap counts bytes, before decoding: exactly 1 MB parses; 1 MB + 1 byte does not."""
    at_cap = VALID_TEXT.encode() + b" " * (MAX_INPUT_BYTES - len(VALID_TEXT))
    assert len(at_cap) == MAX_INPUT_BYTES
    assert read_facts_json(at_cap) == VALID
    assert problems_reading(at_cap + b" ") == [
        "(input): larger than 1,000,000 bytes (1 MB); case facts are a few kilobytes"
    ]


def test_read_limited_stops_one_byte_past_the_cap():
    """An endless stream is not read to its end."""
    assert len(read_limited(io.BytesIO(b"x" * (3 * MAX_INPUT_BYTES)))) == MAX_INPUT_BYTES + 1


def test_not_json():
    """Text that is not JSON names the position."""
    assert problems_reading("{not json") == [
        "(input): not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"
    ]


@pytest.mark.parametrize("value", ["5", '"abc"', '{"regimen": "captem"}', "true"])
def test_prior_systemic_therapy_not_a_list_is_one_message(value):
    """`prior_systemic_therapy: 5` used to raise TypeError after the schema error."""
    problems = problems_reading(with_field(value, "prior_systemic_therapy"))
    assert len(problems) == 1
    assert problems[0].startswith("prior_systemic_therapy: ")
    assert problems[0].endswith("is not of type 'array'")


def test_thirty_prior_lines_are_accepted_and_thirty_one_refused_in_one_message():
    """The cap on prior lines (schema maxItems) is one message, not one more per line."""
    line = {"regimen": "captem", "best_response": "SD", "progressed": True}
    assert validate_facts({**VALID, "prior_systemic_therapy": [line] * 30}) == []
    bad_lines = [{"regimen": "not_a_code", "extra": 1}] * 200_000
    assert validate_facts({**VALID, "prior_systemic_therapy": bad_lines}) == [
        "prior_systemic_therapy: 200000 lines given; at most 30 are accepted"
    ]


def test_unknown_key_with_a_line_break_stays_on_one_line():
    """One line per problem, even when a key holds a newline."""
    assert problems_reading(with_field("1", "a\\nb")) == ["'a\\nb': unknown field"]


def test_long_wrong_value_is_shortened_in_the_message():
    """A megabyte of text in a numeric field gives a short message that still names the field and the type."""
    (problem,) = problems_reading(with_field(json.dumps("x" * 500_000)))
    assert problem.startswith("ki67_percent: 'xxx")
    assert problem.endswith("is not of type 'number', 'null'")
    assert len(problem) < 200
