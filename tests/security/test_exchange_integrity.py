"""import_cases refuses timestamps the database cannot give back, and derives readiness and classification."""

import json

import pytest

from cases.models import Case
from tests.factories import CaseFactory, PatientFactory
from tests.security.test_exchange import (
    export_to,
    import_from,
    reject,
    seed_full_record,
    set_value,
    wipe_clinical_records,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_file(tmp_path):
    """An export of a record giving every field a value (as in test_exchange)."""
    seed_full_record()
    path = tmp_path / "export.json"
    export_to(path)
    return path


@pytest.mark.parametrize(
    "timestamp",
    [
        "0001-01-01T00:00:00+05:00",  # before year 1 in UTC: PostgreSQL stores it, Python cannot read it back
        "9999-12-31T23:00:00-05:00",  # after year 9999 in UTC
        "1899-12-31T23:59:59+00:00",
        "2999-01-01T00:00:00+00:00",
    ],
)
@pytest.mark.parametrize(
    "where", [("patients", 0, "created_at"), ("cases", 0, "pathology_reports", 0, "updated_at")]
)
def test_timestamps_out_of_range_are_refused(export_file, timestamp, where):
    path = ".".join(str(part) for part in where).replace(".0", "[0]")
    reject(export_file, set_value(*where, value=timestamp), f'{path}: "{timestamp}" is out of range')


def test_a_refused_timestamp_never_reaches_the_table_so_every_read_still_works(export_file, client, tmp_path):
    document = json.loads(export_file.read_text(encoding="utf-8"))
    document["patients"][0]["created_at"] = "0001-01-01T00:00:00+05:00"
    export_file.write_text(json.dumps(document), encoding="utf-8")
    wipe_clinical_records()
    assert import_from(export_file)[2] == 2
    assert list(Case.objects.select_related("patient")) == []
    assert export_to(tmp_path / "after.json")  # the backup still runs


def ready_case_without_findings(tmp_path):
    """An export of one case marked ready with no finding at all and a classification it cannot have."""
    case = CaseFactory(patient=PatientFactory(mrn="READY-1"), status="ready", classification="g3_net")
    path = tmp_path / "ready.json"
    export_to(path)
    Case.objects.filter(pk=case.pk).delete()
    case.patient.delete()
    return path


def test_a_case_said_to_be_ready_without_the_facts_for_it_is_refused(tmp_path):
    path = ready_case_without_findings(tmp_path)
    out, err, status = import_from(path)
    assert status == 2
    assert "cases[0].status: ready for board, but the record lacks: " in err
    assert not Case.objects.exists()


def test_the_classification_is_recomputed_not_taken_from_the_file(tmp_path):
    path = ready_case_without_findings(tmp_path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["cases"][0]["status"] = "draft"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert import_from(path)[2] == 0
    case = Case.objects.get()
    assert case.classification == ""
    assert case.history.first().classification == ""  # the import's "created" entry
