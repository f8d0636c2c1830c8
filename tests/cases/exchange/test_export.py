"""export_cases: every field of every record, its encoding, a private file never silently replaced."""

import datetime
import io
import json
import stat

import pytest
from django.core.management import CommandError, call_command

from cases.demo import DEMO_CASES
from cases.exchange.export import export_document
from cases.exchange.layout import exported_fields, findings_key
from cases.models import FINDING_MODELS, Case, Patient
from tests.cases.exchange.files import export_to

pytestmark = pytest.mark.django_db


def test_every_concrete_field_of_every_record_model_is_in_the_export(full_record):
    document = export_document()
    keys = [findings_key(model) for model in FINDING_MODELS]
    complete = next(case for case in document["cases"] if all(case[key] for key in keys))
    objects = {Patient: document["patients"][0], Case: complete}
    objects.update({model: complete[key][0] for model, key in zip(FINDING_MODELS, keys, strict=True)})
    for model, exported in objects.items():
        names = {f.name for f in model._meta.concrete_fields}
        if model is Case:
            names.update(keys)  # the findings of a case are nested in it
        else:
            names.discard("case")
        assert names == set(exported), model.__name__


def test_the_seeded_record_gives_every_field_a_value(full_record):
    """The round trip below exercises every field: none is only ever empty."""
    document = export_document()
    rows = {Patient: document["patients"], Case: document["cases"]}
    for model in FINDING_MODELS:
        rows[model] = [row for case in document["cases"] for row in case[findings_key(model)]]
    for model, records in rows.items():
        for f in exported_fields(model):
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
