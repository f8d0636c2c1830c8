"""Records already in the database: identical ones left alone, other values a conflict, others kept."""

import json

import pytest

from cases.exchange.layout import record_models
from cases.models import Case, Patient
from tests.cases.exchange.files import import_from, snapshot, wipe_clinical_records
from tests.factories import (
    CaseFactory,
    PatientFactory,
)

pytestmark = pytest.mark.django_db


def test_importing_the_same_file_again_changes_nothing(export_file):
    before = snapshot()
    history = {model: model.history.count() for model in record_models()}
    out, err, status = import_from(export_file)
    assert status == 0
    assert "Created: nothing." in out and "Already present and identical" in out
    assert snapshot() == before
    assert {model: model.history.count() for model in record_models()} == history


def test_restore_next_to_records_created_after_the_export(export_file):
    wipe_clinical_records()
    newer = CaseFactory(primary_site="colon")
    out, err, status = import_from(export_file)
    assert status == 0
    assert Case.objects.filter(pk=newer.pk, primary_site="colon").exists()
    assert Case.objects.count() == len(json.loads(export_file.read_text())["cases"]) + 1


def test_existing_patient_with_other_values_is_a_conflict(export_file):
    Patient.objects.filter(mrn="DEMO-0001").update(family_name="Changed")
    before = snapshot()
    out, err, status = import_from(export_file)
    assert status == 2
    assert "patients[0]: this patient is already in the database with other values in family_name;" in err
    assert snapshot() == before


def test_same_mrn_created_separately_is_a_conflict_not_a_merge(export_file):
    wipe_clinical_records()
    PatientFactory(mrn="DEMO-0002", family_name="Demopatient", given_name="Bravo")
    before = snapshot()
    out, err, status = import_from(export_file)
    assert status == 2
    assert "patients[1]: this patient is already in the database with other values in id," in err
    assert snapshot() == before


def test_case_changed_since_the_export_is_a_conflict(export_file):
    case = Case.objects.order_by("pk").first()
    case.board_question = "Changed after the export"
    case.save()
    before = snapshot()
    out, err, status = import_from(export_file)
    assert status == 2
    assert "cases[0]: this case is already in the database with other values in version, updated_at" in err
    assert snapshot() == before


def test_finding_deleted_since_the_export_is_restored(export_file):
    case = Case.objects.order_by("pk").first()
    report = case.pathology_reports.get()
    report_id = report.pk
    report.delete()
    out, err, status = import_from(export_file)
    assert status == 0 and "Created: 1 pathology reports." in out
    assert case.pathology_reports.get().pk == report_id


def test_id_and_mrn_matching_two_different_patients_is_a_conflict(export_file):
    document = json.loads(export_file.read_text(encoding="utf-8"))
    document["patients"][0]["mrn"] = document["patients"][1]["mrn"]
    document["patients"][1]["mrn"] = "SWAPPED"
    document["cases"][1]["patient"] = "SWAPPED"
    export_file.write_text(json.dumps(document), encoding="utf-8")
    out, err, status = import_from(export_file)
    assert status == 2
    assert "patients[0]: its unique fields match 2 different patients already in the database" in err
