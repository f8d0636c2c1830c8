"""Present mode: one agenda case per screen, large type, with keyboard navigation and a per-case timer."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cases import audit
from cases.models import AccessEvent
from guidelines.pathway_view import pathway_case, pathway_view
from meetings.models import Meeting


@never_cache
@permission_required("meetings.view_meeting", raise_exception=True)
def present(request: HttpRequest, pk: int, position: int | None = None) -> HttpResponse:
    """The case at `position` (the first when none is given): summary, options with their votes, pictures."""
    meeting = get_object_or_404(Meeting, pk=pk)
    items = list(meeting.agenda_items.select_related("case__patient").order_by("position"))
    if not items:
        return render(request, "meetings/present.html", {"meeting": meeting, "items": items})
    if position is None:
        return redirect("meetings:present_case", pk=meeting.pk, position=items[0].position)
    index = next((index for index, item in enumerate(items) if item.position == position), None)
    if index is None:
        raise Http404("No case at this position of the agenda.")
    item = items[index]
    # The board answers the agenda's question at this meeting (in memory only).
    view = pathway_view(
        pathway_case(item.case_id),
        user=request.user,
        today=timezone.localdate(),
        now=timezone.localtime(),
        board_question=item.board_question,
    )
    audit.record_reads(user=request.user, action=AccessEvent.Action.PRESENT, cases=[item.case])
    return render(
        request,
        "meetings/present.html",
        {
            "view": view,
            "meeting": meeting,
            "items": items,
            "item": item,
            "decision": item.decision if hasattr(item, "decision") else None,
            # The comments written for the board before the meeting (part of reading the case).
            "comments": list(item.case.comments.select_related("author")),
            "number": index + 1,
            "previous_item": items[index - 1] if index > 0 else None,
            "next_item": items[index + 1] if index + 1 < len(items) else None,
        },
    )
