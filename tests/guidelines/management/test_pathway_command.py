"""manage.py pathway FILE|- [--format text], as a subprocess and in-process (contract: Command, Bad input)."""

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]
VIGNETTE = ROOT / "tests" / "vignettes" / "P01.json"
FACTS = json.loads(VIGNETTE.read_text(encoding="utf-8"))["facts"]


def run_pathway(stdin: str | bytes, *args: str) -> subprocess.CompletedProcess:
    """Run `manage.py pathway` with DEBUG=1 on top of the current environment (text or bytes in and out)."""
    return subprocess.run(
        [sys.executable, "manage.py", "pathway", *args],
        input=stdin,
        capture_output=True,
        text=isinstance(stdin, str),
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


@dataclass(frozen=True)
class Outcome:
    """What one in-process run of the command left: exit code, stdout and stderr."""

    code: int
    stdout: str
    stderr: str


def call_pathway(raw: bytes, *args: str) -> Outcome:
    """Run the command in-process on bytes as standard input; SystemExit becomes the exit code."""
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    with mock.patch.object(sys, "stdin", stdin):
        try:
            call_command("pathway", "-", *args, stdout=stdout, stderr=stderr)
        except SystemExit as exit_:
            code = exit_.code
        else:
            code = 0
    assert isinstance(code, int)
    return Outcome(code, stdout.getvalue(), stderr.getvalue())


def with_field(name: str, spelling: str, facts: dict | None = None) -> bytes:
    """FACTS (or the given facts) as JSON bytes with one field replaced or added, spelled exactly as given."""
    others = {key: value for key, value in (facts or FACTS).items() if key != name}
    return (json.dumps(others)[:-1] + f', "{name}": {spelling}}}').encode()


PRIOR_LINE = {"regimen": "captem", "best_response": "PR", "progressed": True, "months_to_progression": 8}
HOSTILE = {
    "nan": (with_field("ki67_percent", "NaN"), ["ki67_percent: NaN is not a finite number"]),
    "infinity": (with_field("ki67_percent", "Infinity"), ["ki67_percent: Infinity is not a finite number"]),
    "minus_infinity": (
        with_field("mitoses_per_2mm2", "-Infinity"),
        ["mitoses_per_2mm2: -Infinity is not a finite number"],
    ),
    "1e400": (with_field("ki67_percent", "1e400"), ["ki67_percent: 1e400 is not a finite number"]),
    "nested_nan": (
        with_field("prior_systemic_therapy", '[{"regimen": "captem", "months_to_progression": NaN}]'),
        ["prior_systemic_therapy[0].months_to_progression: NaN is not a finite number"],
    ),
    "duplicate_key": (
        json.dumps(FACTS).encode()[:-1] + b', "ki67_percent": 10}',
        ["ki67_percent: given more than once; give each field once"],
    ),
    "prior_therapy_5": (
        with_field("prior_systemic_therapy", "5"),
        ["prior_systemic_therapy: 5 is not of type 'array'"],
    ),
    "deep_nesting": (b"[" * 100_000, ["(input): nested more than 16 levels deep; case facts are not"]),
    "not_utf8": (b'{"primary_site": "pancr\xe9as"}', ["(input): not UTF-8 text (invalid byte at offset 23)"]),
    "oversize": (
        json.dumps({**FACTS, "prior_systemic_therapy": [PRIOR_LINE] * 20_000}).encode(),
        ["(input): larger than 1,000,000 bytes (1 MB); case facts are a few kilobytes"],
    ),
    "31_prior_lines": (
        json.dumps({**FACTS, "prior_systemic_therapy": [PRIOR_LINE] * 31}).encode(),
        ["prior_systemic_therapy: 31 lines given; at most 30 are accepted"],
    ),
}


@pytest.mark.parametrize(("raw", "expected"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_exits_2_with_one_line_per_problem(raw, expected):
    """Issue 12 part 2: each was accepted or crashed with a traceback; now exit 2, nothing on stdout."""
    outcome = call_pathway(raw)
    assert outcome == Outcome(2, "", "".join(line + "\n" for line in expected))


def test_thirty_prior_lines_are_accepted():
    """The cap is generous: 30 lines of prior therapy still give a pathway (decision after line 30)."""
    outcome = call_pathway(json.dumps({**FACTS, "prior_systemic_therapy": [PRIOR_LINE] * 30}).encode())
    assert outcome.code == 0, outcome.stderr
    assert json.loads(outcome.stdout)["decision_point"] == {"code": "after_progression", "line": 31}


def test_bytes_that_are_not_utf8_exit_2_as_a_process():
    """Real standard input is read as bytes: Latin-1 used to raise UnicodeDecodeError (exit 1, traceback)."""
    raw, expected = HOSTILE["not_utf8"]
    run = run_pathway(raw, "-")
    assert (run.returncode, run.stdout, run.stderr.decode().splitlines()) == (2, b"", expected)


def test_oversize_file_is_refused_before_it_is_read_whole(tmp_path):
    """A file argument is capped like standard input (the 8.6 MB, 200,000-line file of issue 12)."""
    case = tmp_path / "big.json"
    case.write_bytes(json.dumps({**FACTS, "prior_systemic_therapy": [PRIOR_LINE] * 200_000}).encode())
    run = run_pathway("", str(case))
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr.splitlines() == [
        "(input): larger than 1,000,000 bytes (1 MB); case facts are a few kilobytes"
    ]


def test_path_with_a_nul_byte_is_bad_input():
    """open() raises ValueError on a NUL in the path: a message, not a traceback."""
    stderr = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("pathway", "case\x00.json", stdout=io.StringIO(), stderr=stderr)
    assert exited.value.code == 2
    assert stderr.getvalue() == "(input): cannot read 'case\\x00.json': embedded null byte\n"


def test_closed_standard_input_is_bad_input():
    """Started with standard input closed (sys.stdin is None): a message, not an AttributeError."""
    stderr = io.StringIO()
    with mock.patch.object(sys, "stdin", None), pytest.raises(SystemExit) as exited:
        call_command("pathway", "-", stdout=io.StringIO(), stderr=stderr)
    assert (exited.value.code, stderr.getvalue()) == (2, "(input): no standard input to read\n")
