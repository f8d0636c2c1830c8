"""export_cases / import_cases: lossless round trip, whole-file rejection, duplicates, history, privacy."""

import copy
import datetime
import io
import json
import logging
import os
import stat
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import factory
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from cases import exchange
from cases.demo import DEMO_CASES, seed_demo_cases
from cases.models import Case, Patient
from cases.models.records import Authored
from tests.factories import (
    CaseFactory,
    ClinicalStatusFactory,
    ImagingStudyFactory,
    MolecularResultFactory,
    PathologyReportFactory,
    PatientFactory,
    ResectionFactory,
    StagingAssessmentFactory,
    TreatmentLineFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def make_user(username):
    """A clinician who never logs in here: an unusable password skips the deliberately slow hashing."""
    return UserFactory(username=username, password=factory.Transformer.Force("!unusable"))


def valid(record):
    """A factory-made record, checked by the model's own validation like the forms would."""
    record.full_clean()
    return record


def seed_full_record():
    """The 12 demo cases plus records that give every field of every record model a value."""
    clinician = make_user("clinician")
    registrar = make_user("registrar")
    seed_demo_cases(clinician)
    stamp = {"created_by": registrar, "updated_by": clinician}
    patient = valid(PatientFactory(given_name="Zoë", sex="other", **stamp))
    cervix = valid(
        CaseFactory(
            patient=patient,
            primary_site="cervix",
            status="discussed",
            responsible_clinician=registrar,
            board_question="Adjuvant therapy? — «ünïcode» ✓",
            classification="nec",
            **stamp,
        )
    )
    pathology = valid(
        PathologyReportFactory(
            case=cervix,
            specimen="primary",
            differentiation="poor",
            morphology="small_cell",
            ki67_percent=Decimal("85.5"),
            mitoses_per_2mm2=Decimal("40.5"),
            lower_grade_component=False,
            non_neuroendocrine_component=True,
            p53_ihc="aberrant",
            rb_ihc="lost",
            sstr2a_ihc="negative",
            **stamp,
        )
    )
    pathology.save()  # a second save: version 2
    valid(
        ImagingStudyFactory(
            case=cervix,
            modality="fdg_pet",
            fdg_avidity="positive",
            metastatic_sites=["liver", "brain"],
            brain_metastases_count=2,
            **stamp,
        )
    )
    valid(ImagingStudyFactory(case=cervix, modality="sstr_pet", sstr_uptake="low_or_heterogeneous", **stamp))
    valid(ImagingStudyFactory(case=cervix, modality="brain_mri", performed=False, **stamp))
    valid(
        MolecularResultFactory(
            case=cervix,
            ordered_on=datetime.date(2026, 1, 2),
            mmr="deficient",
            ngs="done",
            tmb_high=True,
            ntrk_fusion=False,
            ret_fusion=False,
            braf_v600e=True,
            **stamp,
        )
    )
    valid(
        StagingAssessmentFactory(
            case=cervix,
            extent="metastatic",
            figo_stage="IVB",
            tumor_size_cm=Decimal("3.5"),
            deep_stromal_invasion=True,
            lvsi=False,
            resectable=True,
            **stamp,
        )
    )
    valid(
        ClinicalStatusFactory(
            case=cervix,
            ecog=2,
            hormonal_syndrome=False,
            carcinoid_syndrome_suspected=True,
            hiaa_5_elevated=False,
            cns_symptoms=True,
            disease_pace="rapid",
            discordant_lesion_growth=True,
            etoposide_unsuitable=False,
            **stamp,
        )
    )
    valid(ResectionFactory(case=cervix, margin="R1", radiation_amenable=True, **stamp))
    valid(
        TreatmentLineFactory(
            case=cervix,
            regimen="platinum_etoposide",
            started_on=datetime.date(2026, 2, 15),
            ended_on=datetime.date(2026, 6, 1),
            cycles=6,
            best_response="PR",
            progressed=True,
            progression_date=datetime.date(2026, 8, 1),
            progressed_during_break=True,
            **stamp,
        )
    )
    pancreas = valid(
        CaseFactory(
            patient=patient, primary_site="pancreas", status="closed", close_reason="Entered twice", **stamp
        )
    )
    valid(
        StagingAssessmentFactory(
            case=pancreas,
            extent="metastatic",
            pancreatic_location="head",
            liver_dominant=True,
            high_systemic_burden=False,
            **stamp,
        )
    )


def counts():
    """How many records of each model the database holds."""
    return {model.__name__: model.objects.count() for model in exchange.record_models()}


def snapshot():
    """Everything the export holds except the moment it was taken, and the record counts."""
    document = exchange.export_document()
    del document["exported_at"]
    return document, counts()


def wipe_clinical_records():
    """Delete every patient, case and finding (findings first: cases and patients are protected)."""
    for model in reversed(exchange.record_models()):
        model.objects.all().delete()


def export_to(path):
    out = io.StringIO()
    call_command("export_cases", str(path), stdout=out)
    return out.getvalue()


def import_from(path, *args):
    """Run import_cases; return (stdout, stderr, exit status)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_cases", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(str(error))
        return out.getvalue(), err.getvalue(), error.returncode
    return out.getvalue(), err.getvalue(), 0


def without_moment(document):
    return {key: value for key, value in document.items() if key != "exported_at"}


@pytest.fixture
def full_record():
    seed_full_record()


@pytest.fixture
def export_file(full_record, tmp_path):
    path = tmp_path / "export.json"
    export_to(path)
    return path


# --- the export covers every field ------------------------------------------------------------


def test_every_record_model_of_the_cases_app_is_exported():
    authored = {model for model in apps.get_app_config("cases").get_models() if issubclass(model, Authored)}
    assert authored == set(exchange.record_models())
    assert len(exchange.finding_models()) == 7


def test_every_concrete_field_of_every_record_model_is_in_the_export(full_record):
    document = exchange.export_document()
    keys = [exchange.findings_key(model) for model in exchange.finding_models()]
    complete = next(case for case in document["cases"] if all(case[key] for key in keys))
    objects = {Patient: document["patients"][0], Case: complete}
    objects.update(
        {model: complete[key][0] for model, key in zip(exchange.finding_models(), keys, strict=True)}
    )
    for model, exported in objects.items():
        names = {f.name for f in model._meta.concrete_fields}
        if model is Case:
            names.update(keys)  # the findings of a case are nested in it
        else:
            names.discard("case")
        assert names == set(exported), model.__name__


def test_the_seeded_record_gives_every_field_a_value(full_record):
    """The round trip below exercises every field: none is only ever empty."""
    document = exchange.export_document()
    rows = {Patient: document["patients"], Case: document["cases"]}
    for model in exchange.finding_models():
        rows[model] = [row for case in document["cases"] for row in case[exchange.findings_key(model)]]
    for model, records in rows.items():
        for f in exchange.exported_fields(model):
            values = [record[f.name] for record in records]
            assert any(value not in (None, "", [], {}) for value in values), f"{model.__name__}.{f.name}"


def test_export_format_and_encoding(export_file):
    document = json.loads(export_file.read_text(encoding="utf-8"))
    assert document["format"] == "nanets-cases/1"
    assert list(document) == ["format", "exported_at", "migration", "patients", "cases"]
    assert document["migration"].startswith("cases.0")
    assert datetime.datetime.fromisoformat(document["exported_at"]).utcoffset() == datetime.timedelta(0)
    assert {patient["mrn"] for patient in document["patients"]} >= {spec.mrn for spec in DEMO_CASES}
    zoe = next(
        case
        for case in document["cases"]
        if case["primary_site"] == "cervix" and case["status"] == "discussed"
    )
    assert zoe["patient"] == Patient.objects.get(given_name="Zoë").mrn
    assert zoe["responsible_clinician"] == "registrar" and zoe["created_by"] == "registrar"
    report = zoe["pathology_reports"][0]
    assert report["ki67_percent"] == "85.5" and report["version"] == 2
    assert zoe["imaging_studies"][0]["metastatic_sites"] == ["liver", "brain"]
    assert "«ünïcode» ✓" in export_file.read_text(encoding="utf-8")  # UTF-8, not \u escapes


def test_export_file_is_private_and_never_silently_replaced(export_file):
    assert stat.S_IMODE(export_file.stat().st_mode) == 0o600
    before = export_file.read_bytes()
    with pytest.raises(CommandError, match="exists already"):
        export_to(export_file)
    assert export_file.read_bytes() == before
    call_command("export_cases", str(export_file), "--overwrite", stdout=io.StringIO())
    assert json.loads(export_file.read_text())["exported_at"] != json.loads(before)["exported_at"]
    assert [p.name for p in export_file.parent.iterdir()] == [export_file.name]  # no partial file left


# --- round trip -------------------------------------------------------------------------------


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
    for model in exchange.record_models():
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


def test_importing_the_same_file_again_changes_nothing(export_file):
    before = snapshot()
    history = {model: model.history.count() for model in exchange.record_models()}
    out, err, status = import_from(export_file)
    assert status == 0
    assert "Created: nothing." in out and "Already present and identical" in out
    assert snapshot() == before
    assert {model: model.history.count() for model in exchange.record_models()} == history


def test_restore_next_to_records_created_after_the_export(export_file):
    wipe_clinical_records()
    newer = CaseFactory(primary_site="colon")
    out, err, status = import_from(export_file)
    assert status == 0
    assert Case.objects.filter(pk=newer.pk, primary_site="colon").exists()
    assert Case.objects.count() == len(json.loads(export_file.read_text())["cases"]) + 1


def test_dry_run_checks_and_reports_but_writes_nothing(export_file):
    wipe_clinical_records()
    out, err, status = import_from(export_file, "--dry-run")
    assert status == 0
    assert "Would create: 13 patients, 14 cases" in out and "nothing was written" in out
    assert set(counts().values()) == {0}


def test_unknown_operator_is_refused(export_file):
    wipe_clinical_records()
    out, err, status = import_from(export_file, "--user", "nobody")
    assert status == 2 and "--user" in err
    assert set(counts().values()) == {0}


# --- a bad file is rejected as a whole --------------------------------------------------------


def case_index(document, primary_site):
    return next(i for i, case in enumerate(document["cases"]) if case["primary_site"] == primary_site)


def set_value(*path, value):
    def mutate(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        return document

    return mutate


def drop(*path):
    def mutate(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
        return document

    return mutate


def figo_on_colon(document):
    colon = case_index(document, "colon")
    document["cases"][colon]["staging_assessments"][0]["figo_stage"] = "IB2"
    return document


def localized_with_distant_sites(document):
    """A case whose imaging shows distant metastases, its staging changed to localized."""
    case = next(
        c
        for c in document["cases"]
        if c["staging_assessments"] and any(study["metastatic_sites"] for study in c["imaging_studies"])
    )
    for staging in case["staging_assessments"]:
        staging.update(extent="localized", figo_stage=None, liver_dominant=None, high_systemic_burden=None)
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


def reject(export_file, mutate, expected):
    """Import the export changed by mutate: rejected with the expected line, database unchanged."""
    document = mutate(json.loads(export_file.read_text(encoding="utf-8")))
    export_file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    before = snapshot()
    out, err, status = import_from(export_file)
    assert status == 2
    assert expected in err
    assert "nothing was imported" in err and out == ""
    assert snapshot() == before


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


BAD_TEXTS = {
    "not JSON": (lambda text: text[:-40], "file: not valid JSON: "),
    "not UTF-8": (lambda text: "\udcff" + text, "file: not UTF-8 text"),
    "NaN": (lambda text: text.replace('"version": 1', '"version": NaN', 1), "file: not valid JSON: NaN"),
    "repeated key": (
        lambda text: text.replace(
            '"format": "nanets-cases/1",', '"format": "nanets-cases/1", "format": "x",'
        ),
        'file: not valid here: the key "format" appears twice in one object',
    ),
    "unpaired surrogate": (
        lambda text: text.replace('"board_question": "', '"board_question": "\\ud800', 1),
        "].board_question: contains an unpaired surrogate",
    ),
    "nested too deeply": (
        lambda text: "[" * 100_000 + "]" * 100_000,
        "file: not valid here: nested too deeply",
    ),
    "empty file": (lambda text: "", "file: not valid JSON: Expecting value"),
}


@pytest.mark.parametrize("name", list(BAD_TEXTS))
def test_broken_file_is_rejected(export_file, name):
    mutate, expected = BAD_TEXTS[name]
    wipe_clinical_records()
    export_file.write_bytes(
        mutate(export_file.read_text(encoding="utf-8")).encode("utf-8", errors="surrogateescape")
    )
    out, err, status = import_from(export_file)
    assert status == 2 and expected in err
    assert set(counts().values()) == {0}


def test_missing_file_is_rejected(tmp_path):
    out, err, status = import_from(tmp_path / "absent.json")
    assert status == 2 and "file: cannot be read" in err


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


# --- records already in the database ----------------------------------------------------------


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


# --- privacy and the command line -------------------------------------------------------------


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


def test_contradictory_case_is_refused_naming_the_case_and_both_fields(export_file):
    """The engine's consistency check runs on import: the record is named, nothing is written."""
    document = json.loads(export_file.read_text(encoding="utf-8"))
    localized_with_distant_sites(document)
    index = next(
        i
        for i, c in enumerate(document["cases"])
        if c["staging_assessments"]
        and c["staging_assessments"][0]["extent"] == "localized"
        and any(s["metastatic_sites"] for s in c["imaging_studies"])
    )
    wipe_clinical_records()
    export_file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    out, err, status = import_from(export_file)
    assert status == 2
    assert f"cases[{index}]: contradictory facts: extent: localized contradicts metastatic_sites: " in err
    assert counts() == {name: 0 for name in counts()}
