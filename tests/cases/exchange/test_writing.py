"""Records an import creates: ids kept, sequences moved on, one history entry each, classification derived."""

import json

import pytest

from cases.exchange.layout import record_models
from cases.models import Case, Patient
from tests.cases.exchange.files import (
    import_from,
    make_user,
    ready_case_without_findings,
    wipe_clinical_records,
)
from tests.factories import (
    CaseFactory,
    PathologyReportFactory,
)

pytestmark = pytest.mark.django_db


def test_restored_database_keeps_working(export_file):
    """Id sequences move past the imported ids, so the next case gets a fresh id."""
    wipe_clinical_records()
    import_from(export_file)
    highest = Case.objects.order_by("-pk").first().pk
    assert CaseFactory().pk > highest
    assert PathologyReportFactory().pk > 0


def test_import_stamps_one_created_history_entry_per_record(export_file):
    operator = make_user("operator")
    wipe_clinical_records()
    import_from(export_file, "--user", "operator")
    exported_at = json.loads(export_file.read_text())["exported_at"][:16].replace("T", " ")
    for model in record_models():
        for record in model.objects.all():
            latest = record.history.latest()
            assert latest.history_type == "+"
            assert latest.history_user == operator
            assert latest.history_change_reason == (
                f"import_cases: restored from the export of {exported_at} UTC"
            )
            assert latest.version == record.version and latest.updated_at == record.updated_at


def test_import_without_operator_leaves_the_history_user_empty(export_file):
    wipe_clinical_records()
    import_from(export_file)
    assert {patient.history.latest().history_user for patient in Patient.objects.all()} == {None}


def test_the_classification_is_recomputed_not_taken_from_the_file(tmp_path):
    path = ready_case_without_findings(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["cases"][0]["status"] = "draft"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert import_from(path)[2] == 0
    case = Case.objects.get()
    assert case.classification == ""
    assert case.history.first().classification == ""  # the import's "created" entry
