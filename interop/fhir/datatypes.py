"""Small readers of FHIR data types in a Bundle's plain JSON (CodeableConcept, dates, references' labels)."""

from __future__ import annotations

import re
from typing import Any

from interop.fhir import codes

Resource = dict[str, Any]


def codings(value: Any) -> list[dict[str, Any]]:
    """The codings of a CodeableConcept (or of a list of them)."""
    if isinstance(value, list):
        return [coding for item in value for coding in codings(item)]
    if isinstance(value, dict):
        return [coding for coding in value.get("coding", []) if isinstance(coding, dict)]
    return []


def has_code(value: Any, code: codes.Code) -> bool:
    """A CodeableConcept holding this code."""
    return any(code.matches(coding) for coding in codings(value))


def code_in(value: Any, system: str) -> str | None:
    """The code of the first coding of one system."""
    return next((str(c.get("code")) for c in codings(value) if c.get("system") == system), None)


def text_of(value: Any) -> str:
    """What a CodeableConcept says in words: its text, else its first display or code."""
    if isinstance(value, dict) and value.get("text"):
        return str(value["text"])
    for coding in codings(value):
        if coding.get("display") or coding.get("code"):
            return str(coding.get("display") or coding.get("code"))
    return ""


def day(value: Any) -> str | None:
    """The date part of a FHIR date or dateTime (None for a partial date: a year or a month only)."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", value):
        return value[:10]
    return None


def label(resource: Resource, index: int) -> str:
    """How messages name a resource: Type/id, else its place in the Bundle."""
    kind = resource.get("resourceType", "resource")
    return f"{kind}/{resource['id']}" if resource.get("id") else f"entry[{index}] ({kind})"


def profiles(resource: Resource) -> list[str]:
    """The profiles a resource claims (versions dropped)."""
    return [str(url).split("|")[0] for url in resource.get("meta", {}).get("profile", [])]
