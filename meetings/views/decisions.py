"""Recording the board's decision on one agenda case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cases import audit
from cases.forms import responsible_clinicians
from cases.models import AccessEvent
from cases.services import StaleEdit
from meetings import services
from meetings.decisions import options_for_case
from meetings.forms import DecisionForm
from meetings.models import AgendaItem, Decision
from meetings.views.meeting import kept
from nanets.http import HtmxHttpRequest

TEMPLATE = "meetings/decision_form.html"


@never_cache
@permission_required("meetings.add_decision", raise_exception=True)
@require_http_methods(["GET", "POST"])
def decision_edit(request: HtmxHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The decision form: option or free text, adherence with a coded reason, clinician, next review."""
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting", "case__patient", "case__responsible_clinician"),
        meeting_id=pk,
        pk=item_pk,
    )
    audit.record_reads(user=request.user, action=AccessEvent.Action.VIEW_DECISION, cases=[item.case])
    decision = Decision.objects.filter(agenda_item=item).first()
    if decision is not None and not request.user.has_perm("meetings.change_decision"):
        raise PermissionDenied("Changing a recorded decision needs the permission to change decisions.")
    from_present = request.GET.get("from") == "present"
    initial = {}
    responsible = item.case.responsible_clinician
    if (
        decision is None
        and responsible is not None
        and responsible_clinicians().filter(pk=responsible.pk).exists()
    ):
        initial["responsible_clinician"] = responsible.pk
    form = DecisionForm(
        request.POST or None,
        instance=decision or Decision(agenda_item=item),
        initial=initial,
        options=options_for_case(item.case_id),
        meeting_day=timezone.localtime(item.meeting.starts_at).date(),
    )
    context = {
        "item": item,
        "meeting": item.meeting,
        "case": item.case,
        "form": form,
        "from_present": from_present,
    }
    if request.method == "GET":
        return render(request, TEMPLATE, context)
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=422)
    data = form.cleaned_data
    try:
        services.record_decision(
            user=request.user,
            item_id=item.pk,
            option=form.chosen_option,
            plan=data["plan"],
            follows_guideline=data["follows"] == "yes",
            deviation_reason=data["deviation_reason"],
            deviation_detail=data["deviation_detail"],
            responsible_clinician=data["responsible_clinician"],
            next_review_on=data["next_review_on"],
            loaded_version=data["loaded_version"],
        )
    except StaleEdit as conflict:
        context.update(form=kept(form, conflict), conflict=True)
        return render(request, TEMPLATE, context, status=409)
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, TEMPLATE, context, status=422)
    patient = item.case.patient
    messages.success(request, f"Decision recorded for {patient.family_name.upper()}, {patient.given_name}.")
    if from_present:
        return redirect("meetings:present_case", pk=pk, position=item.position)
    return redirect(reverse("meetings:detail", args=[pk]) + f"#item-{item.pk}")
