"""The hand-written Bundles in the shape of the mCODE STU3 guide's published examples, and Bundle helpers."""

import copy
import json
from pathlib import Path
from typing import Any

# Other systems' codings: ICD-10-CM and SNOMED CT sites, LOINC results, mCODE profiles, no app codes.
BUNDLES = Path(__file__).parent / "bundles"


def mcode_bundle(name: str) -> dict[str, Any]:
    """A fresh copy of one hand-written Bundle (tests may change it)."""
    return copy.deepcopy(json.loads((BUNDLES / f"{name}.json").read_text()))


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The resources of one type in a Bundle."""
    return [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == kind]
