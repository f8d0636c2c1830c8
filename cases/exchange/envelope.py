"""The top level of a file: its format first (it names the schema), then the rest of the envelope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError

from cases.exchange.errors import ImportRejected, Problem, json_type, show
from cases.exchange.schema import ENVELOPE_KEYS, FORMAT, Shape
from cases.exchange.values import aware_datetime, not_a_time_message


@dataclass
class Envelope:
    """A file's top level as read: the export's moment and migration, the two lists, and its problems."""

    shape: Shape
    exported_at: datetime | None = None
    migration: str = ""
    patients: list[Any] = field(default_factory=list)
    cases: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_envelope(document: Any) -> Envelope:
    """Check the top level of the document; a file of another format is rejected before anything else."""
    if not isinstance(document, dict):
        raise ImportRejected(
            [Problem("file", f"expected an object with the keys {', '.join(ENVELOPE_KEYS)}")]
        )
    if document.get("format") != FORMAT:
        got = show(document["format"]) if "format" in document else "nothing"
        raise ImportRejected([Problem("format", f"expected {show(FORMAT)}, got {got}")])
    envelope = Envelope(Shape(document))
    problems, shape = envelope.problems, envelope.shape
    problems.extend(Problem(key, "unknown field") for key in shape.unknown_keys(()))
    problems.extend(Problem(key, "missing") for key in shape.missing_keys(()))
    if shape.wrong_type(("exported_at",)):
        problems.append(Problem("exported_at", not_a_time_message(document["exported_at"])))
    elif "exported_at" in document:
        try:
            envelope.exported_at = aware_datetime(document["exported_at"])
        except ValidationError as error:
            problems.extend(Problem("exported_at", message) for message in error.messages)
    if shape.wrong_type(("migration",)):
        problems.append(Problem("migration", f"expected text, got {json_type(document['migration'])}"))
    else:
        envelope.migration = document.get("migration", "")
    for key in ("patients", "cases"):
        if shape.wrong_type((key,)):
            problems.append(Problem(key, f"expected a list, got {json_type(document[key])}"))
        else:
            setattr(envelope, key, document.get(key, []))
    return envelope
