"""The meeting list and the meeting page: attendees, agenda and packet, each an htmx partial."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms import BaseForm
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cases import audit
from cases.models import AccessEvent, Case
from cases.models.choices import CaseStatus
from cases.services import StaleEdit
from meetings import services
from meetings.forms import AddCaseForm, AgendaItemForm, AttendeeForm, MeetingForm
from meetings.models import Meeting
from meetings.packet import later, packet_fingerprint, packet_panel, schedule
from meetings.panel import panel_warnings
from nanets.http import HtmxHttpRequest

TEMPLATE = "meetings/meeting_detail.html"

FormT = TypeVar("FormT", bound=BaseForm)


@never_cache
@permission_required("meetings.view_meeting", raise_exception=True)
def meeting_list(request: HtmxHttpRequest) -> HttpResponse:
    """Upcoming meetings (soonest first), then past ones (latest first), with agenda and decision counts."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    meetings = Meeting.objects.annotate(
        case_count=Count("agenda_items", distinct=True),
        decided_count=Count("agenda_items__decision", distinct=True),
    )
    context = {
        "upcoming": meetings.filter(starts_at__gte=today).order_by("starts_at"),
        "past": meetings.filter(starts_at__lt=today).order_by("-starts_at"),
    }
    return render(request, "meetings/meeting_list.html", context)


@permission_required("meetings.add_meeting", raise_exception=True)
@require_http_methods(["GET", "POST"])
def meeting_new(request: HtmxHttpRequest) -> HttpResponse:
    """Schedule a meeting; then go to its page to add attendees and cases."""
    form = MeetingForm(request.POST or None, initial={"board_name": "High-grade NEN tumor board"})
    if request.method == "POST":
        if form.is_valid():
            data = {name: value for name, value in form.cleaned_data.items() if name != "loaded_version"}
            meeting = services.create_meeting(user=request.user, **data)
            messages.success(request, "Meeting scheduled. Add the attendees and the cases.")
            return redirect("meetings:detail", pk=meeting.pk)
        return render(request, "meetings/meeting_form.html", {"form": form}, status=422)
    return render(request, "meetings/meeting_form.html", {"form": form})


@permission_required("meetings.change_meeting", raise_exception=True)
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Change when, where and which board."""
    meeting = get_object_or_404(Meeting, pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    context = {"form": form, "meeting": meeting}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "meetings/meeting_form.html", context, status=422)
        try:
            services.update_meeting(user=request.user, meeting_id=meeting.pk, **form.cleaned_data)
        except StaleEdit as conflict:
            return render(
                request, "meetings/meeting_form.html", {**context, "form": kept(form, conflict)}, status=409
            )
        messages.success(request, "Meeting updated.")
        return redirect("meetings:detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", context)


def kept(form: FormT, conflict: StaleEdit) -> FormT:
    """The user's refused input, now at the record's current version, with what changed meanwhile.

    Saving it again applies it knowingly; nothing was overwritten.
    """
    data = cast(QueryDict, form.data).copy()  # a refused save's form is bound to request.POST
    data[form.add_prefix("loaded_version")] = (
        "" if conflict.current_version is None else str(conflict.current_version)
    )
    form.data = data
    form.full_clean()
    form.add_error(
        None, f"Not saved: {conflict.message} Your input is kept below: review it and save again to apply it."
    )
    return form


def meeting_context(request: HtmxHttpRequest, pk: int, **forms: Any) -> dict[str, Any]:
    """Everything the meeting page and its partials show, in a fixed number of queries."""
    meeting = get_object_or_404(Meeting.objects, pk=pk)
    attendees = list(meeting.attendees.all())
    items = list(
        meeting.agenda_items.select_related("case__patient", "decision__responsible_clinician").order_by(
            "position"
        )
    )
    edited = forms.pop("item_form", None)
    for item in items:
        bound = edited is not None and edited.instance.pk == item.pk
        # The template shows each agenda item with its own edit form.
        item.edit_form = (  # type: ignore[attr-defined]  # an attribute for the template, not a field
            edited if bound else AgendaItemForm(instance=item, prefix=f"item-{item.pk}")
        )
    ready_cases = (
        Case.objects.filter(status=CaseStatus.READY)
        .exclude(agenda_items__meeting=meeting)
        .select_related("patient")
        .order_by("patient__family_name", "patient__given_name", "pk")
    )
    shown = [(item.case.patient_id, item.case_id) for item in items]
    if request.user.has_perm("meetings.add_agendaitem"):
        # The add-a-case list names every ready patient.
        shown += ready_cases.values_list("patient_id", "pk")
    audit.record_patient_reads(user=request.user, action=AccessEvent.Action.VIEW_MEETING, pairs=shown)
    total = sum(item.expected_minutes for item in items)
    context = {
        "meeting": meeting,
        "attendees": attendees,
        "items": items,
        "slots": schedule(meeting, items),
        "total_minutes": total,
        "ends_at": later(meeting.starts_at, total),
        "decided_count": sum(1 for item in items if hasattr(item, "decision")),
        "warnings": panel_warnings(attendees, items),
        "packets": packet_panel(meeting, packet_fingerprint(meeting, items)),
        "attendee_form": AttendeeForm(prefix="attendee"),
        "add_case_form": AddCaseForm(ready_cases=ready_cases, prefix="add"),
    }
    context.update(forms)
    return context


@never_cache
@permission_required("meetings.view_meeting", raise_exception=True)
def meeting_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The meeting: when and where, who attends (with panel warnings), the agenda and the packet."""
    return render(request, TEMPLATE, meeting_context(request, pk))


def updated(request: HtmxHttpRequest, pk: int, notice: str, anchor: str) -> HttpResponse:
    """After a change: htmx gets the page's parts to swap in; a plain form post goes back to the page."""
    if request.htmx:
        return render(
            request, f"{TEMPLATE}#meeting-parts", {**meeting_context(request, pk), "notice": notice}
        )
    messages.success(request, notice)
    return redirect(reverse("meetings:detail", args=[pk]) + anchor)


def refused(request: HtmxHttpRequest, pk: int, status: int = 422, **forms: Any) -> HttpResponse:
    """A change that did not validate (422) or was stale (409): the page (or its parts) with the errors."""
    context = meeting_context(request, pk, **forms)
    template = f"{TEMPLATE}#meeting-parts" if request.htmx else TEMPLATE
    return render(request, template, context, status=status)


def with_error(form: FormT, error: ValidationError) -> FormT:
    """The form with a service's refusal as its non-field error."""
    form.add_error(None, error)
    return form


@permission_required("meetings.add_attendee", raise_exception=True)
@require_POST
def attendee_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Add a person and their specialty."""
    meeting = get_object_or_404(Meeting, pk=pk)
    form = AttendeeForm(request.POST, prefix="attendee")
    if not form.is_valid():
        return refused(request, pk, attendee_form=form)
    attendee = services.add_attendee(user=request.user, meeting_id=meeting.pk, **form.cleaned_data)
    return updated(request, pk, f"{attendee.name} added ({attendee.get_specialty_display()}).", "#attendees")


@permission_required("meetings.delete_attendee", raise_exception=True)
@require_POST
def attendee_remove(request: HtmxHttpRequest, pk: int, attendee_pk: int) -> HttpResponse:
    """Take a person off the meeting."""
    meeting = get_object_or_404(Meeting, pk=pk)
    attendee = get_object_or_404(meeting.attendees, pk=attendee_pk)
    services.remove_attendee(user=request.user, meeting_id=meeting.pk, attendee_id=attendee.pk)
    return updated(request, pk, f"{attendee.name} removed.", "#attendees")
