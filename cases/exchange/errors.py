"""Why an export cannot be written or a file is refused, and how the file's values appear in messages."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# A location in the file: keys of objects and positions in lists, e.g. ("cases", 3, "status").
Location = Sequence[str | int]


class ExportError(Exception):
    """The export cannot be written (a field without an encoding, the file exists, ...)."""


@dataclass(frozen=True)
class Problem:
    """One reason to reject a file: where (e.g. cases[3].pathology_reports[0].ki67_percent) and why."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class ImportRejected(Exception):
    """The file was rejected as a whole; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the file")
        self.problems = problems


def place(location: Location) -> str:
    """A location in the file as messages name it: ("cases", 3, "status") is cases[3].status."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def show(value: Any, limit: int = 60) -> str:
    """A short rendering of a value from the file for a message."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_type(value: Any) -> str:
    """The JSON type of a value from the file, as messages name it ("text", "a list", ...)."""
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        type(None): "null",
    }
    return "an object" if isinstance(value, dict) else names.get(type(value), type(value).__name__)
