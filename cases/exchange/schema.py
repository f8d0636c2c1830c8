"""The file format in JSON Schema (case-file.schema.json): its version, and the structure of a file."""

# The import takes a file's structure from the schema (which keys, which JSON types); what a value may
# be (codes, lengths, ranges, dates) stays the models' own validation, with the messages of the forms.

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, TypeChecker, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from cases.exchange.errors import Location

SCHEMA_PATH = Path(__file__).with_name("case-file.schema.json")
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
# The version of the format, declared once: the schema's "format" constant (its $id says the same).
FORMAT: str = SCHEMA["properties"]["format"]["const"]
ENVELOPE_KEYS: tuple[str, ...] = tuple(SCHEMA["properties"])

# The keywords that describe structure; the import leaves the others to the models' validation.
STRUCTURE_KEYWORDS = frozenset({"type", "required", "additionalProperties"})


def _is_whole_number(checker: TypeChecker, instance: Any) -> bool:
    # JSON Schema counts 2.0 as an integer; the import takes only a whole number written without a fraction.
    return isinstance(instance, int) and not isinstance(instance, bool)


# types-jsonschema leaves extend() untyped.
_ImportValidator: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_whole_number),
)


@cache
def _validator() -> Validator:
    return _ImportValidator(SCHEMA)


class Shape:
    """The schema's verdict on a file's structure, by location: wrong JSON types, unknown and missing keys."""

    def __init__(self, document: Any) -> None:
        self._errors: dict[tuple[str | int, ...], list[ValidationError]] = defaultdict(list)
        for error in _validator().iter_errors(document):
            if error.validator in STRUCTURE_KEYWORDS:
                self._errors[tuple(error.absolute_path)].append(error)

    def _at(self, location: Location, keyword: str) -> ValidationError | None:
        return next((e for e in self._errors.get(tuple(location), []) if e.validator == keyword), None)

    def wrong_type(self, location: Location) -> bool:
        """The value at location has a JSON type its schema does not allow (null included)."""
        return self._at(location, "type") is not None

    def unknown_keys(self, location: Location) -> list[str]:
        """The keys of the object at location that its schema does not know, in the file's order."""
        error = self._at(location, "additionalProperties")
        if error is None or not isinstance(error.schema, Mapping):
            return []
        known = error.schema.get("properties", {})
        return [key for key in error.instance if key not in known]  # type: ignore[union-attr]

    def missing_keys(self, location: Location) -> list[str]:
        """The keys its schema requires that the object at location lacks, in the schema's order."""
        error = self._at(location, "required")
        if error is None:
            return []
        required: list[str] = error.validator_value  # type: ignore[assignment]
        return [key for key in required if key not in error.instance]  # type: ignore[operator]
