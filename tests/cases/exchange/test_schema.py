"""case-file.schema.json: each field described as the model reads it; exports validate; the import uses it."""

import copy
import datetime
import json

import pytest
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from cases.exchange import schema
from cases.exchange.errors import ImportRejected
from cases.exchange.export import export_document
from cases.exchange.importing import import_document
from cases.exchange.layout import exported_fields, findings_key, record_models
from cases.exchange.schema import FORMAT, SCHEMA
from cases.models import FINDING_MODELS, Authored, Case
from cases.models.choices import MetastaticSite
from tests.cases.exchange.files import make_user, seed_full_record, wipe_clinical_records
from tests.factories import (
    CaseFactory,
    ImagingStudyFactory,
    MolecularResultFactory,
    PatientFactory,
    ResectionFactory,
    TreatmentLineFactory,
)

pytestmark = pytest.mark.django_db

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def is_date_time(value):
    """RFC 3339 date and time with its offset (jsonschema checks it only with an extra package)."""
    return not isinstance(value, str) or datetime.datetime.fromisoformat(value).utcoffset() is not None


EXPORTS = Draft202012Validator(SCHEMA, format_checker=FORMATS)
RECORD_FIELDS = [(model, f) for model in record_models() for f in exported_fields(model)]


def definition(model):
    return SCHEMA["$defs"][model.__name__]


def resolved(property_schema):
    """A property's schema, following its reference to a shared definition."""
    if "$ref" in property_schema:
        return SCHEMA["$defs"][property_schema["$ref"].removeprefix("#/$defs/")]
    return property_schema


def expected_keywords(f):
    """The schema keywords a field should have, read from the model field itself."""
    if f.is_relation:
        types = ["string"]  # a username, or a patient's MRN
    elif isinstance(f, models.BooleanField):
        types = ["boolean"]
    elif isinstance(f, models.DecimalField):
        types = ["string", "number"]
    elif isinstance(f, models.IntegerField):
        types = ["integer"]
    elif isinstance(f, models.JSONField):
        types = ["array"]
    else:
        types = ["string"]
    if f.null:
        types.append("null")
    keywords = {"type": types[0] if len(types) == 1 else types}
    if isinstance(f, models.DateTimeField):
        keywords["format"] = "date-time"
    elif isinstance(f, models.DateField):
        keywords["format"] = "date"
    if f.choices:
        keywords["enum"] = [code for code, _ in f.choices] + [""] * f.blank + [None] * f.null
    elif isinstance(f, models.CharField | models.TextField) and not f.is_relation:
        keywords.update({"minLength": 1} if not f.blank else {})
        keywords["maxLength"] = f.max_length
    if isinstance(f, models.IntegerField):
        # The field's own validators, not the database's integer range (SQLite and PostgreSQL differ).
        lowest = [v.limit_value for v in f._validators if isinstance(v, MinValueValidator)]
        highest = [v.limit_value for v in f._validators if isinstance(v, MaxValueValidator)]
        lowest += [1] * f.primary_key + [0] * f.get_internal_type().startswith("Positive")
        keywords.update({"minimum": max(lowest)} if lowest else {})
        keywords.update({"maximum": min(highest)} if highest else {})
    if isinstance(f, models.JSONField):
        keywords["items"] = {"type": "string", "enum": list(MetastaticSite.values)}
    return keywords


# --- the schema describes the models ---------------------------------------------------------


def test_the_schema_is_a_draft_2020_12_schema_versioned_like_the_file():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$id"] == FORMAT == "nanets-cases/1"
    assert SCHEMA["title"].startswith(f"{FORMAT}: ")
    assert list(SCHEMA["properties"]) == SCHEMA["required"] == list(export_document())
    assert SCHEMA["additionalProperties"] is False


@pytest.mark.parametrize("model", record_models(), ids=lambda model: model.__name__)
def test_every_record_model_is_defined_with_exactly_its_fields(model):
    names = [f.name for f in exported_fields(model)]
    if model is Case:
        names += [findings_key(finding) for finding in FINDING_MODELS]
    assert list(definition(model)["properties"]) == names
    assert definition(model)["required"] == names
    assert definition(model)["type"] == "object" and definition(model)["additionalProperties"] is False


@pytest.mark.parametrize("model", record_models(), ids=lambda model: model.__name__)
def test_the_bookkeeping_fields_are_described_once_for_every_record(model):
    for name in ("id", *Authored.BOOKKEEPING_FIELDS):
        assert definition(model)["properties"][name] == {"$ref": f"#/$defs/{name}"}


@pytest.mark.parametrize("model, f", RECORD_FIELDS, ids=[f"{m.__name__}.{f.name}" for m, f in RECORD_FIELDS])
def test_each_field_is_described_as_the_model_reads_it(model, f):
    described = resolved(definition(model)["properties"][f.name])
    assert {key: value for key, value in described.items() if key != "description"} == expected_keywords(f)


def test_the_findings_of_a_case_are_nested_by_kind():
    for finding in FINDING_MODELS:
        nested = definition(Case)["properties"][findings_key(finding)]
        assert nested["type"] == "array"
        assert nested["items"] == {"$ref": f"#/$defs/{finding.__name__}"}
    assert SCHEMA["properties"]["cases"]["items"] == {"$ref": "#/$defs/Case"}


def test_every_field_and_every_definition_has_a_description():
    described = [SCHEMA, *SCHEMA["properties"].values(), *SCHEMA["$defs"].values()]
    for model in record_models():
        described += [resolved(prop) for prop in definition(model)["properties"].values()]
    assert all(item.get("description", "").strip() for item in described)


# --- exports validate ------------------------------------------------------------------------


def no_records():
    pass


def bare_case():
    """A draft case with no finding, no board question and no authors, of a patient of unknown sex."""
    CaseFactory(patient=PatientFactory(sex="unknown"), board_question="")


def records_of_what_was_not_done():
    """A study not done, tests pending, no resection, a line still going on, a case closed."""
    author = make_user("clinician")
    case = CaseFactory(status="closed", close_reason="Duplicate", created_by=author, updated_by=author)
    ImagingStudyFactory(case=case, modality="brain_mri", performed=False, study_date=None)
    MolecularResultFactory(case=case, ngs="pending", mmr="not_done", result_date=None, ordered_on=None)
    ResectionFactory(case=case, margin="not_resected", resected_on=None)
    TreatmentLineFactory(case=case, started_on=datetime.date(2026, 3, 1), ended_on=None, cycles=None)


def a_patient_without_cases():
    PatientFactory(given_name="Ünïcødé Zoë", family_name="O'Brien-Łukasz")


SHAPES = {
    "no records": no_records,
    "demo cases and every field given": seed_full_record,
    "a case with no finding": bare_case,
    "what was not done": records_of_what_was_not_done,
    "a patient without cases": a_patient_without_cases,
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_exports_validate_against_the_schema(shape):
    SHAPES[shape]()
    document = json.loads(json.dumps(export_document()))  # as written to the file
    assert [error.message for error in EXPORTS.iter_errors(document)] == []


def test_an_export_that_does_not_fit_the_schema_is_caught():
    """The validation above can fail: a code the schema does not know is an error."""
    seed_full_record()
    document = json.loads(json.dumps(export_document()))
    document["cases"][0]["status"] = "archived"
    assert [error.json_path for error in EXPORTS.iter_errors(document)] == ["$.cases[0].status"]


# --- the import takes the structure from the schema ------------------------------------------


@pytest.fixture
def exported(full_record):
    document = export_document()
    wipe_clinical_records()
    return document


def problems_of(document):
    with pytest.raises(ImportRejected) as rejected:
        import_document(document)
    return [str(problem) for problem in rejected.value.problems]


def test_a_whole_number_written_with_a_fraction_is_refused(exported):
    """JSON Schema counts 2.0 as an integer; the import does not."""
    exported["cases"][0]["clinical_statuses"][0]["ecog"] = 2.0
    assert problems_of(exported) == [
        "cases[0].clinical_statuses[0].ecog: expected a whole number or null, got a number"
    ]


def test_the_known_keys_of_a_record_are_the_schemas(exported, monkeypatch):
    changed = copy.deepcopy(SCHEMA)
    del changed["$defs"]["Patient"]["properties"]["sex"]
    changed["$defs"]["Patient"]["required"].remove("sex")
    monkeypatch.setattr(schema, "SCHEMA", changed)
    schema._validator.cache_clear()
    try:
        problems = problems_of(exported)
    finally:
        schema._validator.cache_clear()
    assert problems[0] == "patients[0].sex: unknown field"
    assert len([p for p in problems if p.endswith(".sex: unknown field")]) == len(exported["patients"])


# Values an edit of an export may put in a field: each is refused or accepted by the import.
EDITS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=2**40),
    st.sampled_from(["", "0", "4.5", "100.0", "2026-01-01", "2026-01-01T00:00:00+00:00", "liver", "ct"]),
    st.sampled_from(["poor", "R0", "draft", "closed", "IB2", "unknown", "clinician", "DEMO-0001"]),
    st.lists(st.sampled_from(["liver", "bone", "brain", "moon"]), max_size=3),
)


def fields_of(document):
    """Every (record, key) of a document whose value is not a list of findings."""
    for patient in document["patients"]:
        yield from ((patient, key) for key in patient)
    for case in document["cases"]:
        for key, value in case.items():
            if isinstance(value, list) and key != "metastatic_sites":
                yield from ((finding, name) for finding in value for name in finding)
            else:
                yield case, key


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_file_the_import_accepts_validates_against_the_schema(exported, data):
    document = copy.deepcopy(exported)
    places = list(fields_of(document))
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="edits")):
        record, key = data.draw(st.sampled_from(places), label="field")
        record[key] = data.draw(EDITS, label="value")
    with transaction.atomic():
        try:
            import_document(copy.deepcopy(document))
            accepted = True
        except ImportRejected:
            accepted = False
        transaction.set_rollback(True)
    if accepted:
        assert [error.message for error in Draft202012Validator(SCHEMA).iter_errors(document)] == []
