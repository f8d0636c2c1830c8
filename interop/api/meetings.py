"""Meeting endpoints: the meetings, and one meeting with its agenda and decisions."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from cases import audit
from cases.models import AccessEvent
from interop.api.auth import require
from interop.api.schemas import NOT_FOUND, REFUSALS, AgendaItemOut, DecisionOut, MeetingDetail, MeetingSummary
from meetings.models import AgendaItem, Decision, Meeting

router = Router(tags=["meetings"])


def _summary(meeting: Meeting) -> MeetingSummary:
    return MeetingSummary(
        id=meeting.pk,
        board_name=meeting.board_name,
        starts_at=meeting.starts_at,
        location=meeting.location,
        video_link=meeting.video_link,
    )


def _decision(item: AgendaItem) -> DecisionOut | None:
    decision: Decision | None = getattr(item, "decision", None)
    if decision is None:
        return None
    return DecisionOut(
        option_code=decision.option_code,
        option_text=decision.option_text,
        plan=decision.plan,
        follows_guideline=decision.follows_guideline,
        deviation_reason=decision.deviation_reason,
        deviation_detail=decision.deviation_detail,
        next_review_on=decision.next_review_on,
    )


@router.get("/meetings", response={200: list[MeetingSummary], **REFUSALS}, url_name="meeting_list")
def meeting_list(request: HttpRequest) -> list[MeetingSummary]:
    """Every meeting of the board, newest first (no patient data, so nothing to audit)."""
    require(request, "meetings.view_meeting")
    return [_summary(meeting) for meeting in Meeting.objects.all()]


@router.get("/meetings/{meeting_id}", response={200: MeetingDetail, **NOT_FOUND}, url_name="meeting_detail")
def meeting_detail(request: HttpRequest, meeting_id: int) -> MeetingDetail:
    """One meeting with its agenda in order and each item's decision; each case listed is audited."""
    require(request, "meetings.view_meeting")
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    items = list(meeting.agenda_items.select_related("case__patient", "decision").order_by("position"))
    audit.record_reads(
        user=request.user, action=AccessEvent.Action.API_READ, cases=[item.case for item in items]
    )
    agenda = [
        AgendaItemOut(
            position=item.position,
            case_id=item.case_id,
            mrn=item.case.patient.mrn,
            board_question=item.board_question,
            expected_minutes=item.expected_minutes,
            decision=_decision(item),
        )
        for item in items
    ]
    return MeetingDetail(**_summary(meeting).dict(), agenda=agenda)
