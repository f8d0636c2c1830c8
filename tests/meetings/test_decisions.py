"""Recording a decision: the case's pathway options, a coded reason for a deviation, and where it shows."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cases import roles
from cases.models import Case
from meetings import services
from meetings.decisions import decisions_for_case, options_for_case
from meetings.models import Decision
from tests.factories import UserFactory
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(demo_cases, coordinator):
    """P01 (metastatic pancreatic G3 NET, liver-dominant) on a meeting's agenda."""
    meeting = MeetingFactory()
    return services.add_case_to_agenda(user=coordinator, meeting_id=meeting.pk, case_id=demo_cases["P01"].pk)


def decision_url(item, query=""):
    return reverse("meetings:decision", args=[item.meeting_id, item.pk]) + query


def post(client, item, query="", **changes):
    data = {
        "option": "",
        "plan": "",
        "follows": "yes",
        "deviation_reason": "",
        "deviation_detail": "",
        "responsible_clinician": "",
        "next_review_on": (timezone.localdate() + datetime.timedelta(days=84)).isoformat(),
        **changes,
    }
    return client.post(decision_url(item, query), data)


def test_the_options_are_the_engines_recommended_and_consider_items(item):
    options = options_for_case(item.case_id)
    assert options and {option.status for option in options} <= {"recommended", "consider"}
    assert len({option.code for option in options}) == len(options)


def test_the_form_lists_the_options_with_status_and_vote(clinician_client, item):
    page = clinician_client.get(decision_url(item)).text
    for option in options_for_case(item.case_id):
        assert f'value="{option.code}"' in page
    assert "panel vote:" in page and "Recommended" in page
    assert item.board_question in page


def test_the_responsible_clinician_defaults_to_the_cases(clinician_client, clinician, item):
    page = clinician_client.get(decision_url(item)).text
    assert f'<option value="{clinician.pk}" selected>Casey Clinician</option>' in page


def test_recording_a_decision_that_follows_the_guideline(clinician_client, clinician, item):
    option = next(option for option in options_for_case(item.case_id) if option.status == "recommended")
    response = post(clinician_client, item, option=option.code, responsible_clinician=clinician.pk)
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[item.meeting_id]) + f"#item-{item.pk}"
    decision = Decision.objects.get()
    assert (decision.option_code, decision.option_text, decision.follows_guideline) == (
        option.code,
        option.text,
        True,
    )
    assert (decision.created_by, decision.responsible_clinician) == (clinician, clinician)
    assert Case.objects.get(pk=item.case_id).status == "discussed"


def test_a_deviation_without_a_reason_is_refused_then_recorded(clinician_client, clinician, item):
    response = post(
        clinician_client, item, plan="Watch and wait", follows="no", responsible_clinician=clinician.pk
    )
    assert response.status_code == 422
    assert "A deviation from the guideline needs a reason: choose one." in response.text
    assert not Decision.objects.exists() and Case.objects.get(pk=item.case_id).status == "ready"
    response = post(
        clinician_client,
        item,
        plan="Watch and wait",
        follows="no",
        deviation_reason="other",
        responsible_clinician=clinician.pk,
    )
    assert response.status_code == 422 and "Describe the other reason." in response.text
    response = post(
        clinician_client,
        item,
        plan="Watch and wait",
        follows="no",
        deviation_reason="patient_preference",
        responsible_clinician=clinician.pk,
    )
    assert response.status_code == 302
    assert Decision.objects.get().get_deviation_reason_display() == "Patient preference"


def test_a_plan_the_review_date_and_the_clinician_are_required(clinician_client, item):
    yesterday = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    response = post(clinician_client, item, next_review_on=yesterday)
    assert response.status_code == 422
    assert "Choose a pathway option or describe the plan." in response.text
    assert "The next review cannot be before the meeting." in response.text
    assert "This field is required." in response.text  # responsible clinician


def test_an_unknown_option_is_refused(clinician_client, clinician, item):
    response = post(clinician_client, item, option="not_an_option", responsible_clinician=clinician.pk)
    assert response.status_code == 422 and "Select a valid choice" in response.text


def test_from_present_mode_back_to_the_slide(clinician_client, clinician, item):
    response = post(
        clinician_client, item, "?from=present", plan="Surgery", responsible_clinician=clinician.pk
    )
    assert response["Location"] == reverse("meetings:present_case", args=[item.meeting_id, item.position])


def test_changing_a_decision_needs_the_change_permission(client, clinician_client, clinician, item):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    DecisionFactory(agenda_item=item, responsible_clinician=clinician)
    page = clinician_client.get(decision_url(item)).text
    assert "Save the decision" in page
    adder = UserFactory(username="adder", role="")
    adder.user_permissions.add(Permission.objects.get(codename="add_decision"))
    client.force_login(adder)
    assert client.get(decision_url(item)).status_code == 403


def test_the_case_page_partial_lists_the_decisions(clinician, item):
    decision = DecisionFactory(
        agenda_item=item,
        plan="Trial enrolment",
        follows_guideline=False,
        deviation_reason="clinical_trial",
        responsible_clinician=clinician,
        created_by=clinician,
    )
    earlier = DecisionFactory(
        agenda_item=AgendaItemFactory(
            case=item.case, meeting=MeetingFactory(starts_at=timezone.now() - datetime.timedelta(days=60))
        )
    )
    assert decisions_for_case(item.case) == [decision, earlier]
    request = RequestFactory().get("/")
    request.user = clinician
    html = render_to_string(
        "meetings/partials/case_decisions.html", {"case_decisions": decisions_for_case(item.case)}, request
    )
    assert "Tumor board decisions" in html and "Trial enrolment" in html
    assert "deviates from the guideline" in html and "Reason: Clinical trial" in html
    assert "Responsible: Casey Clinician" in html
    assert html.index("Trial enrolment") < html.index(earlier.plan)
    empty = render_to_string("meetings/partials/case_decisions.html", {"case_decisions": []}, request)
    assert "No tumor board decision yet." in empty


def test_minutes_hold_every_decision(clinician_client, clinician, item):
    from tests.meetings.conftest import pdf_pages

    DecisionFactory(
        agenda_item=item,
        plan="Capecitabine and temozolomide",
        follows_guideline=False,
        deviation_reason="prior_toxicity",
        responsible_clinician=clinician,
    )
    undecided = AgendaItemFactory(meeting=item.meeting)
    response = clinician_client.get(reverse("meetings:minutes_pdf", args=[item.meeting_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('inline; filename="meeting-minutes-')
    assert response["Cache-Control"].startswith("max-age=0")
    text = " ".join(pdf_pages(response.content))
    assert "Capecitabine and temozolomide" in text
    assert "Deviates: Prior toxicity" in text and "Casey Clinician" in text
    assert f"{undecided.case.patient.family_name.upper()}" in text and "No decision recorded." in text
    assert "2 cases on the agenda, 1 with a recorded decision." in text


def test_only_active_clinicians_can_be_made_responsible(clinician_client, item):
    """As on the case form (issue 13.7): clinicians by name; not administrators, coordinators or viewers."""
    UserFactory(username="doc", first_name="Ada", last_name="Doctor", role=roles.CLINICIAN)
    UserFactory(username="boss", first_name="Ben", last_name="Admin", role=roles.ADMINISTRATOR)
    UserFactory(username="coord", first_name="Cy", last_name="Coordinator", role=roles.COORDINATOR)
    UserFactory(username="gone", first_name="Dee", last_name="Left", role=roles.CLINICIAN, is_active=False)
    html = clinician_client.get(decision_url(item)).text
    field = html[
        html.index('name="responsible_clinician"') : html.index(
            "</select>", html.index('name="responsible_clinician"')
        )
    ]
    assert ">Ada Doctor<" in field
    for name in ("Ben Admin", "Cy Coordinator", "Dee Left", ">boss<", ">coord<"):
        assert name not in field


def test_a_next_review_in_year_9999_is_refused_naming_the_field(clinician_client, item):
    response = post(clinician_client, item, next_review_on="9999-12-31")
    assert response.status_code == 422
    assert "over five years after the meeting" in response.text
    assert not Decision.objects.filter(agenda_item=item).exists()
