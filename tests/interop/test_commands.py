"""manage.py export_fhir and import_fhir: Bundles to standard output, a Bundle file into a draft case."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from fhir.resources.R4B.bundle import Bundle

from cases.models import AccessEvent, Case
from tests.interop.mcode import BUNDLES

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_fhir_prints_one_case_bundle_and_records_the_read(demo_cases, clinician):
    case = demo_cases["P05"]
    out, _ = run("export_fhir", str(case.pk), "--user", "clinician")
    bundle = json.loads(out)
    Bundle.model_validate(bundle)
    assert bundle["identifier"]["value"] == str(case.pk)
    event = AccessEvent.objects.get()
    assert (event.case, event.user, event.action) == (case, clinician, "export_fhir")


def test_export_fhir_all_prints_one_bundle_per_line(demo_cases):
    out, _ = run("export_fhir", "--all")
    lines = out.splitlines()
    assert len(lines) == Case.objects.count() == 12
    assert {json.loads(line)["identifier"]["value"] for line in lines} == {
        str(c.pk) for c in demo_cases.values()
    }
    assert AccessEvent.objects.filter(user=None, action="export_fhir").count() == 12


def test_export_fhir_needs_a_case_or_all_and_an_existing_case(db):
    with pytest.raises(CommandError, match="either a CASE_ID or --all"):
        run("export_fhir")
    with pytest.raises(CommandError, match="no case 41"):
        run("export_fhir", "41")


def test_import_fhir_lists_what_was_imported_and_what_did_not_map(clinician):
    out, _ = run("import_fhir", str(BUNDLES / "mcode-pancreatic-nec.json"), "--user", "clinician")
    case = Case.objects.get()
    assert out.startswith(f"Created draft case {case.pk}")
    assert "  pathology: Pathology 2026-10-02 (Other) (Observation/tumor-marker-test-ki67-ann" in out
    assert "Not mapped (5):" in out
    assert "MedicationRequest/cancer-related-medication-request-cisplatin-ann" in out
    assert "Example" not in out and "m7781" not in out, "the output names no patient"


def test_import_fhir_refuses_a_bad_bundle_with_exit_status_2(clinician, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"resourceType": "Bundle", "type": "collection", "entry": []}')
    with pytest.raises(CommandError) as raised:
        run("import_fhir", str(bad), "--user", "clinician")
    assert raised.value.returncode == 2 and "nothing was imported" in str(raised.value)
    assert not Case.objects.exists()


def test_import_fhir_asks_before_another_case_of_a_known_mrn(clinician):
    path = str(BUNDLES / "mcode-nsclc.json")
    run("import_fhir", path, "--user", "clinician")
    with pytest.raises(CommandError, match="--another-case"):
        run("import_fhir", path, "--user", "clinician")
    run("import_fhir", path, "--user", "clinician", "--another-case")
    assert Case.objects.count() == 2
