"""The commands: exit status 2 for a rejected file, problems capped on screen, no patient data shown."""

import copy
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cases.demo import DEMO_CASES
from tests.cases.exchange.files import counts, export_to, import_from, wipe_clinical_records

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_unknown_operator_is_refused(export_file):
    wipe_clinical_records()
    out, err, status = import_from(export_file, "--user", "nobody")
    assert status == 2 and "--user" in err
    assert set(counts().values()) == {0}


def test_output_and_logs_never_repeat_patient_data(export_file, caplog):
    caplog.set_level(logging.DEBUG)
    patient_data = [spec.mrn for spec in DEMO_CASES] + ["Demopatient", "Zoë"]
    wipe_clinical_records()
    import_out, import_err, _ = import_from(export_file)
    document = json.loads(export_file.read_text(encoding="utf-8"))
    document["patients"][0]["sex"] = "x"
    export_file.write_text(json.dumps(document), encoding="utf-8")
    _, rejected_err, _ = import_from(export_file)
    export_out = export_to(export_file.with_name("second.json"))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for text in (import_out, import_err, rejected_err, export_out, logged):
        assert not any(value in text for value in patient_data)
    assert "import_cases: created" in logged and "file rejected with 2 problem(s)" in logged


def test_a_rejected_file_exits_with_status_2(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_cases", str(broken)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "1"},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "file: not valid JSON" in result.stderr and "nothing was imported" in result.stderr


def test_problems_are_capped_on_screen(export_file):
    wipe_clinical_records()
    document = json.loads(export_file.read_text(encoding="utf-8"))
    for patient in document["patients"]:
        patient.update({key: "x" for key in ("sex", "date_of_birth", "created_at", "updated_at")})
    document["cases"] = [copy.deepcopy(document["cases"][0]) for _ in range(60)]
    export_file.write_text(json.dumps(document), encoding="utf-8")
    out, err, status = import_from(export_file)
    assert status == 2
    assert "more problem(s)" in err
    assert len(err.splitlines()) == 202
