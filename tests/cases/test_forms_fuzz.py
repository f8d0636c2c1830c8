"""Property-based fuzzing (hypothesis) of every workup form and of import_cases.

Properties: never a server error; a refused form or a rejected file changes nothing in the
clinical record; what is saved passes the models' own validation; a refused form says why next
to the field it refuses (or, for a hidden field, in a message naming it); an implausible date
(before 1900, before birth, in the future) is refused next to its field.
"""

import copy
import datetime
import io
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser

import factory
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from cases.demo import DEMO_CASES, create_demo_case
from cases.exchange.export import export_document
from cases.exchange.layout import exported_fields, findings_key, record_models
from cases.exchange.schema import FORMAT
from cases.models import FINDING_MODELS, Case, Patient
from cases.workup import STEP_SLUGS
from tests.factories import (
    CaseFactory,
    ClinicalStatusFactory,
    ImagingStudyFactory,
    MolecularResultFactory,
    PathologyReportFactory,
    ResectionFactory,
    StagingAssessmentFactory,
    TreatmentLineFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FORM_STEPS = [step for step in STEP_SLUGS if step != "review"]

# --- the clinical record before and after ----------------------------------------------------


def snapshot():
    """Every patient, case and finding with every field (the export without its timestamp)."""
    document = export_document()
    del document["exported_at"]
    return document


def every_record():
    for model in record_models():
        yield from model.objects.all()


def assert_every_record_valid():
    for record in every_record():
        record.full_clean()


@contextmanager
def rolled_back():
    """Run one example in a savepoint that is undone, so examples neither see nor shrink on each other."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- the forms as the page renders them -------------------------------------------------------


@dataclass
class Control:
    """One named input of a form: its kind, the values it offers and what the page filled in."""

    name: str
    kind: str
    options: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class PageForm:
    """The workup form of a page: where it posts, its validate URL, its inputs and their values."""

    action: str = ""
    validate_url: str = ""
    controls: dict[str, Control] = field(default_factory=dict)
    filled: dict[str, list[str]] = field(default_factory=dict)
    buttons: dict[str, list[str]] = field(default_factory=dict)


class WorkupFormParser(HTMLParser):
    """Reads the step's form (the one marked novalidate) out of a rendered page."""

    def __init__(self) -> None:
        super().__init__()
        self.form = PageForm()
        self.inside = False
        self.select: Control | None = None
        self.select_chosen = False
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and "novalidate" in attributes:
            self.inside = True
            self.form.action = attributes.get("action", "")
            self.form.validate_url = attributes.get("data-validate-url", "")
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "button" and name:
            self.form.buttons.setdefault(name, []).append(attributes.get("value", ""))
        elif tag == "input" and name and name != "csrfmiddlewaretoken":
            self.add_input(name, attributes)
        elif tag == "select" and name:
            self.select = self.control(name, "select")
            self.select.multiple = "multiple" in attributes
            self.select_chosen = False
        elif tag == "option" and self.select is not None:
            value = attributes.get("value", "")
            self.select.options.append(value)
            if "selected" in attributes:
                self.form.filled.setdefault(self.select.name, []).append(value)
                self.select_chosen = True
        elif tag == "textarea" and name:
            self.control(name, "text")
            self.textarea = name
            self.form.filled[name] = [""]

    def add_input(self, name, attributes):
        kind = attributes.get("type", "text")
        if attributes.get("inputmode") in ("decimal", "numeric"):
            kind = "number"  # decimals and whole numbers are text inputs (the browser must not parse them)
        value = attributes.get("value", "on" if kind in ("checkbox", "radio") else "")
        if kind in ("submit", "button", "reset", "image"):
            self.form.buttons.setdefault(name, []).append(value)
            return
        control = self.control(name, kind)
        if kind in ("checkbox", "radio"):
            control.options.append(value)
            control.multiple = kind == "checkbox"
            if "checked" in attributes:
                self.form.filled.setdefault(name, []).append(value)
        else:
            self.form.filled[name] = [value]

    def control(self, name, kind):
        return self.form.controls.setdefault(name, Control(name, kind))

    def handle_data(self, data):
        if self.textarea is not None:
            self.form.filled[self.textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self.select is not None:
            # A browser sends the first option of a single select when none is marked selected.
            if not self.select_chosen and not self.select.multiple and self.select.options:
                self.form.filled[self.select.name] = [self.select.options[0]]
            self.select = None
        elif tag == "textarea":
            self.textarea = None


class RefusalParser(HTMLParser):
    """What a refused page says: the inputs marked invalid, the error alerts, the labels of its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.invalid: set[str] = set()
        self.alerts: list[str] = []
        self.labels: set[str] = set()
        self.open: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag in ("input", "select", "textarea") and "is-invalid" in classes and attributes.get("name"):
            self.invalid.add(attributes["name"])
        if tag == "div" and "alert-danger" in classes:
            self.open, self.alerts = "alert", [*self.alerts, ""]
        elif tag == "label":
            self.open = "label"
            self.labels.add("")

    def handle_data(self, data):
        if self.open == "alert":
            self.alerts[-1] += data
        elif self.open == "label":
            self.labels.add(data.strip().rstrip("*").strip())

    def handle_endtag(self, tag):
        if tag == "label" or (tag == "div" and self.open == "alert" and self.alerts[-1].strip()):
            self.open = None


# Hidden inputs a refusal may name in words (they have no label on the page).
HIDDEN_FIELD_NAMES = (
    "Record version",
    "Row id",
    "TOTAL_FORMS",
    "INITIAL_FORMS",
    "MIN_NUM_FORMS",
    "MAX_NUM_FORMS",
)


def assert_refusal_names_a_field(response):
    """A refused form marks the input it refuses, or says in an alert which field is wrong."""
    parser = RefusalParser()
    parser.feed(response.text)
    if parser.invalid:
        return
    names = [label for label in parser.labels if label] + list(HIDDEN_FIELD_NAMES)
    alerts = [" ".join(alert.split()) for alert in parser.alerts if alert.strip()]
    assert alerts, "a refusal without any message"
    for alert in alerts:
        assert any(name in alert for name in names), f"the message names no field: {alert}"


def page_form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    parser = WorkupFormParser()
    parser.feed(response.text)
    form = parser.form
    assert form.controls, f"no workup form on {url}"
    add_more_rows(form)
    return form


ROW = re.compile(r"^(?P<prefix>[\w]+)-(?P<index>\d+)-(?P<field>\w+)$")


def add_more_rows(form):
    """Offer the inputs of one more row than the page shows, as the "add a row" button would."""
    rows = {}
    for name, control in form.controls.items():
        match = ROW.match(name)
        if match:
            key = (match["prefix"], match["field"])
            if int(match["index"]) >= rows.get(key, (-1, None))[0]:
                rows[key] = (int(match["index"]), control)
    for (prefix, name), (index, control) in rows.items():
        extra = f"{prefix}-{index + 1}-{name}"
        form.controls.setdefault(extra, Control(extra, control.kind, list(control.options), control.multiple))


# --- strategies for form values --------------------------------------------------------------

TRICKY_TEXT = [
    "",
    " ",
    "null",
    "None",
    "-1",
    "0",
    "1e309",
    "-0",
    "NaN",
    "Infinity",
    "9" * 40,
    "１２",
    "3.0",
    "0x1F",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202e\u0000",
    "a\x00b",
    "2026-02-29",
    "2026-13-01",
    "3,5",
    "35,5",
    "1,234.5",
    "1.234,5",
]
junk = st.one_of(st.sampled_from(TRICKY_TEXT), st.text(max_size=40))
numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    junk,
)
today = datetime.date.today()
dates = st.one_of(
    st.dates(max_value=today).map(datetime.date.isoformat),
    st.dates(min_value=today, max_value=datetime.date(9999, 12, 31)).map(datetime.date.isoformat),
    st.sampled_from(
        ["0000-01-01", "10000-01-01", "2026/01/05", "05/01/2026", "2026-1-5", "2026-01-05T10:00"]
    ),
    st.sampled_from(["0001-01-01", "1500-06-01", "1899-12-31", "1900-01-01", "1959-12-31", "9999-12-31"]),
    junk,
)
# Django builds and renders up to 2000 forms whatever count is posted (about 25 s for one
# request: slow, not a server error), so form counts stay small here and are otherwise junk.
form_counts = st.one_of(
    st.integers(min_value=-3, max_value=6).map(str), junk.filter(lambda text: not text.isdigit())
)
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def values_for(control):
    """Random values for one input, as lists (an input may be sent several times)."""
    if control.name.endswith(MANAGEMENT):
        single = form_counts
    elif control.kind == "date":
        single = dates
    elif control.kind == "number" or control.name.endswith("-id"):
        single = numbers
    elif control.options:
        single = st.one_of(st.sampled_from(control.options), junk)
    else:
        single = st.one_of(st.text(max_size=300), junk)
    if control.multiple:
        return st.lists(single, max_size=4)
    return single.map(lambda value: [value])


def form_data(form, *extra_names):
    """Form data near what the page sends: most inputs as filled in, a few left out or replaced."""
    names = sorted(form.controls)
    buttons = {name: st.sampled_from(values) for name, values in form.buttons.items()}
    buttons.update({name: st.sampled_from(choices) for name, choices in extra_names})

    @st.composite
    def near_the_page(draw):
        data = {name: list(values) for name, values in form.filled.items()}
        for name in draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)), label="changed"):
            replacement = draw(st.one_of(st.just(None), values_for(form.controls[name])), label=name)
            if replacement is None:
                data.pop(name, None)
            else:
                data[name] = replacement
        for name, strategy in buttons.items():
            value = draw(st.one_of(st.none(), strategy, junk), label=name)
            if value is not None:
                data[name] = [value]
        return data

    return near_the_page()


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def clinician_client(client):
    client.force_login(UserFactory(password=factory.Transformer.Force("!unusable")))
    return client


@pytest.fixture
def fuzz_cases():
    """A cervical case with a record in every step, and a pancreatic case with almost nothing."""
    cervix = CaseFactory(primary_site="cervix")
    PathologyReportFactory(case=cervix, differentiation="poor", morphology="small_cell", ki67_percent=80)
    StagingAssessmentFactory(case=cervix, extent="localized", figo_stage="IB2")
    ImagingStudyFactory(case=cervix, modality="ct", metastatic_sites=["liver"])
    ImagingStudyFactory(
        case=cervix, modality="brain_mri", metastatic_sites=["brain"], brain_metastases_count=2
    )
    MolecularResultFactory(case=cervix, mmr="proficient", ngs="done", tmb_high=False)
    ClinicalStatusFactory(case=cervix, ecog=1, disease_pace="typical")
    ResectionFactory(case=cervix, margin="R1")
    TreatmentLineFactory(case=cervix, progressed=True, progression_date=datetime.date(2026, 6, 1))
    pancreas = CaseFactory(primary_site="pancreas")
    return [cervix, pancreas]


@pytest.fixture
def step_forms(clinician_client, fuzz_cases):
    """The step's form of each fuzz case, read once per test (every example is rolled back)."""
    pages = {}

    def forms_of(step):
        if step not in pages:
            pages[step] = [
                page_form(clinician_client, reverse("cases:workup", args=[case.pk, step]))
                for case in fuzz_cases
            ]
        return pages[step]

    return forms_of


def untouched(before, after, case_id=None):
    """The cases other than the one being edited, and their patients, are as they were."""
    kept = {case["id"] for case in before["cases"] if case["id"] != case_id}

    def part(document):
        cases = [case for case in document["cases"] if case["id"] in kept]
        mrns = {case["patient"] for case in cases}
        return cases, [patient for patient in document["patients"] if patient["mrn"] in mrns]

    return part(after) == part(before)


@pytest.fixture
def record_before(fuzz_cases):
    """The clinical record before every example: each one is rolled back, so it is always the same."""
    return snapshot()


def check_post(response, before, case_id=None):
    """A refused form changes nothing; a saved one touches only its own case and leaves valid records."""
    event(f"status {response.status_code}")  # --hypothesis-show-statistics: how often a form saved
    assert response.status_code < 500
    after = snapshot()
    if response.status_code == 302:
        assert_every_record_valid()
        assert untouched(before, after, case_id)
    else:
        assert after == before
    if response.status_code == 422:
        assert_refusal_names_a_field(response)


# --- the workup forms -------------------------------------------------------------------------


@pytest.mark.parametrize("step", FORM_STEPS)
@FUZZ
@given(data=st.data())
def test_workup_step_never_fails_and_never_half_saves(
    clinician_client, fuzz_cases, step_forms, record_before, step, data
):
    forms = step_forms(step)
    index = data.draw(st.sampled_from(range(len(forms))), label="case")
    form = forms[index]
    sent = data.draw(form_data(form), label="form data")
    with rolled_back():
        clinician_client.cookies.pop("messages", None)
        check_post(clinician_client.post(form.action, sent), record_before, fuzz_cases[index].pk)


# Every fuzz patient is born on 1960-01-01 (PatientFactory); each of these dates is implausible.
IMPLAUSIBLE_DATES = [
    "0001-01-01",
    "1500-06-01",
    "1899-12-31",
    "9999-12-31",
    "tomorrow",  # computed when the example runs: a suite that crosses midnight must not flake
]
BEFORE_BIRTH = "1959-12-31"


@pytest.mark.parametrize("step", FORM_STEPS)
@FUZZ
@given(data=st.data())
def test_implausible_dates_are_refused_next_to_their_field(
    clinician_client, fuzz_cases, step_forms, record_before, step, data
):
    """Plausibility: any date of a step set to an implausible one is refused, named, and nothing is saved."""
    forms = step_forms(step)
    index = data.draw(st.sampled_from(range(len(forms))), label="case")
    form = forms[index]
    on_the_page = sorted(name for name in form.filled if form.controls[name].kind == "date")
    name = data.draw(st.sampled_from(on_the_page), label="date field")
    choices = IMPLAUSIBLE_DATES + ([BEFORE_BIRTH] if step != "patient" else [])
    day = data.draw(st.sampled_from(choices), label="date")
    if day == "tomorrow":
        day = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    # The rest of the form either as the page filled it or fuzzed, so rules meet each other.
    sent = data.draw(st.one_of(st.just(form.filled), form_data(form)), label="form data")
    sent = {**sent, name: [day]}
    sent.pop("add-row", None)  # a save, not "add a row"
    row = ROW.match(name)
    if row:
        sent.pop(f"{row['prefix']}-{row['index']}-DELETE", None)  # a removed row is not validated
    with rolled_back():
        clinician_client.cookies.pop("messages", None)
        response = clinician_client.post(form.action, sent)
        note(response.text[:2000] if response.status_code != 422 else "")
        assert response.status_code in (409, 422)
        assert snapshot() == record_before
        if response.status_code == 422:
            parser = RefusalParser()
            parser.feed(response.text)
            assert name in parser.invalid or any(
                "TOTAL_FORMS" in alert or "Row id" in alert or "Record version" in alert
                for alert in parser.alerts
            ), f"{name}={day} refused without a message next to it"


@pytest.mark.parametrize("count", ["", "3.0"])
def test_add_row_with_a_form_count_that_is_not_a_number(clinician_client, fuzz_cases, count):
    """Found by the fuzzer: "add a row" with a form count int() could not read was a server error."""
    case = fuzz_cases[1]
    data = {"lines-TOTAL_FORMS": count, "lines-INITIAL_FORMS": "0", "add-row": "lines"}
    response = clinician_client.post(reverse("cases:workup", args=[case.pk, "treatment"]), data)
    assert response.status_code < 500


def test_changing_the_primary_site_keeps_the_record_valid(clinician_client, fuzz_cases, step_forms):
    """Found by the fuzzer: a cervical case with a FIGO stage could become pancreatic, keeping the stage."""
    form = step_forms("patient")[0]
    response = clinician_client.post(form.action, {**form.filled, "case-primary_site": ["pancreas"]})
    assert response.status_code in (302, 422)
    assert_every_record_valid()


@pytest.mark.parametrize("endpoint", ["cases:workup", "cases:workup_validate", "cases:workup_draft"])
def test_nul_character_in_a_form_is_not_a_server_error(clinician_client, fuzz_cases, endpoint):
    """Found by the fuzzer on PostgreSQL: a NUL character in any input was a server error (jsonb drafts)."""
    url = reverse(endpoint, args=[fuzz_cases[1].pk, "clinical"])
    response = clinician_client.post(url, {"assessed_on": "2026-01-05", "ecog": "1\x00"})
    assert response.status_code < 500


@pytest.mark.parametrize("step", FORM_STEPS)
@FUZZ
@given(data=st.data())
def test_workup_validation_never_fails_and_never_saves(
    clinician_client, step_forms, record_before, step, data
):
    forms = step_forms(step)
    form = forms[data.draw(st.sampled_from(range(len(forms))), label="case")]
    sent = data.draw(form_data(form, ("_changed", list(form.controls))), label="form data")
    with rolled_back():
        response = clinician_client.post(form.validate_url, sent, HTTP_HX_REQUEST="true")
        event(f"status {response.status_code}")
        assert response.status_code < 500 and response.status_code != 302
        assert snapshot() == record_before


@pytest.fixture
def new_case_form(clinician_client):
    form = page_form(clinician_client, reverse("cases:new"))
    # The page starts empty; a valid new patient as the starting point lets examples also save.
    form.filled.update({name: [value] for name, value in NEW_PATIENT.items() if name in form.controls})
    return form


NEW_PATIENT = {
    "patient-mrn": "FUZZ-0001",
    "patient-family_name": "Fuzzpatient",
    "patient-given_name": "Ada",
    "patient-date_of_birth": "1970-01-02",
    "patient-sex": "female",
    "case-primary_site": "colon",
    "case-board_question": "First-line therapy?",
}


@FUZZ
@given(data=st.data())
def test_new_case_never_fails_and_never_half_saves(
    clinician_client, new_case_form, fuzz_cases, record_before, data
):
    existing_mrns = [case.patient.mrn for case in fuzz_cases]
    sent = data.draw(form_data(new_case_form, ("patient-mrn", existing_mrns)), label="form data")
    with rolled_back():
        clinician_client.cookies.pop("messages", None)
        check_post(clinician_client.post(new_case_form.action, sent), record_before)


# --- import_cases -----------------------------------------------------------------------------


def run_import(path):
    """import_cases on a file: True when imported, False when rejected the documented way."""
    err = io.StringIO()
    try:
        call_command("import_cases", str(path), stdout=io.StringIO(), stderr=err)
    except CommandError as error:
        assert error.returncode == 2
        assert "nothing was imported" in str(error)
        assert err.getvalue().strip(), "a rejection names its problems"
        return False
    return True


def check_import(path):
    """Either the whole file is imported and valid, or nothing changed."""
    before = snapshot()
    imported = run_import(path)
    event("imported" if imported else "rejected")
    if imported:
        assert_every_record_valid()
    else:
        assert snapshot() == before


@pytest.fixture
def base_document():
    """A valid export of three demo cases (pancreas with imaging and clinical status, cervix, lines)."""
    author = UserFactory(username="clinician", password=factory.Transformer.Force("!unusable"))
    for spec in (DEMO_CASES[0], DEMO_CASES[4], DEMO_CASES[6]):
        create_demo_case(spec, author)
    return export_document()


json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
)
# Values at the edges of what databases store: integer sizes, empty and very long text.
edge_values = st.sampled_from([0, -1, 2**31, 2**63, 2**70, 10**30, 0.1, "", "x" * 10_000, True, [], {}])
json_values = st.recursive(
    json_leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def locations(node):
    """Every place in a JSON tree: (container, key) pairs, parents before children."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in list(items):
        yield node, key
        yield from locations(child)


def leaves(node):
    if isinstance(node, dict):
        for child in node.values():
            yield from leaves(child)
    elif isinstance(node, list):
        for child in node:
            yield from leaves(child)
    else:
        yield node


def mutate(document, data):
    """One random change somewhere in the document: replace, remove, add, duplicate or swap a value."""
    places = list(locations(document))
    container, key = places[data.draw(st.integers(min_value=0, max_value=len(places) - 1), label="place")]
    values_elsewhere = st.sampled_from(list(leaves(document)))
    actions = ["replace", "edge", "remove", "add", "duplicate", "borrow"]
    action = data.draw(st.sampled_from(actions), label="action")
    if action == "replace":
        container[key] = data.draw(json_values, label="new value")
    elif action == "edge":
        container[key] = data.draw(edge_values, label="edge value")
    elif action == "borrow":
        container[key] = data.draw(values_elsewhere, label="value from elsewhere")
    elif action == "remove":
        del container[key]
    elif action == "add" and isinstance(container, dict):
        container[data.draw(st.text(max_size=12), label="new key")] = data.draw(json_values, label="value")
    elif action == "duplicate" and isinstance(container, list):
        container.append(copy.deepcopy(container[key]))
    else:
        container[key] = None


@FUZZ
@given(data=st.data())
def test_import_of_a_mutated_export_is_whole_or_nothing(base_document, tmp_path, data):
    document = copy.deepcopy(base_document)
    for _ in range(data.draw(st.integers(min_value=0, max_value=3), label="changes")):
        mutate(document, data)
    into_empty_database = data.draw(st.booleans(), label="into an empty database")
    path = tmp_path / "mutated.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with rolled_back():
        if into_empty_database:
            for model in reversed(record_models()):
                model.objects.all().delete()
        check_import(path)


def record_like(model, extra_keys=()):
    """A JSON object with some of the model's field names (and some other keys) and random values."""
    names = [f.name for f in exported_fields(model)] + list(extra_keys)
    return st.dictionaries(st.one_of(st.sampled_from(names), st.text(max_size=8)), json_values, max_size=8)


finding_lists = {findings_key(model): st.lists(record_like(model), max_size=2) for model in FINDING_MODELS}
random_documents = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "format": st.sampled_from([FORMAT, "nanets-cases/0"]),
            "exported_at": st.sampled_from(["2026-11-01T10:00:00+00:00", "yesterday"]),
            "migration": st.just("cases.0001_initial"),
            "patients": st.lists(record_like(Patient), max_size=3),
            "cases": st.lists(
                st.tuples(record_like(Case), st.fixed_dictionaries({}, optional=finding_lists)).map(
                    lambda parts: {**parts[0], **parts[1]}
                ),
                max_size=3,
            ),
        }
    ),
)


@FUZZ
@given(raw=st.one_of(st.binary(max_size=300), random_documents.map(lambda doc: json.dumps(doc).encode())))
def test_import_of_random_input_is_rejected_cleanly(base_document, tmp_path, raw):
    path = tmp_path / "random.json"
    path.write_bytes(raw)
    with rolled_back():
        check_import(path)
