"""POST /api/cases: a draft case from engine facts through the draft path, refused whole or created."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from cases import roles
from cases.facts import facts_dict_for_case, with_record
from cases.models import AccessEvent, Case, PathologyReport, Patient
from interop.api.new_case import CHANGE_REASON
from interop.api.tokens import issue_token
from tests.factories import CaseFactory, PatientFactory, UserFactory
from tests.interop.api.bodies import FACTS, new_case_body

pytestmark = pytest.mark.django_db


def body(**changes):
    """A valid request body, with changes."""
    return new_case_body(**changes)


@pytest.fixture
def clinician():
    return UserFactory(username="api-clinician", role=roles.CLINICIAN)


@pytest.fixture
def api(clinician):
    """A client that calls with the clinician's bearer token (no session, no CSRF token)."""
    token = issue_token(user=clinician)
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def post(client, data):
    return client.post("/api/cases", json.dumps(data), content_type="application/json")


def nothing_saved():
    return Case.objects.count() == 0 and Patient.objects.count() == 0


def test_a_valid_body_creates_a_draft_with_the_facts_and_answers_its_pathway(api, clinician):
    response = post(api, body())
    assert response.status_code == 201, response.content
    answer = response.json()
    case = with_record(Case.objects.filter(pk=answer["id"])).get()
    assert case.status == "draft"
    assert case.responsible_clinician == clinician
    assert case.patient.mrn == "API-0001"
    stored = facts_dict_for_case(case)
    assert {name: stored[name] for name in FACTS} == FACTS
    assert answer["facts"] == stored
    assert answer["pathway"]["classification"]["code"] == "nec"


def test_a_number_is_stored_exactly_as_given(api):
    post(api, body(facts={**FACTS, "ki67_percent": 12.5}))
    assert PathologyReport.objects.get().ki67_percent == Decimal("12.5")


def test_the_records_say_in_their_history_that_the_api_created_them(api):
    post(api, body())
    report = PathologyReport.objects.get()
    assert report.history.get().history_change_reason == CHANGE_REASON


def test_the_creation_is_audited(api, clinician):
    answer = post(api, body()).json()
    events = AccessEvent.objects.filter(user=clinician)
    assert [(event.case_id, event.action) for event in events] == [
        (answer["id"], AccessEvent.Action.API_CREATE)
    ]


def test_facts_outside_the_engine_schema_are_refused_naming_the_fact(api):
    response = post(api, body(facts={**FACTS, "ki67_percent": 150}))
    assert response.status_code == 422
    assert [problem["loc"] for problem in response.json()["detail"]] == [["body", "facts", "ki67_percent"]]
    assert nothing_saved()


def test_an_unknown_fact_is_refused(api):
    response = post(api, body(facts={**FACTS, "ki_67": 40}))
    assert response.status_code == 422
    assert [(problem["loc"], problem["msg"]) for problem in response.json()["detail"]] == [
        (["body", "facts", "ki_67"], "unknown field")
    ]
    assert nothing_saved()


def test_contradictory_facts_are_refused_whole(api):
    # Localized disease with a distant (liver) metastasis: the engine plans from neither (consistency check).
    response = post(api, body(facts={**FACTS, "extent": "localized", "metastatic_sites": ["liver"]}))
    assert response.status_code == 422, response.content
    assert [problem["loc"] for problem in response.json()["detail"]] == [["body", "facts"]]
    assert "contradictory facts" in response.json()["detail"][0]["msg"]
    assert nothing_saved()


def test_a_fact_the_workup_form_refuses_is_named(api):
    # The pathology form offers small-cell morphology only for a poorly differentiated NEC.
    response = post(api, body(facts={**FACTS, "differentiation": "well", "morphology": "small_cell"}))
    assert response.status_code == 422, response.content
    assert [problem["loc"] for problem in response.json()["detail"]] == [["body", "facts", "morphology"]]
    assert nothing_saved()


def test_a_patient_field_the_patient_step_refuses_is_named(api):
    patient = {**body()["patient"], "date_of_birth": "2999-01-01"}
    response = post(api, body(patient=patient))
    assert response.status_code == 422
    assert ["body", "patient", "date_of_birth"] in [problem["loc"] for problem in response.json()["detail"]]
    assert nothing_saved()


def test_an_unknown_specimen_is_refused_naming_it(api):
    response = post(api, body(specimen="blood"))
    assert response.status_code == 422
    assert any(problem["loc"][:2] == ["body", "specimen"] for problem in response.json()["detail"])
    assert nothing_saved()


def test_ct_mri_done_needs_the_modality(api):
    response = post(api, body(imaging_modality=None))
    assert response.status_code == 422
    assert [problem["loc"] for problem in response.json()["detail"]] == [["body", "imaging_modality"]]
    assert nothing_saved()


def test_sites_without_the_study_that_showed_them_are_refused(api):
    facts = {**FACTS, "ct_mri_done": None}
    response = post(api, body(facts=facts, imaging_modality=None))
    assert response.status_code == 422
    assert [problem["loc"] for problem in response.json()["detail"]] == [["body", "metastases_seen_on"]]
    assert nothing_saved()


def test_sites_seen_on_a_brain_mri_are_recorded_with_it(api):
    facts = {**FACTS, "ct_mri_done": None, "metastatic_sites": ["brain"], "brain_metastases_count": 2}
    response = post(api, body(facts=facts, imaging_modality=None, metastases_seen_on="brain_mri"))
    assert response.status_code == 201, response.content
    case = Case.objects.get(pk=response.json()["id"])
    assert [
        (s.modality, s.metastatic_sites, s.brain_metastases_count) for s in case.imaging_studies.all()
    ] == [("brain_mri", ["brain"], 2)]
    assert response.json()["facts"]["ct_mri_done"] is None


def test_sites_on_a_study_that_was_not_done_are_refused(api):
    facts = {**FACTS, "ct_mri_done": False}
    response = post(api, body(facts=facts))
    assert response.status_code == 422
    assert [problem["loc"] for problem in response.json()["detail"]] == [["body", "metastases_seen_on"]]
    assert nothing_saved()


def test_prior_lines_are_refused_with_where_to_enter_them(api):
    line = {"regimen": "platinum_etoposide", "progressed": True}
    response = post(api, body(facts={**FACTS, "prior_systemic_therapy": [line]}))
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["body", "facts", "prior_systemic_therapy"]
    assert "Treatment step" in problem["msg"]
    assert nothing_saved()


def test_a_known_mrn_answers_409_with_its_cases_and_audits_that_they_were_shown(api, clinician):
    existing = CaseFactory(
        patient=PatientFactory(mrn="API-0001", family_name="Testperson", date_of_birth="1961-04-02")
    )
    response = post(api, body())
    assert response.status_code == 409
    assert response.json()["case_ids"] == [existing.pk]
    assert Case.objects.count() == 1
    assert AccessEvent.objects.filter(
        user=clinician, case=existing, action=AccessEvent.Action.KNOWN_MRN
    ).exists()
    again = post(api, body(another_case_for_patient=True))
    assert again.status_code == 201
    assert Case.objects.filter(patient=existing.patient).count() == 2


def test_a_viewer_may_not_create(client):
    client.force_login(UserFactory(username="reader", role=roles.VIEWER))
    assert post(client, body()).status_code == 403
    assert nothing_saved()


def test_without_authentication_401(client):
    assert post(Client(), body()).status_code == 401


def test_a_session_needs_the_csrf_token(clinician):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clinician)
    assert post(browser, body()).status_code == 403
    assert nothing_saved()


@pytest.mark.parametrize("vignette", [f"P{number:02d}" for number in range(1, 13)])
def test_the_facts_of_every_demo_case_make_a_draft_with_the_same_facts(vignette, demo_cases, api):
    source = demo_cases[vignette]
    facts = facts_dict_for_case(with_record(Case.objects.filter(pk=source.pk)).get())
    anatomic = source.imaging_studies.filter(modality__in=["ct", "mri"]).first()
    showed_sites = next((study for study in source.imaging_studies.all() if study.metastatic_sites), None)
    resection = source.resections.first()
    response = post(
        api,
        body(
            patient={**body()["patient"], "mrn": f"API-{vignette}"},
            facts=facts,
            imaging_modality=anatomic.modality if anatomic else None,
            metastases_seen_on=showed_sites.modality if showed_sites else None,
            resected_on=resection.resected_on.isoformat() if resection and resection.resected_on else None,
        ),
    )
    if facts["prior_systemic_therapy"]:
        # Treatment lines are entered on the Treatment step: their dates are not in the facts.
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "facts", "prior_systemic_therapy"]
        return
    assert response.status_code == 201, response.content
    assert response.json()["facts"] == facts
