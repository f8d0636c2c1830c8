"""import_cases: lossless round trip, dry run, a bad file rejected whole with its record and field named."""

import json

import pytest

from tests.cases.exchange.files import (
    case_index,
    counts,
    drop,
    export_to,
    import_from,
    localized_with_distant_sites,
    reject,
    set_value,
    wipe_clinical_records,
    without_moment,
)

pytestmark = pytest.mark.django_db


def test_round_trip_restores_every_record_identically(export_file, tmp_path):
    before = counts()
    wipe_clinical_records()
    assert set(counts().values()) == {0}
    out, err, status = import_from(export_file)
    assert (status, err) == (0, "")
    assert counts() == before
    again = tmp_path / "again.json"
    export_to(again)
    first = json.loads(export_file.read_text(encoding="utf-8"))
    second = json.loads(again.read_text(encoding="utf-8"))
    assert without_moment(second) == without_moment(first)


def test_dry_run_checks_and_reports_but_writes_nothing(export_file):
    wipe_clinical_records()
    out, err, status = import_from(export_file, "--dry-run")
    assert status == 0
    assert "Would create: 13 patients, 14 cases" in out and "nothing was written" in out
    assert set(counts().values()) == {0}


def figo_on_colon(document):
    colon = case_index(document, "colon")
    document["cases"][colon]["staging_assessments"][0]["figo_stage"] = "IB2"
    return document


def resection_without_date(document):
    case = next(c for c in document["cases"] if c["resections"] and c["resections"][0]["margin"] == "R1")
    case["resections"][0]["resected_on"] = None
    return document


def duplicate_case_id(document):
    document["cases"][4]["id"] = document["cases"][3]["id"]
    return document


BAD_DOCUMENTS = {
    "wrong format version": (
        set_value("format", value="nanets-cases/2"),
        'format: expected "nanets-cases/1", got "nanets-cases/2"',
    ),
    "not an object": (lambda document: [document], "file: expected an object"),
    "unknown top-level key": (set_value("comment", value="x"), "comment: unknown field"),
    "patients not a list": (set_value("patients", value={}), "patients: expected a list, got an object"),
    "unknown field": (
        set_value("cases", 0, "pathology_reports", 0, "grade", value="G3"),
        "cases[0].pathology_reports[0].grade: unknown field",
    ),
    "missing field": (drop("patients", 1, "sex"), "patients[1].sex: missing"),
    "missing findings list": (drop("cases", 2, "resections"), "cases[2].resections: missing"),
    "Ki-67 above 100": (
        set_value("cases", 3, "pathology_reports", 0, "ki67_percent", value="140"),
        "cases[3].pathology_reports[0].ki67_percent: Ensure this value is less than or equal to 100.",
    ),
    "unknown code": (
        set_value("cases", 2, "primary_site", value="lung"),
        "cases[2].primary_site: Value 'lung' is not a valid choice.",
    ),
    "FIGO stage on a colon case": (
        figo_on_colon,
        "].staging_assessments[0].figo_stage: FIGO 2018 staging applies to a cervical primary only.",
    ),
    "contradictory facts": (
        localized_with_distant_sites,
        ": contradictory facts: extent: localized contradicts metastatic_sites: ",
    ),
    "resection without its date": (
        resection_without_date,
        "].resections[0].resected_on: Give the date of the resection.",
    ),
    "date in the future": (
        set_value("cases", 0, "pathology_reports", 0, "specimen_date", value="2999-01-01"),
        "cases[0].pathology_reports[0].specimen_date: 2999-01-01 is in the future.",
    ),
    "impossible date": (
        set_value("patients", 0, "date_of_birth", value="1961-02-30"),
        "patients[0].date_of_birth: ",
    ),
    "naive timestamp": (
        set_value("patients", 0, "created_at", value="2026-01-01T10:00:00"),
        "patients[0].created_at: give the time zone offset",
    ),
    "null where a value is required": (
        set_value("patients", 0, "family_name", value=None),
        "patients[0].family_name: This field cannot be null.",
    ),
    "empty required text": (
        set_value("cases", 0, "primary_site", value=""),
        "cases[0].primary_site: This field cannot be blank.",
    ),
    "number given as text": (
        set_value("cases", 0, "clinical_statuses", 0, "ecog", value="2"),
        "cases[0].clinical_statuses[0].ecog: expected a whole number or null, got text",
    ),
    "boolean given as a number": (
        set_value("cases", 0, "pathology_reports", 0, "ki67_percent", value=True),
        "ki67_percent: expected a number (or a number as text) or null, got true/false",
    ),
    "huge number": (
        set_value("cases", 0, "version", value=10**30),
        "cases[0].version: Ensure this value is less than or equal to",
    ),
    "id beyond what the database holds": (
        set_value("patients", 0, "id", value=2**70),
        "patients[0].id: Ensure this value is less than or equal to 9223372036854775807.",
    ),
    "id below one": (set_value("patients", 0, "id", value=0), "patients[0].id: expected a whole number of 1"),
    "text too long": (
        set_value("patients", 0, "mrn", value="X" * 33),
        "patients[0].mrn: Ensure this value has at most 32 characters (it has 33).",
    ),
    "NUL character": (
        set_value("cases", 0, "board_question", value="a\x00b"),
        "cases[0].board_question: contains a NUL character",
    ),
    "metastatic sites not a list": (
        set_value("cases", 0, "imaging_studies", 0, "metastatic_sites", value="liver"),
        "cases[0].imaging_studies[0].metastatic_sites: expected a list, got text",
    ),
    "unknown metastatic site": (
        set_value("cases", 0, "imaging_studies", 0, "metastatic_sites", value=["moon"]),
        "cases[0].imaging_studies[0].metastatic_sites: Unknown metastatic site(s): moon.",
    ),
    "case of a patient not in the file": (
        set_value("cases", 0, "patient", value="NOT-IN-FILE"),
        "cases[0].patient: no patient with this MRN among the file's patients",
    ),
    "user missing in this database": (
        set_value("cases", 0, "created_by", value="nobody"),
        'cases[0].created_by: no user "nobody" in this database; create the account first',
    ),
    "the same MRN twice": (
        lambda document: set_value("patients", 1, "mrn", value=document["patients"][0]["mrn"])(document),
        "patients[1].mrn: the same value as patients[0]",
    ),
    "the same case id twice": (duplicate_case_id, "cases[4].id: the same value as cases[3]"),
    "finding not an object": (
        set_value("cases", 0, "pathology_reports", 0, value="x"),
        "cases[0].pathology_reports[0]: expected an object, got text",
    ),
}


@pytest.mark.parametrize("name", list(BAD_DOCUMENTS))
def test_bad_file_is_rejected_whole_with_the_record_and_field_named(export_file, name):
    """Into an empty database, where every other record of the file would have been created."""
    wipe_clinical_records()
    reject(export_file, *BAD_DOCUMENTS[name])


@pytest.mark.parametrize(
    "name", ["Ki-67 above 100", "FIGO stage on a colon case", "user missing in this database"]
)
def test_bad_file_leaves_a_populated_database_unchanged(export_file, name):
    reject(export_file, *BAD_DOCUMENTS[name])


def test_every_problem_of_a_file_is_listed_in_file_order(export_file):
    wipe_clinical_records()
    document = json.loads(export_file.read_text(encoding="utf-8"))
    document["cases"][5]["status"] = "lost"
    document["patients"][2]["sex"] = "x"
    document["cases"][1]["pathology_reports"][0]["ki67_percent"] = "-1"
    export_file.write_text(json.dumps(document), encoding="utf-8")
    out, err, status = import_from(export_file)
    lines = [line.split(":")[0] for line in err.splitlines()[:3]]
    assert lines == ["patients[2].sex", "cases[1].pathology_reports[0].ki67_percent", "cases[5].status"]
    assert "rejected (3 problem(s))" in err
