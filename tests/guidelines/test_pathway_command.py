"""manage.py pathway FILE|- [--format text], run as a subprocess (contract: Command)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VIGNETTE = ROOT / "tests" / "vignettes" / "P01.json"
FACTS = json.loads(VIGNETTE.read_text(encoding="utf-8"))["facts"]


def run_pathway(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `manage.py pathway` with DEBUG=1 on top of the current environment."""
    return subprocess.run(
        [sys.executable, "manage.py", "pathway", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1"},
        timeout=120,
        check=False,
    )


def test_json_from_stdin():
    """Input from standard input; output one Pathway v1 object on stdout; exit 0."""
    run = run_pathway(json.dumps(FACTS), "-")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["contract"] == "pathway/v1"
    assert out["classification"]["code"] == "g3_net"
    assert out["decision_point"] == {"code": "initial", "line": 1}
    assert {item["code"] for item in out["recommendations"]} >= {"captem", "ct_mri_multiphase"}


def test_vignette_file_is_not_case_facts():
    """A file argument is read as case facts; a vignette (facts wrapped with expectations) is bad input."""
    run = run_pathway("", str(VIGNETTE.with_name("P02.json")))
    assert run.returncode == 2
    assert run.stdout == ""
    assert "expect: unknown field" in run.stderr.splitlines()


def test_facts_file(tmp_path):
    """manage.py pathway CASE.json reads the facts from the file."""
    case = tmp_path / "case.json"
    case.write_text(json.dumps(FACTS), encoding="utf-8")
    run = run_pathway("", str(case))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["contract"] == "pathway/v1"


def test_text_format():
    """--format text prints a readable summary with the classification line."""
    run = run_pathway(json.dumps(FACTS), "-", "--format", "text")
    assert run.returncode == 0, run.stderr
    assert "Classification: Well-differentiated G3 NET (grade basis: ki67)" in run.stdout.splitlines()
    assert "Decision point: initial (line 1)" in run.stdout


@pytest.mark.parametrize(
    ("stdin", "fields"),
    [
        (json.dumps({**FACTS, "ki67_percent": 140}), ["ki67_percent"]),
        (json.dumps({**FACTS, "primary_site": "lung"}), ["primary_site"]),
        (json.dumps({**FACTS, "ki67_percent": "30"}), ["ki67_percent"]),
        (json.dumps({**FACTS, "grade": "G3"}), ["grade"]),
        (
            json.dumps({**FACTS, "ki67_percent": 140, "ecog": 9, "extra": 1}),
            ["ecog", "extra", "ki67_percent"],
        ),
        (
            json.dumps({**FACTS, "prior_systemic_therapy": [{"regimen": "folfirinox"}]}),
            ["prior_systemic_therapy[0].regimen"],
        ),
        ("{not json", ["(input)"]),
        ("", ["(input)"]),
    ],
    ids=[
        "ki67_140",
        "unknown_site",
        "string_for_number",
        "unknown_field",
        "three_problems",
        "regimen",
        "not_json",
        "empty",
    ],
)
def test_bad_input(stdin, fields):
    """Bad input: exit 2, nothing on stdout, and on stderr one line per problem naming the field."""
    run = run_pathway(stdin, "-")
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert sorted(line.split(":")[0] for line in lines) == fields


def test_unreadable_file(tmp_path):
    """A file that cannot be read is bad input too."""
    run = run_pathway("", str(tmp_path / "missing.json"))
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith("(input): cannot read ")
