"""The board's decisions in the case's History, and "changed since the board discussed version N"."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.discussion import changed_since_discussion
from cases.models import AccessEvent, Case, PathologyReport
from meetings import services
from meetings.decisions import options_for_case
from meetings.models import Decision
from tests.factories import UserFactory
from tests.meetings.factories import AgendaItemFactory, DecisionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(demo_cases, coordinator):
    meeting = MeetingFactory(board_name="NEN board")
    return services.add_case_to_agenda(user=coordinator, meeting_id=meeting.pk, case_id=demo_cases["P01"].pk)


def decision_post(item, version="", **changes):
    return {
        "option": "",
        "plan": "",
        "follows": "yes",
        "deviation_reason": "",
        "deviation_detail": "",
        "responsible_clinician": "",
        "next_review_on": (timezone.localdate() + datetime.timedelta(days=84)).isoformat(),
        "loaded_version": version,
        **changes,
    }


def decide(client, item, **changes):
    version = Decision.objects.filter(agenda_item=item).values_list("version", flat=True).first()
    url = reverse("meetings:decision", args=[item.meeting_id, item.pk])
    response = client.post(url, decision_post(item, "" if version is None else str(version), **changes))
    assert response.status_code == 302, response.content.decode()[:2000]


def pathology_post(report: PathologyReport, ki67: str) -> dict[str, str]:
    return {
        "specimen": report.specimen,
        "specimen_date": report.specimen_date.isoformat(),
        "differentiation": report.differentiation,
        "ki67_percent": ki67,
        "lower_grade_component": "unknown",
        "non_neuroendocrine_component": "unknown",
        "loaded_version": str(report.version),
    }


def test_every_decision_is_in_the_case_history_with_option_plan_deviation_who_and_when(
    clinician_client, clinician, viewer_client, item
):
    option = next(option for option in options_for_case(item.case_id) if option.status == "recommended")
    decide(
        clinician_client,
        item,
        option=option.code,
        plan="Start within two weeks",
        follows="no",
        deviation_reason="patient_preference",
        responsible_clinician=clinician.pk,
    )
    decide(clinician_client, item, option=option.code, plan="Start within four weeks", follows="yes",
           responsible_clinician=clinician.pk)  # fmt: skip
    case = Case.objects.get(pk=item.case_id)

    page = viewer_client.get(reverse("cases:history", args=[case.pk])).text
    meeting_day = f"{timezone.localtime(item.meeting.starts_at):%Y-%m-%d}"
    assert page.count(f"Board decision (NEN board, {meeting_day})") == 2  # recorded, then corrected
    recorded = page[page.rindex("Board decision (NEN") :]  # the older entry comes last
    for shown in (
        "created",
        f"<td>{option.text}</td>",  # the chosen option, its status and vote as they were
        "<td>Recommended</td>",
        "Start within two weeks",
        '<th scope="row" class="fw-normal">Follows the guideline</th><td>—</td><td>No</td>',
        "<td>Patient preference</td>",
        "<td>Casey Clinician</td>",
        f'<th scope="row" class="fw-normal">Case version discussed</th><td>—</td><td>{case.version}</td>',
    ):
        assert shown in recorded, shown
    corrected = page[page.index("Board decision (NEN") - 300 : page.rindex("Board decision (NEN")]
    assert "· clinician" in corrected and "changed" in corrected  # who corrected it, when (the entry's time)
    assert "<td>Start within two weeks</td><td>Start within four weeks</td>" in corrected
    assert "<td>Patient preference</td><td>—</td>" in corrected


def test_an_edit_after_the_discussion_is_flagged_until_the_board_discusses_the_case_again(
    clinician_client, clinician, item
):
    case = Case.objects.get(pk=item.case_id)
    pages = [reverse("cases:detail", args=[case.pk]), reverse("guidelines:pathway", args=[case.pk])]
    decide(clinician_client, item, plan="Observation", responsible_clinician=clinician.pk)
    discussed = Decision.objects.get().case_version
    assert discussed == Case.objects.get(pk=case.pk).version
    for url in pages:
        assert "Changed since the board discussed" not in clinician_client.get(url).text

    # A status change alone (ready for another board) is workflow, not a change to the record.
    assert case_services.mark_ready(user=clinician, case=Case.objects.get(pk=case.pk)) == []
    assert changed_since_discussion(Case.objects.get(pk=case.pk)) is None

    report = case.pathology_reports.get()
    url = reverse("cases:workup", args=[case.pk, "pathology"])
    assert clinician_client.post(url, pathology_post(report, "55")).status_code == 302
    for url in pages:
        page = clinician_client.get(url).text
        assert f"Changed since the board discussed version {discussed}</strong>" in page
        assert "NEN board" in page and "Ki-67 (%) 30.0 → 55.0" in page

    # The board discusses it again (a decision at a later meeting): the warning goes.
    later = MeetingFactory(starts_at=item.meeting.starts_at + datetime.timedelta(days=7))
    again = services.add_case_to_agenda(user=clinician, meeting_id=later.pk, case_id=case.pk)
    decide(clinician_client, again, plan="Chemotherapy", responsible_clinician=clinician.pk)
    for url in pages:
        assert "Changed since the board discussed" not in clinician_client.get(url).text


def test_a_case_never_discussed_shows_no_warning(clinician_client, demo_cases):
    case = demo_cases["P02"]
    assert changed_since_discussion(case) is None
    assert (
        "Changed since the board discussed"
        not in clinician_client.get(reverse("cases:detail", args=[case.pk])).text
    )


def decided_at_earlier_meetings(case: Case, count: int) -> None:
    for weeks in range(1, count + 1):
        meeting = MeetingFactory(starts_at=timezone.now() - datetime.timedelta(weeks=weeks))
        DecisionFactory(agenda_item=AgendaItemFactory(case=case, meeting=meeting), plan=f"Plan {weeks}")


def test_the_case_page_shows_the_board_decisions_in_a_fixed_number_of_queries_and_records_one_read(
    clinician_client, demo_cases
):
    case = demo_cases["P02"]
    decided_at_earlier_meetings(case, 1)

    def page_and_queries() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = clinician_client.get(reverse("cases:detail", args=[case.pk]))
        assert response.status_code == 200
        return response.text, len(queries)

    _, one_decision = page_and_queries()
    decided_at_earlier_meetings(case, 3)
    page, four_decisions = page_and_queries()
    assert four_decisions == one_decision
    assert "Tumor board decisions" in page and page.count('<article class="case-decision') == 4
    assert page.index("Plan 1") < page.index("Plan 3")  # latest meeting first
    assert AccessEvent.objects.filter(case=case, action="view_case").count() == 2  # one per page read


def test_the_case_page_links_a_decision_to_its_meeting_only_for_a_reader_of_meetings(
    client, clinician_client, demo_cases
):
    case = demo_cases["P02"]
    decided_at_earlier_meetings(case, 1)
    meeting_link = f'href="{reverse("meetings:detail", args=[case.agenda_items.get().meeting_id])}#item-'
    assert meeting_link in clinician_client.get(reverse("cases:detail", args=[case.pk])).text

    case_reader = UserFactory(username="case-reader", role="")
    case_reader.user_permissions.add(Permission.objects.get(codename="view_case"))
    client.force_login(case_reader)
    page = client.get(reverse("cases:detail", args=[case.pk])).text
    assert "Plan 1" in page and meeting_link not in page
