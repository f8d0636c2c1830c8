"""Plausible dates across the record (issue 13 item 5), bounded and visible text (item 9): a test per rule."""

import copy
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.exchange.errors import ImportRejected
from cases.exchange.export import export_document
from cases.exchange.importing import import_document
from cases.exchange.layout import record_models
from cases.forms import MolecularForm, PathologyForm
from cases.models.text import BOARD_QUESTION_LENGTH, DECISION_TEXT_LENGTH
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
)
from tests.meetings.factories import AgendaItemFactory, AttendeeFactory, DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)
BORN = datetime.date(1960, 1, 1)


def errors_of(record) -> dict[str, list[str]]:
    try:
        record.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


# --- 5. plausible dates -----------------------------------------------------------------------


@pytest.mark.parametrize("day", [datetime.date(1, 1, 1), datetime.date(1899, 12, 31)])
def test_birth_date_before_1900_is_refused(day):
    problems = errors_of(PatientFactory.build(date_of_birth=day))
    assert list(problems) == ["date_of_birth"]
    assert "before 1900" in problems["date_of_birth"][0]


def test_birth_date_in_1900_is_accepted():
    assert errors_of(PatientFactory.build(date_of_birth=datetime.date(1900, 1, 1))) == {}


def test_birth_date_in_the_future_is_refused():
    assert list(errors_of(PatientFactory.build(date_of_birth=TOMORROW))) == ["date_of_birth"]


FINDING_DATES = [
    (PathologyReportFactory, "specimen_date"),
    (ImagingStudyFactory, "study_date"),
    (MolecularResultFactory, "result_date"),
    (MolecularResultFactory, "ordered_on"),
    (StagingAssessmentFactory, "assessed_on"),
    (ClinicalStatusFactory, "assessed_on"),
    (ResectionFactory, "resected_on"),
    (TreatmentLineFactory, "started_on"),
    (TreatmentLineFactory, "ended_on"),
    (TreatmentLineFactory, "progression_date"),
]


@pytest.mark.parametrize(("factory", "name"), FINDING_DATES)
def test_clinical_date_before_1900_is_refused(factory, name):
    """A specimen date of 1500 (or any clinical date before 1900) is a typing slip."""
    case = CaseFactory(patient=PatientFactory(date_of_birth=datetime.date(1900, 1, 1)))
    record = factory.build(case=case, **{name: datetime.date(1500, 6, 1)})
    problems = errors_of(record)
    assert name in problems
    assert "before 1900" in problems[name][0]


@pytest.mark.parametrize(("factory", "name"), FINDING_DATES)
def test_clinical_date_before_birth_is_refused(factory, name):
    case = CaseFactory(patient=PatientFactory(date_of_birth=BORN))
    record = factory.build(case=case, **{name: datetime.date(1959, 12, 31)})
    problems = errors_of(record)
    assert name in problems
    assert "before the patient's date of birth (1960-01-01)" in problems[name][0]


@pytest.mark.parametrize(("factory", "name"), FINDING_DATES)
def test_clinical_date_in_the_future_is_refused(factory, name):
    record = factory.build(case=CaseFactory(), **{name: TOMORROW})
    assert name in errors_of(record)


def test_clinical_date_on_the_birth_date_is_accepted():
    case = CaseFactory(patient=PatientFactory(date_of_birth=BORN))
    assert errors_of(PathologyReportFactory.build(case=case, specimen_date=BORN)) == {}


def test_birth_date_moved_after_a_clinical_date_is_refused_naming_it():
    patient = PatientFactory(date_of_birth=BORN)
    PathologyReportFactory(case=CaseFactory(patient=patient), specimen_date=datetime.date(2020, 3, 4))
    patient.date_of_birth = datetime.date(2021, 1, 1)
    problems = errors_of(patient)
    assert list(problems) == ["date_of_birth"]
    assert "specimen date" in problems["date_of_birth"][0] and "2020-03-04" in problems["date_of_birth"][0]


@pytest.mark.parametrize(
    "starts_at",
    [
        datetime.datetime(9999, 12, 31, 23, 0, tzinfo=datetime.UTC),
        datetime.datetime(1999, 12, 31, 9, 0, tzinfo=datetime.UTC),
        timezone.now() + datetime.timedelta(days=3 * 365),
    ],
)
def test_meeting_outside_the_window_is_refused(starts_at):
    problems = errors_of(MeetingFactory.build(starts_at=starts_at))
    assert list(problems) == ["starts_at"]


def test_meeting_within_the_window_is_accepted():
    assert errors_of(MeetingFactory.build(starts_at=timezone.now() + datetime.timedelta(days=400))) == {}


def test_import_refuses_a_finding_before_the_birth_date_of_the_files_patient():
    """Import runs the same validators: a new patient's birth date is read from the file itself."""
    patient = PatientFactory(date_of_birth=BORN)
    PathologyReportFactory(case=CaseFactory(patient=patient), specimen_date=datetime.date(2020, 1, 1))
    document = export_document()
    broken = copy.deepcopy(document)
    broken["patients"][0]["date_of_birth"] = "2021-05-05"
    for model in reversed(record_models()):
        model.objects.all().delete()
    with pytest.raises(ImportRejected) as rejected:
        import_document(broken)
    (problem,) = rejected.value.problems
    assert problem.where == "cases[0].pathology_reports[0].specimen_date"
    assert problem.message == "2020-01-01 is before the patient's date of birth (2021-05-05)."


def test_import_refuses_a_birth_date_before_1900():
    PatientFactory()
    document = export_document()
    document["patients"][0]["date_of_birth"] = "0001-01-01"
    for model in reversed(record_models()):
        model.objects.all().delete()
    with pytest.raises(ImportRejected) as rejected:
        import_document(document)
    assert [p.where for p in rejected.value.problems] == ["patients[0].date_of_birth"]


# --- 4. tests not done need no date -------------------------------------------------------------


def test_a_study_not_done_needs_no_date_and_a_done_one_does():
    case = CaseFactory()
    assert (
        errors_of(ImagingStudyFactory.build(case=case, modality="fdg_pet", performed=False, study_date=None))
        == {}
    )
    problems = errors_of(ImagingStudyFactory.build(case=case, modality="fdg_pet", study_date=None))
    assert list(problems) == ["study_date"]


@pytest.mark.parametrize(
    ("mmr", "ngs"), [("not_done", "not_done"), ("not_done", "pending"), (None, "pending")]
)
def test_molecular_tests_not_done_or_pending_need_no_result_date(mmr, ngs):
    record = MolecularResultFactory.build(case=CaseFactory(), result_date=None, mmr=mmr, ngs=ngs)
    assert errors_of(record) == {}


@pytest.mark.parametrize(
    ("mmr", "ngs"), [("proficient", None), ("not_done", "done"), ("deficient", "pending")]
)
def test_a_molecular_result_needs_its_date(mmr, ngs):
    record = MolecularResultFactory.build(case=CaseFactory(), result_date=None, mmr=mmr, ngs=ngs)
    assert list(errors_of(record)) == ["result_date"]


def test_ordered_after_the_result_is_refused():
    record = MolecularResultFactory.build(
        case=CaseFactory(), ordered_on=datetime.date(2026, 2, 1), result_date=datetime.date(2026, 1, 20)
    )
    assert list(errors_of(record)) == ["ordered_on"]


# --- 9. bounded free text, identifiers without hidden characters, strict answers ---------------------


def test_board_question_is_bounded():
    case = CaseFactory.build(patient=PatientFactory(), board_question="x" * (BOARD_QUESTION_LENGTH + 1))
    assert list(errors_of(case)) == ["board_question"]
    case.board_question = "x" * BOARD_QUESTION_LENGTH
    assert errors_of(case) == {}


def test_agenda_question_is_bounded():
    item = AgendaItemFactory()
    item.board_question = "x" * (BOARD_QUESTION_LENGTH + 1)
    assert list(errors_of(item)) == ["board_question"]


@pytest.mark.parametrize("name", ["plan", "deviation_detail"])
def test_decision_text_is_bounded(name):
    decision = DecisionFactory()
    setattr(decision, name, "x" * (DECISION_TEXT_LENGTH + 1))
    assert name in errors_of(decision)


HIDDEN = {
    "right-to-left override": "\u202e",
    "left-to-right isolate": "\u2066",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "byte order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "no-break space": "\u00a0",
    "line separator": "\u2028",
    "tab": "\t",
}


@pytest.mark.parametrize("character", HIDDEN.values(), ids=HIDDEN.keys())
@pytest.mark.parametrize("name", ["mrn", "family_name", "given_name"])
def test_identifiers_refuse_invisible_characters(name, character):
    patient = PatientFactory.build(**{name: f"AB{character}12"})
    problems = errors_of(patient)
    assert list(problems) == [name]
    assert f"U+{ord(character):04X}" in problems[name][0]


def test_mrn_refuses_a_space_names_accept_one():
    assert list(errors_of(PatientFactory.build(mrn="AB 12"))) == ["mrn"]
    assert errors_of(PatientFactory.build(family_name="de la Cruz", given_name="Zoë Anne")) == {}


def test_attendee_name_refuses_invisible_characters():
    attendee = AttendeeFactory.build(meeting=MeetingFactory(), name="Dr. Eve\u202eliA")
    assert list(errors_of(attendee)) == ["name"]


@pytest.mark.parametrize("value", ["maybe", "1", "yes", "True", "on"])
def test_a_bad_yes_no_value_is_refused_not_read_as_unknown(value):
    form = PathologyForm(
        {
            "specimen": "primary",
            "specimen_date": "2026-01-05",
            "differentiation": "well",
            "ki67_percent": "30",
            "lower_grade_component": value,
        }
    )
    form.instance.case = CaseFactory()
    assert not form.is_valid()
    assert form.errors["lower_grade_component"] == ["Choose Yes, No or Unknown."]


@pytest.mark.parametrize(
    ("value", "stored"), [("unknown", None), ("true", True), ("false", False), ("", None)]
)
def test_the_yes_no_values_the_page_sends_are_read(value, stored):
    form = MolecularForm({"result_date": "2026-01-05", "mmr": "proficient", "ngs": "done", "tmb_high": value})
    form.instance.case = CaseFactory()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["tmb_high"] is stored


@pytest.mark.parametrize("version", ["abc", "-1", "0", "1.5"])
def test_a_tampered_version_is_refused_naming_the_field(version):
    record = PathologyReportFactory()
    form = PathologyForm(
        {
            "specimen": "primary",
            "specimen_date": "2026-01-05",
            "differentiation": "well",
            "ki67_percent": "30",
            "loaded_version": version,
        },
        instance=record,
    )
    assert not form.is_valid()
    assert "Record version" in form.non_field_errors()[0]


def test_a_bad_yes_no_value_in_an_optional_form_is_refused_not_a_server_error():
    """Found by the fuzzer: has_changed() of the optional resection form raised on a bad answer."""
    from cases.forms import ResectionForm

    data = {"resection-radiation_amenable": " "}
    form = ResectionForm(data, prefix="resection", empty_permitted=True, use_required_attribute=False)
    form.instance.case = CaseFactory()
    assert form.has_changed()
    assert not form.is_valid()
    assert "radiation_amenable" in form.errors
