"""manage.py pathway refuses contradictory facts: exit 2, nothing on stdout, both fields named (issue 12)."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.guidelines.engine.test_consistency import CONFLICTS

ROOT = Path(__file__).resolve().parents[3]
NEC = {"primary_site": "colon", "differentiation": "poor", "morphology": "small_cell", "ki67_percent": 80}
CERVIX = {**NEC, "primary_site": "cervix"}
NET = {"primary_site": "pancreas", "differentiation": "well", "ki67_percent": 30}

# The issue's examples: facts, and the two fields the refusal must name.
ISSUE_EXAMPLES = {
    "localized with liver and bone": (
        {**NEC, "extent": "localized", "metastatic_sites": ["liver", "bone"]},
        ("extent", "metastatic_sites"),
    ),
    "localized with 4 brain metastases": (
        {**NEC, "extent": "localized", "brain_metastases_count": 4},
        ("extent", "brain_metastases_count"),
    ),
    "FIGO IVB on a localized pancreatic primary": (
        {**NET, "extent": "localized", "figo_stage": "IVB"},
        ("primary_site", "figo_stage"),
    ),
    "cervix IB1 with a 5 cm tumour": (
        {**CERVIX, "extent": "localized", "figo_stage": "IB1", "tumor_size_cm": 5},
        ("figo_stage", "tumor_size_cm"),
    ),
    "FIGO IVA marked metastatic without distant sites": (
        {**CERVIX, "extent": "metastatic", "figo_stage": "IVA"},
        ("extent", "figo_stage"),
    ),
    "brain among the sites with 0 brain metastases": (
        {**NEC, "extent": "metastatic", "metastatic_sites": ["liver", "brain"], "brain_metastases_count": 0},
        ("metastatic_sites", "brain_metastases_count"),
    ),
}


def run_pathway(facts: dict) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "pathway", "-"],
        input=json.dumps(facts),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1"},
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("name", list(ISSUE_EXAMPLES))
def test_issue_example_exits_2_naming_both_fields(name):
    facts, (first, second) = ISSUE_EXAMPLES[name]
    run = run_pathway(facts)
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert any(line.startswith(f"{first}: ") and f" {second}: " in line for line in lines), lines


@pytest.mark.parametrize("rule", sorted(CONFLICTS))
def test_every_conflict_rule_exits_2_from_the_command(rule, tmp_path):
    """Each rule's example, as a JSON file through the command (in process): exit 2, the line on stderr."""
    source = tmp_path / "case.json"
    source.write_text(json.dumps(CONFLICTS[rule].to_dict()), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("pathway", str(source), stdout=out, stderr=err)
    assert exited.value.code == 2
    assert out.getvalue() == ""
    assert " contradicts " in err.getvalue()
