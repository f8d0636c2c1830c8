"""The public clinical vignettes (tests/vignettes/*.json) run through the engine directly.

Each vignette states what the paper expects for one case ("expect"); tests.guidelines.vignette_check
applies the same checks as the shared check_vignettes.py to the engine's Pathway v1 dict.
"""

import json
from pathlib import Path

import pytest

from guidelines.engine import build_pathway, parse_facts
from tests.guidelines.vignette_check import check

VIGNETTE_DIR = Path(__file__).resolve().parents[2] / "vignettes"
VIGNETTES = sorted(VIGNETTE_DIR.glob("*.json"))


def test_vignette_folder_holds_the_public_set():
    """The twelve public vignettes P01-P12 are present, so the parametrized test cannot pass vacuously."""
    names = {path.name for path in VIGNETTES}
    assert {f"P{number:02d}.json" for number in range(1, 13)} <= names


@pytest.mark.parametrize("path", VIGNETTES, ids=[path.stem for path in VIGNETTES])
def test_vignette(path):
    """The engine's pathway meets every expectation the vignette derives from the paper."""
    vignette = json.loads(path.read_text(encoding="utf-8"))
    pathway = build_pathway(parse_facts(vignette["facts"])).to_dict()
    problems = check(vignette.get("expect", {}), pathway)
    assert problems == [], f"{vignette['id']} ({vignette['title']}): {problems}"
