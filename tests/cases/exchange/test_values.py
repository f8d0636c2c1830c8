"""Values of the file: timestamps the database cannot give back are refused."""

import json

import pytest

from cases.models import Case
from tests.cases.exchange.files import export_to, import_from, reject, set_value, wipe_clinical_records

pytestmark = pytest.mark.django_db


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
