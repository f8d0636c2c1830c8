"""Present mode: one case per screen with its summary, options, pictures, navigation and timer."""

import pytest
from django.urls import reverse
from django.utils import timezone

from guidelines.pathway_view import pathway_case, pathway_view
from meetings import services
from tests.meetings.factories import DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(demo_cases, coordinator):
    """P01, P02 and P07 on the agenda, P02's question changed for this meeting."""
    meeting = MeetingFactory()
    for vignette in ("P01", "P02", "P07"):
        services.add_case_to_agenda(
            user=coordinator, meeting_id=meeting.pk, case_id=demo_cases[vignette].pk, expected_minutes=7
        )
    item = meeting.agenda_items.get(position=2)
    services.update_agenda_item(
        user=coordinator,
        meeting_id=meeting.pk,
        item_id=item.pk,
        board_question="Platinum/etoposide or trial?",
        expected_minutes=4,
        loaded_version=item.version,
    )
    return meeting


def slide(client, meeting, position):
    response = client.get(reverse("meetings:present_case", args=[meeting.pk, position]))
    assert response.status_code == 200
    return response.text


def test_present_starts_at_the_first_case(viewer_client, meeting):
    response = viewer_client.get(reverse("meetings:present", args=[meeting.pk]))
    assert response["Location"] == reverse("meetings:present_case", args=[meeting.pk, 1])


def test_a_slide_shows_the_summary_options_with_votes_and_pictures(viewer_client, viewer, meeting):
    item = meeting.agenda_items.get(position=1)
    page = slide(viewer_client, meeting, 1)
    plan = pathway_view(
        pathway_case(item.case_id), user=viewer, today=timezone.localdate(), now=timezone.localtime()
    ).plan
    patient = item.case.patient
    assert f"{patient.family_name.upper()}, {patient.given_name}" in page
    assert item.board_question in page
    assert plan.classification.name in page
    for group in plan.items.option_groups:
        for option in group.items:
            assert option.text in page
    assert "Panel vote: Consensus" in page
    assert 'class="pw-route"' in page and 'class="pw-timeline"' in page  # the two pictures, as SVG
    assert "Case 1 of 3" in page and "7 min expected" in page


def test_the_slide_asks_the_agendas_question(viewer_client, meeting):
    page = slide(viewer_client, meeting, 2)
    assert "Platinum/etoposide or trial?" in page and "4 min expected" in page


def test_navigation_links_for_the_keyboard_script(viewer_client, meeting):
    first, middle, last = (slide(viewer_client, meeting, position) for position in (1, 2, 3))
    next_link = 'rel="next" data-present-nav href="{}"'
    prev_link = 'rel="prev" data-present-nav href="{}"'
    assert next_link.format(reverse("meetings:present_case", args=[meeting.pk, 2])) in first
    assert 'rel="prev"' not in first
    assert prev_link.format(reverse("meetings:present_case", args=[meeting.pk, 1])) in middle
    assert next_link.format(reverse("meetings:present_case", args=[meeting.pk, 3])) in middle
    assert 'rel="next"' not in last and ">End</a>" in last
    assert "js/present.js" in first and "data-case-timer" in first and 'data-expected-minutes="7"' in first


def test_a_decision_shows_on_its_slide_and_the_button_depends_on_the_role(
    viewer_client, clinician_client, meeting
):
    assert "Record the decision" in slide(clinician_client, meeting, 1)
    assert "Record the decision" not in slide(viewer_client, meeting, 1)
    DecisionFactory(agenda_item=meeting.agenda_items.get(position=1), plan="Lutetium-177 dotatate")
    page = slide(viewer_client, meeting, 1)
    assert "Decision recorded" in page and "Lutetium-177 dotatate" in page


def test_a_position_not_on_the_agenda_is_404(viewer_client, meeting):
    assert viewer_client.get(reverse("meetings:present_case", args=[meeting.pk, 9])).status_code == 404


def test_an_empty_agenda_says_so(viewer_client):
    meeting = MeetingFactory()
    response = viewer_client.get(reverse("meetings:present", args=[meeting.pk]))
    assert response.status_code == 200 and "No case on the agenda to present." in response.text


def test_a_contradictory_case_shows_its_contradiction_not_a_plan(viewer_client, meeting):
    """A record that contradicts itself after it went on the agenda: the slide says why there is no plan."""
    case = meeting.agenda_items.get(position=1).case
    staging = case.staging_assessments.order_by("-assessed_on").first()
    assert any(study.metastatic_sites for study in case.imaging_studies.all()), "P01 has distant metastases"
    type(staging).objects.filter(pk=staging.pk).update(extent="localized", liver_dominant=None)
    page = slide(viewer_client, meeting, 1)
    assert 'data-testid="contradictions"' in page
    assert "extent: localized contradicts metastatic_sites: " in page
    assert "the record contradicts itself" in page
