"""Agenda changes: add a ready case, edit its question and minutes, move it, take it off."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from cases.models import Case
from cases.models.choices import CaseStatus
from cases.services import StaleEdit
from meetings import services
from meetings.forms import AddCaseForm, AgendaItemForm, MoveForm
from meetings.models import AgendaItem, Meeting
from meetings.views.meeting import kept, refused, updated, with_error
from nanets.http import HtmxHttpRequest


def _patient(case: Case) -> str:
    return f"{case.patient.family_name.upper()}, {case.patient.given_name}"


@permission_required("meetings.add_agendaitem", raise_exception=True)
@require_POST
def agenda_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Put a ready case at the end of the agenda, with the case's question for the board."""
    meeting = get_object_or_404(Meeting, pk=pk)
    ready = (
        Case.objects.filter(status=CaseStatus.READY)
        .exclude(agenda_items__meeting=meeting)
        .select_related("patient")
    )
    form = AddCaseForm(request.POST, ready_cases=ready, prefix="add")
    if not form.is_valid():
        return refused(request, pk, add_case_form=form)
    case = form.cleaned_data["case"]
    try:
        item = services.add_case_to_agenda(
            user=request.user,
            meeting_id=meeting.pk,
            case_id=case.pk,
            expected_minutes=form.cleaned_data["expected_minutes"],
        )
    except ValidationError as error:
        return refused(request, pk, add_case_form=with_error(form, error))
    return updated(request, pk, f"{_patient(case)} added as case {item.position}.", f"#item-{item.pk}")


@permission_required("meetings.change_agendaitem", raise_exception=True)
@require_POST
def agenda_item_edit(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Change the question for the board and the expected minutes of one case."""
    item = get_object_or_404(AgendaItem.objects.select_related("case__patient"), meeting_id=pk, pk=item_pk)
    form = AgendaItemForm(request.POST, instance=item, prefix=f"item-{item.pk}")
    if not form.is_valid():
        return refused(request, pk, item_form=form)
    try:
        services.update_agenda_item(user=request.user, meeting_id=pk, item_id=item.pk, **form.cleaned_data)
    except StaleEdit as conflict:
        return refused(request, pk, status=409, item_form=kept(form, conflict))
    except ValidationError as error:
        return refused(request, pk, item_form=with_error(form, error))
    return updated(request, pk, f"Question and minutes saved for {_patient(item.case)}.", f"#item-{item.pk}")


@permission_required("meetings.change_agendaitem", raise_exception=True)
@require_POST
def agenda_move(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Move a case one step up or down, or to a position; applied to the agenda as it is now."""
    item = get_object_or_404(AgendaItem.objects.select_related("case__patient"), meeting_id=pk, pk=item_pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return refused(request, pk, agenda_error=" ".join(str(m) for ms in form.errors.values() for m in ms))
    direction = form.cleaned_data["direction"]
    try:
        if direction:
            step = -1 if direction == "up" else 1
            moved = services.shift_agenda_item(user=request.user, meeting_id=pk, item_id=item.pk, by=step)
        else:
            moved = services.move_agenda_item(
                user=request.user, meeting_id=pk, item_id=item.pk, to_position=form.cleaned_data["position"]
            )
    except ValidationError as error:
        return refused(request, pk, agenda_error=" ".join(error.messages))
    # Back to the pressed button, which the browser then focuses (a focusable fragment target), so that a
    # keyboard user can move the case again; with htmx, htmx keeps the focus by the button's id.
    anchor = f"#move-{direction}-{item.pk}" if direction else f"#item-{item.pk}"
    return updated(request, pk, f"{_patient(item.case)} is now case {moved.position}.", anchor)


@permission_required("meetings.delete_agendaitem", raise_exception=True)
@require_POST
def agenda_remove(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Take a case off the agenda (refused once the board decided on it)."""
    item = get_object_or_404(AgendaItem.objects.select_related("case__patient"), meeting_id=pk, pk=item_pk)
    try:
        services.remove_agenda_item(user=request.user, meeting_id=pk, item_id=item.pk)
    except ValidationError as error:
        return refused(request, pk, agenda_error=" ".join(error.messages))
    return updated(request, pk, f"{_patient(item.case)} taken off the agenda.", "#agenda")
