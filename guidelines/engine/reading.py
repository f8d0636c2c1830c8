"""Reading case facts from bytes as strict JSON: size-capped, UTF-8, no repeated keys, never a crash."""

from __future__ import annotations

import json
import math
from typing import Any, BinaryIO

from guidelines.engine.facts import FactsError, field_name

# A full set of case facts with the most prior lines the schema allows is a few kilobytes; a megabyte is
# hundreds of times that, and still small enough to read and parse at once without strain.
MAX_INPUT_BYTES = 1_000_000
# Case facts nest three levels (facts > prior_systemic_therapy > one line); deeper input is not case facts,
# and refusing it early keeps every later step (validation, messages) clear of Python's recursion limit.
MAX_DEPTH = 16


class NonFiniteNumber(float):
    """NaN, Infinity or a number too large for a float (1e400), keeping its spelling for messages."""

    spelling: str

    def __new__(cls, spelling: str) -> NonFiniteNumber:
        number = super().__new__(cls, spelling)
        number.spelling = spelling
        return number

    def __repr__(self) -> str:
        return self.spelling


def _float(spelling: str) -> float:
    number = float(spelling)
    return number if math.isfinite(number) else NonFiniteNumber(spelling)


def read_limited(stream: BinaryIO) -> bytes:
    """Read at most one byte more than MAX_INPUT_BYTES, so oversize input is seen without reading it all."""
    return stream.read(MAX_INPUT_BYTES + 1)


def read_facts_json(raw: bytes) -> object:
    """Parse case-facts bytes as JSON, or raise FactsError naming `(input)` or the repeated key."""
    # Non-finite numbers are kept (as NonFiniteNumber) so that validate_facts refuses them naming the field.
    if len(raw) > MAX_INPUT_BYTES:
        return _refuse(
            f"(input): larger than {MAX_INPUT_BYTES:,} bytes (1 MB); case facts are a few kilobytes"
        )
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark from a Windows editor is not an error
    except UnicodeDecodeError as error:
        return _refuse(f"(input): not UTF-8 text (invalid byte at offset {error.start})")
    # Objects with a repeated key, by id; each entry holds the object too, so its id cannot be reused.
    repeated: dict[int, tuple[dict[str, Any], list[str]]] = {}

    def object_without_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                keys = repeated.setdefault(id(result), (result, []))[1]
                keys.extend([] if key in keys else [key])
            result[key] = value
        return result

    try:
        data = json.loads(
            text, object_pairs_hook=object_without_repeats, parse_float=_float, parse_constant=_float
        )
    except json.JSONDecodeError as error:
        return _refuse(f"(input): not valid JSON: {error.msg} at line {error.lineno} column {error.colno}")
    except RecursionError:
        return _refuse(f"(input): nested more than {MAX_DEPTH} levels deep; case facts are not")
    except ValueError as error:  # an integer with more digits than Python converts (over 4300)
        return _refuse(f"(input): not a usable number: {error}")
    problems = _structure_problems(data, repeated)
    if problems:
        raise FactsError(problems)
    return data


def _refuse(problem: str) -> object:
    raise FactsError([problem])


def _structure_problems(data: object, repeated: dict[int, tuple[dict[str, Any], list[str]]]) -> list[str]:
    """Repeated keys (naming their path) and nesting deeper than MAX_DEPTH, walked without recursion."""
    problems: list[str] = []
    pending: list[tuple[object, str, int]] = [(data, "", 0)]
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_DEPTH:
            return [f"(input): nested more than {MAX_DEPTH} levels deep; case facts are not"]
        if isinstance(value, dict):
            for key in repeated.get(id(value), ({}, []))[1]:
                problems.append(f"{_join(path, key)}: given more than once; give each field once")
            pending.extend((item, _join(path, key), depth + 1) for key, item in value.items())
        elif isinstance(value, list):
            pending.extend(
                (item, f"{path or '(input)'}[{index}]", depth + 1) for index, item in enumerate(value)
            )
    return sorted(problems)


def _join(path: str, key: str) -> str:
    return f"{path}.{field_name(key)}" if path else field_name(key)
