"""The bytes of a file as strict JSON: UTF-8, no NaN or Infinity, no key twice in one object."""

# Nesting deeper than Python's recursion limit and integers longer than its digit limit (4300) are
# refused with a message instead of an exception. The whole file is read into memory: an export of a
# board's records is a few megabytes, and a restore must not refuse a large but genuine file.

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cases.exchange.errors import ImportRejected, Problem, show


class _DuplicateKey(ValueError):
    pass


class _Constant(ValueError):
    pass


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise _Constant(name)


def read_bytes(path: Path) -> bytes:
    """The bytes of an export file; a file that cannot be read rejects the import."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImportRejected([Problem("file", f"cannot be read ({error.strerror})")]) from None


def read_document(raw: bytes) -> Any:
    """Parse the bytes of an export file as strict JSON (UTF-8, no NaN, no repeated keys)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected(
            [Problem("file", f"not UTF-8 text (invalid byte at offset {error.start})")]
        ) from None
    try:
        return json.loads(
            text, object_pairs_hook=_object_without_duplicate_keys, parse_constant=_refuse_constant
        )
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
    except _DuplicateKey as error:
        message = f"not valid here: the key {show(str(error))} appears twice in one object"
    except _Constant as error:
        message = f"not valid JSON: {error} is not a number"
    except RecursionError:
        message = "not valid here: nested too deeply"
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        message = f"not valid JSON: {error}"
    raise ImportRejected([Problem("file", message)])
