"""Guided case entry: one step per page, plain POST forms, with htmx validation, drafts and a live pathway.

Each view looks its step up in cases.workup.STEPS: the step loads its forms and says what saving them
writes; cases.services writes it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cases import services
from cases.facts import with_record, with_typed
from cases.facts_table import fact_rows
from cases.forms import KnownPatientForm
from cases.models import AccessEvent, Case, WorkupDraft
from cases.pathway import CasePathway, pathway_for_case, pathway_for_facts
from cases.workup import (
    STEP_BY_SLUG,
    STEP_SLUGS,
    STEPS,
    Step,
    StepForms,
    StepRefusals,
    conflict_items,
    invalid_items,
    progress,
    readiness_gaps,
    step_refusals,
)

TEMPLATE = "cases/workup_step.html"
NEW_CASE_SESSION_KEY = "new-case-draft"
PATIENT = STEP_BY_SLUG["patient"]
# Form data that is not the step's input: never kept in a draft.
NOT_INPUT = ("csrfmiddlewaretoken", "add-row", "_changed")


def _step(slug: str) -> Step:
    """The step of a URL (404 if there is none)."""
    if slug not in STEP_BY_SLUG:
        raise Http404("No such step.")
    return STEP_BY_SLUG[slug]


def _form_step(slug: str) -> Step:
    """A step with forms (every step but the review), or 404."""
    step = _step(slug)
    if step.entry is None:
        raise Http404("No such step.")
    return step


def _case(pk: int) -> Case:
    return get_object_or_404(with_record(Case.objects.filter(pk=pk)))


def _load(request: HttpRequest, step: Step, case: Case | None, data: QueryDict | None) -> StepForms:
    """The step's forms for the case, bound to data when given (a step without forms has none)."""
    if step.entry is None:
        return StepForms()
    return step.entry.load(case=case, data=data, query=request.GET, user=request.user)


def _draft_data(data: QueryDict) -> dict[str, list[str]]:
    return {key: data.getlist(key) for key in data if key not in NOT_INPUT}


def _query_dict(data: dict[str, list[str]]) -> QueryDict:
    result = QueryDict(mutable=True)
    for key, values in data.items():
        result.setlist(key, values)
    return result


def _typed_values(forms: StepForms) -> dict[str, Any]:
    """The values of a step's bound single-record forms that pass the form's and the model's checks."""
    values: dict[str, Any] = {}
    for form in forms.single_forms():
        if form.is_bound:
            form.is_valid()
            values.update(form.cleaned_data)  # a value the form or the model refuses is not in cleaned_data
    return values


def live_pathway(case: Case, forms: StepForms | None = None) -> CasePathway:
    """The case's pathway, with the step's unsaved answers applied where they are valid."""
    saved = pathway_for_case(case)
    facts = with_typed(saved.facts, _typed_values(forms)) if forms else saved.facts
    return saved if facts == saved.facts else pathway_for_facts(facts)


def _context(
    request: HttpRequest,
    case: Case | None,
    step: Step,
    forms: StepForms,
    case_pathway: CasePathway | None = None,
    **extra: Any,
) -> dict[str, Any]:
    drafts: set[str] = set()
    problems = {step.slug} if forms.has_errors() else set()
    if case is not None:
        case_pathway = case_pathway or live_pathway(case, forms)
        own_drafts = WorkupDraft.objects.filter(case=case, author=services.account(user=request.user))
        drafts = set(own_drafts.values_list("step", flat=True))
        problems |= {item.step for item in conflict_items(case_pathway) + invalid_items(case_pathway)}
    index = STEP_SLUGS.index(step.slug)
    context = {
        "case": case,
        "step": step,
        "steps": progress(case, step.slug, drafts, problems) if case else [],
        "sections": forms.sections,
        "editing": forms.editing,
        "records": forms.records,
        "case_pathway": case_pathway,
        "previous_step": STEPS[index - 1] if index > 0 else None,
        "next_step": STEPS[index + 1] if index + 1 < len(STEPS) else None,
        "restored_draft": extra.pop("restored_draft", None),
        "refusals": step_refusals(case_pathway, step.slug) if case_pathway is not None else None,
    }
    if case is not None and case_pathway is not None and step.entry is None:
        # The review: what blocks the board, and the known facts with the pathway page's labels (never codes).
        context["gaps"] = readiness_gaps(case_pathway, case)
        context["known_facts"] = [row for row in fact_rows(case_pathway.facts) if row.value != ""]
    context.update(extra)
    return context


@permission_required("cases.add_case", raise_exception=True)
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """Start a case: the patient step before the case exists (draft kept in the session)."""
    if request.method != "POST":
        saved = request.session.get(NEW_CASE_SESSION_KEY)
        forms = _load(request, PATIENT, None, _query_dict(saved) if saved else None)
        context = _context(request, None, PATIENT, forms, restored_draft=bool(saved))
        return render(request, TEMPLATE, context)
    forms = _load(request, PATIENT, None, request.POST)
    request.session[NEW_CASE_SESSION_KEY] = _draft_data(request.POST)
    known = KnownPatientForm(request.POST, prefix="known")
    if forms.is_valid() and known.is_valid():
        try:
            case = services.create_case(
                user=request.user,
                patient=forms["patient"].save(commit=False),
                case=forms["case"].save(commit=False),
                another_case_for_patient=known.cleaned_data["another_case_for_patient"],
            )
        except services.KnownPatient as existing:
            services.show_known_patient(user=request.user, known=existing)
            context = _context(request, None, PATIENT, forms, known_patient=existing, known_form=known)
            return render(request, TEMPLATE, context, status=409)
        except ValidationError as error:
            forms["patient"].add_error(None, error)
        else:
            request.session.pop(NEW_CASE_SESSION_KEY, None)
            messages.success(request, f"Case created for {case.patient}.")
            return redirect("cases:workup", pk=case.pk, step="pathology")
    return render(request, TEMPLATE, _context(request, None, PATIENT, forms), status=422)


@permission_required("cases.change_case", raise_exception=True)
@require_http_methods(["GET", "POST"])
def workup_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One workup step of an existing case: show it (with a restored draft) or save it."""
    current = _step(step)
    case = _case(pk)
    services.log_access(user=request.user, case=case, action=AccessEvent.Action.VIEW_WORKUP)
    if request.method == "POST":
        return _save_step(request, case, current)
    draft = WorkupDraft.objects.filter(
        case=case, step=current.slug, author=services.account(user=request.user)
    ).first()
    data = _query_dict(draft.data) if draft and current.entry is not None else None
    forms = _load(request, current, case, data)
    return render(request, TEMPLATE, _context(request, case, current, forms, restored_draft=draft))


def _save_step(request: HttpRequest, case: Case, step: Step) -> HttpResponse:
    if step.entry is None:
        return _mark_ready(request, case)
    forms = _load(request, step, case, request.POST)
    with_new_row = forms.with_added_row(request.POST.get("add-row", ""), request.POST)
    if with_new_row is not None:
        services.save_draft(user=request.user, case=case, step=step.slug, data=_draft_data(with_new_row))
        return render(request, TEMPLATE, _context(request, case, step, forms))
    if not forms.is_valid():
        services.save_draft(user=request.user, case=case, step=step.slug, data=_draft_data(request.POST))
        return render(request, TEMPLATE, _context(request, case, step, forms), status=422)
    try:
        saved = services.save_step(
            user=request.user, case=case, step=step.slug, edits=step.entry.edits(forms)
        )
    except services.StaleEdit as conflict:
        return _refuse_stale_edit(request, case, step, forms, conflict)
    except services.RefusedSave as refused:
        return _refuse(request, case, step, refused.refusals)
    messages.success(request, f"{step.title} saved.")
    for item in conflict_items(saved):
        # Saved as entered, but never silently: the later step shows it and the case cannot go to the board.
        messages.warning(
            request,
            f"The record now contradicts itself: {item.message}. Correct it on "
            f"{STEP_BY_SLUG[item.step].title}; until then there is no pathway.",
        )
    following = STEPS[STEP_SLUGS.index(step.slug) + 1].slug
    return redirect("cases:workup", pk=case.pk, step=following)


def _refuse(request: HttpRequest, case: Case, step: Step, refusals: StepRefusals) -> HttpResponse:
    """Keep the input, save nothing, and put each refusal next to the field that holds it."""
    services.save_draft(user=request.user, case=case, step=step.slug, data=_draft_data(request.POST))
    fresh = _case(case.pk)
    forms = _load(request, step, fresh, request.POST)
    # The live pathway from the input as typed, before the refusals mark its fields.
    typed = live_pathway(fresh, forms)
    for item in refusals.items:
        for form in forms.single_forms():
            for name in (name for name in item.fields if name in form.fields):
                form.add_error(name, item.message)
    if refusals.contradictions:
        pairs = "; ".join(item.labels for item in refusals.contradictions)
        message = f"Not saved: the record would contradict itself ({pairs}). Correct one of the facts below."
    else:
        problems = "; ".join(item.message for item in refusals.invalid)
        message = f"Not saved: the pathway engine does not accept the record as entered ({problems})."
    context = _context(request, fresh, step, forms, typed, conflict=message)
    return render(request, TEMPLATE, context, status=422)


def _refuse_stale_edit(
    request: HttpRequest, case: Case, step: Step, forms: StepForms, conflict: services.StaleEdit
) -> HttpResponse:
    """Keep the user's input, say what changed meanwhile, and let a second save apply it knowingly."""
    data = request.POST.copy()
    refused = forms.form_of(conflict.record)
    if refused is not None and conflict.current_version is not None:
        data[refused.add_prefix("loaded_version")] = str(conflict.current_version)
    services.save_draft(user=request.user, case=case, step=step.slug, data=_draft_data(data))
    fresh = _case(case.pk)
    kept = _load(request, step, fresh, data)
    message = f"Not saved: {conflict.message} Your input is kept below: review it and save again to apply it."
    return render(request, TEMPLATE, _context(request, fresh, step, kept, conflict=message), status=409)


def _mark_ready(request: HttpRequest, case: Case) -> HttpResponse:
    if not request.user.has_perm("cases.mark_ready"):
        raise PermissionDenied("Marking a case ready for the board needs the clinician role.")
    gaps = services.mark_ready(user=request.user, case=case)
    review = STEP_BY_SLUG["review"]
    if gaps:
        messages.error(
            request, "The case cannot go to the board yet: some facts the pathway needs are missing."
        )
        return render(request, TEMPLATE, _context(request, case, review, StepForms()), status=422)
    messages.success(request, "Case marked ready for the board.")
    return redirect("cases:detail", pk=case.pk)


@permission_required("cases.change_case", raise_exception=True)
@require_POST
def workup_validate(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """htmx: the changed field with its message, the progress and the live pathway (nothing is written)."""
    current = _form_step(step)
    case = _case(pk)
    services.log_access(user=request.user, case=case, action=AccessEvent.Action.VIEW_WORKUP)
    forms = _load(request, current, case, request.POST)
    changed = forms.find_field(request.POST.get("_changed", ""))
    if changed is not None:
        changed.form.full_clean()
    context = _context(request, case, current, forms, changed=changed)
    return render(request, f"{TEMPLATE}#validation-response", context)


@permission_required("cases.change_case", raise_exception=True)
@require_POST
def workup_draft(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """htmx: keep what was typed on a step as the user's draft, so leaving the page loses nothing (204)."""
    current = _form_step(step)
    case = get_object_or_404(Case, pk=pk)
    services.save_draft(user=request.user, case=case, step=current.slug, data=_draft_data(request.POST))
    return HttpResponse(status=204)


@permission_required("cases.change_case", raise_exception=True)
@require_POST
def workup_discard(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Throw away the unsaved input of a step and show the saved record again."""
    case = get_object_or_404(Case, pk=pk)
    services.discard_draft(user=request.user, case=case, step=_step(step).slug)
    messages.info(request, "Unsaved changes discarded.")
    return redirect(reverse("cases:workup", kwargs={"pk": case.pk, "step": step}))
