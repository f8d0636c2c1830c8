"""Guided case entry: one step per page, plain POST forms, with htmx validation, drafts and a live pathway."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.forms import BaseForm, BaseModelFormSet, CheckboxInput, ModelForm
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cases import services
from cases.facts import with_record
from cases.facts_table import fact_rows
from cases.forms import (
    CaseForm,
    ClinicalForm,
    ImagingFormSet,
    KnownPatientForm,
    MolecularForm,
    PathologyForm,
    PatientForm,
    ResectionForm,
    StagingForm,
    TreatmentLineFormSet,
)
from cases.models import AccessEvent, Case, WorkupDraft
from cases.pathway import CasePathway, pathway_for_case
from cases.workup import (
    STEP_BY_SLUG,
    STEP_SLUGS,
    STEPS,
    ConflictItem,
    conflict_items,
    progress,
    readiness_gaps,
)
from guidelines.engine import ContradictoryFacts, FactsError, build_pathway, parse_facts

SINGLE_RECORD_FORMS: dict[str, type[ModelForm]] = {
    "pathology": PathologyForm,
    "molecular": MolecularForm,
    "staging": StagingForm,
    "clinical": ClinicalForm,
}
RELATED = {
    "pathology": "pathology_reports",
    "molecular": "molecular_results",
    "staging": "staging_assessments",
    "clinical": "clinical_statuses",
}
TEMPLATE = "cases/workup_step.html"
NEW_CASE_SESSION_KEY = "new-case-draft"


@dataclass
class StepForms:
    """The forms of one step, bound or not, and the record a single-record step edits."""

    forms: dict[str, BaseForm | BaseModelFormSet] = field(default_factory=dict)
    editing: Model | None = None

    def is_valid(self) -> bool:
        """All forms valid (every form is validated, so every error shows)."""
        return all([form.is_valid() for form in self.forms.values()])

    def find_field(self, html_name: str) -> Any:
        """The bound field whose input has this name, in any form or formset row."""
        for form in self.forms.values():
            for single in getattr(form, "forms", [form]):
                for bound in single:
                    if bound.html_name == html_name:
                        return bound
        return None


def _case(pk: int) -> Case:
    return get_object_or_404(with_record(Case.objects.filter(pk=pk)))


def _editing_record(case: Case, step: str, request: HttpRequest) -> Model | None:
    """The finding a single-record step edits: ?record=<id>, a new one with ?new=1, else the latest."""
    rows = list(getattr(case, RELATED[step]).all())
    if request.GET.get("new"):
        return None
    wanted = request.GET.get("record")
    if wanted:
        chosen = next((row for row in rows if str(row.pk) == wanted), None)
        if chosen is None:
            raise Http404("No such record in this case.")
        return copy.copy(chosen)
    # A copy: binding a form writes the typed values into its instance, and the case's prefetched records
    # must keep showing (and computing the pathway from) what is saved.
    return copy.copy(rows[0]) if rows else None  # the models order newest first


def _forms_for(step: str, case: Case | None, data: QueryDict | None, request: HttpRequest) -> StepForms:
    if step == "patient":
        return StepForms(
            {
                "patient": PatientForm(data, instance=case.patient if case else None, prefix="patient"),
                "case": CaseForm(
                    data, instance=case, prefix="case", initial={"responsible_clinician": request.user}
                ),
            }
        )
    assert case is not None  # noqa: S101 - only the patient step exists before the case
    if step in SINGLE_RECORD_FORMS:
        record = _editing_record(case, step, request)
        form_class = SINGLE_RECORD_FORMS[step]
        extra = {"case": case} if step == "staging" else {}
        form = form_class(data, instance=record, **extra)
        form.instance.case = case
        form.step = step  # type: ignore[attr-defined]
        return StepForms({"record": form}, record)
    if step == "imaging":
        studies = case.imaging_studies.all()
        formset = ImagingFormSet(
            data, queryset=studies, case=case, prefix="studies", extra=0 if studies else 1
        )
        return StepForms({"studies": formset})
    if step == "treatment":
        resections = list(case.resections.all())
        latest = max(resections, key=lambda row: row.created_at, default=None)
        # Optional: an untouched empty resection form is skipped rather than refused.
        resection = ResectionForm(
            data,
            instance=latest,
            prefix="resection",
            empty_permitted=latest is None,
            use_required_attribute=False,
        )
        resection.instance.case = case
        lines = TreatmentLineFormSet(data, queryset=case.treatment_lines.all(), case=case, prefix="lines")
        return StepForms({"resection": resection, "lines": lines})
    return StepForms()


def _add_row(forms: StepForms, request: HttpRequest) -> QueryDict | None:
    """The "add a row" button of a rows step: the form data with one more, untouched row (nothing saved)."""
    name = request.POST.get("add-row")
    formset = forms.forms.get(name or "")
    if not isinstance(formset, BaseModelFormSet):
        return None
    data = request.POST.copy()
    # total_form_count() copes with a tampered management form (it falls back to the valid count).
    count = formset.total_form_count()
    if count < formset.max_num:
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(count + 1)
        for key, values in _untouched_row_data(formset, count).items():
            data.setlist(key, values)
    kwargs = {"queryset": formset.get_queryset(), "case": formset.case, "prefix": formset.prefix}
    forms.forms[name] = type(formset)(data, **kwargs)  # type: ignore[index]
    return data


def _untouched_row_data(formset: BaseModelFormSet, index: int) -> dict[str, list[str]]:
    """The form data of a new row as an unbound row shows it (a study added is one that was performed)."""
    # Without it the row would be bound to no data, and a bound checkbox without data is unticked.
    data: dict[str, list[str]] = {}
    for bound in formset.empty_form:
        widget = bound.field.widget
        value = bound.value()
        if isinstance(widget, CheckboxInput):
            values = ["on"] if widget.check_test(value) else []
        else:
            formatted = widget.format_value(value)  # a list for selects, None for an empty input
            if formatted is None:
                values = []
            elif isinstance(formatted, list):
                values = [str(item) for item in formatted]
            else:
                values = [str(formatted)]
        if values:
            data[bound.html_name.replace("__prefix__", str(index))] = values
    return data


def _draft_data(data: QueryDict) -> dict[str, list[str]]:
    return {key: data.getlist(key) for key in data if key not in ("csrfmiddlewaretoken", "add-row")}


def _query_dict(data: dict[str, list[str]]) -> QueryDict:
    result = QueryDict(mutable=True)
    for key, values in data.items():
        result.setlist(key, values)
    return result


def _overlay(forms: StepForms) -> dict[str, Any]:
    """Facts as the unsaved input of a single-record step would make them (fields that validate)."""
    overlay: dict[str, Any] = {}
    for form in forms.forms.values():
        if not isinstance(form, ModelForm) or not form.is_bound:
            continue
        for name, form_field in form.fields.items():
            try:
                value = form_field.clean(
                    form_field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
                )
            except ValidationError:
                continue
            overlay[name] = float(value) if isinstance(value, Decimal) else value
    return overlay


def live_pathway(case: Case, forms: StepForms | None = None) -> CasePathway:
    """The case's pathway, with the step's unsaved answers applied when they are valid facts."""
    current = pathway_for_case(case)
    overlay = _overlay(forms) if forms else {}
    facts = {**current.facts, **{key: value for key, value in overlay.items() if key in current.facts}}
    if facts == current.facts:
        return current
    try:
        pathway = build_pathway(parse_facts(facts))
    except ContradictoryFacts as refused:
        return CasePathway(facts, None, [], refused.conflicts)
    except FactsError:
        return current
    return CasePathway(facts, pathway, [])


def _context(
    request: HttpRequest, case: Case | None, step: str, forms: StepForms, **extra: Any
) -> dict[str, Any]:
    drafts = set()
    problems = set()
    if case is not None:
        for draft in WorkupDraft.objects.filter(case=case, author=request.user).only("step"):
            drafts.add(draft.step)
    bound_invalid = any(form.is_bound and not form.is_valid() for form in forms.forms.values())
    if bound_invalid:
        problems.add(step)
    case_pathway = live_pathway(case, forms) if case is not None else None
    if case_pathway is not None:
        problems |= {item.step for item in conflict_items(case_pathway)}
    index = STEP_SLUGS.index(step)
    context = {
        "case": case,
        "step": STEP_BY_SLUG[step],
        "steps": progress(case, step, drafts, problems) if case else [],
        "forms": forms.forms,
        "editing": forms.editing,
        "records": list(getattr(case, RELATED[step]).all()) if case and step in RELATED else [],
        "case_pathway": case_pathway,
        "previous_step": STEPS[index - 1] if index > 0 else None,
        "next_step": STEPS[index + 1] if index + 1 < len(STEPS) else None,
        "restored_draft": extra.pop("restored_draft", None),
        "step_conflicts": conflict_items(case_pathway, step) if case_pathway is not None else [],
    }
    if case is not None and step == "review" and case_pathway is not None:
        context["gaps"] = readiness_gaps(case_pathway, case)
        # The same labels as the pathway page and PDF (the model choices' labels), never raw codes.
        context["known_facts"] = [row for row in fact_rows(case_pathway.facts) if row.value != ""]
    context.update(extra)
    return context


@permission_required("cases.add_case", raise_exception=True)
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """Start a case: the patient step before the case exists (draft kept in the session)."""
    if request.method == "POST":
        forms = _forms_for("patient", None, request.POST, request)
        request.session[NEW_CASE_SESSION_KEY] = _draft_data(request.POST)
        known = KnownPatientForm(request.POST, prefix="known")
        if forms.is_valid() and known.is_valid():
            try:
                case = services.create_case(
                    request.user,
                    forms.forms["patient"],
                    forms.forms["case"],
                    another_case_for_patient=known.cleaned_data["another_case_for_patient"],
                )
            except services.KnownPatient as existing:
                services.show_known_patient(request.user, existing)
                context = _context(request, None, "patient", forms, known_patient=existing, known_form=known)
                return render(request, TEMPLATE, context, status=409)
            except ValidationError as error:
                forms.forms["patient"].add_error(
                    None, error
                ) if "mrn" not in error.message_dict else forms.forms["patient"].add_error(
                    "mrn", error.message_dict["mrn"]
                )
            else:
                request.session.pop(NEW_CASE_SESSION_KEY, None)
                messages.success(request, f"Case created for {case.patient}.")
                return redirect("cases:workup", pk=case.pk, step="pathology")
        return render(request, TEMPLATE, _context(request, None, "patient", forms), status=422)
    saved = request.session.get(NEW_CASE_SESSION_KEY)
    forms = _forms_for("patient", None, _query_dict(saved) if saved else None, request)
    return render(request, TEMPLATE, _context(request, None, "patient", forms, restored_draft=bool(saved)))


@permission_required("cases.change_case", raise_exception=True)
@require_http_methods(["GET", "POST"])
def workup_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One workup step of an existing case: show it (with a restored draft) or save it."""
    if step not in STEP_BY_SLUG:
        raise Http404("No such step.")
    case = _case(pk)
    services.log_access(request.user, case, AccessEvent.Action.VIEW_WORKUP)
    if request.method == "POST":
        return _save_step(request, case, step)
    draft = WorkupDraft.objects.filter(case=case, step=step, author=request.user).first()
    data = _query_dict(draft.data) if draft and step != "review" else None
    forms = _forms_for(step, case, data, request)
    return render(request, TEMPLATE, _context(request, case, step, forms, restored_draft=draft))


def _save_step(request: HttpRequest, case: Case, step: str) -> HttpResponse:
    if step == "review":
        return _mark_ready(request, case)
    forms = _forms_for(step, case, request.POST, request)
    with_new_row = _add_row(forms, request)
    if with_new_row is not None:
        services.save_draft(request.user, case, step, _draft_data(with_new_row))
        return render(request, TEMPLATE, _context(request, case, step, forms))
    if not forms.is_valid():
        services.save_draft(request.user, case, step, _draft_data(request.POST))
        return render(request, TEMPLATE, _context(request, case, step, forms), status=422)
    try:
        contradictions, elsewhere = _write_consistent_step(request, case, step, forms)
    except services.StaleEdit as conflict:
        return _refuse_stale_edit(request, case, step, conflict)
    if contradictions:
        return _refuse_contradiction(request, case, step, contradictions)
    messages.success(request, f"{STEP_BY_SLUG[step].title} saved.")
    for item in elsewhere:
        # Saved as entered, but never silently: the later step shows it and the case cannot go to the board.
        messages.warning(
            request,
            f"The record now contradicts itself: {item.message}. Correct it on "
            f"{STEP_BY_SLUG[item.step].title}; until then there is no pathway.",
        )
    following = STEPS[STEP_SLUGS.index(step) + 1].slug
    return redirect("cases:workup", pk=case.pk, step=following)


def _write_step(request: HttpRequest, case: Case, step: str, forms: StepForms) -> None:
    if step == "patient":
        services.update_patient_and_case(request.user, forms.forms["patient"], forms.forms["case"])
        services.discard_draft(request.user, case, step)
    elif step in SINGLE_RECORD_FORMS:
        services.save_finding(request.user, case, forms.forms["record"])  # type: ignore[arg-type]
    elif step == "imaging":
        services.save_rows(request.user, case, forms.forms["studies"], step)  # type: ignore[arg-type]
    elif step == "treatment":
        services.save_treatment(request.user, case, forms.forms["resection"], forms.forms["lines"])  # type: ignore[arg-type]


def _write_consistent_step(
    request: HttpRequest, case: Case, step: str, forms: StepForms
) -> tuple[list[ConflictItem], list[ConflictItem]]:
    """Save the step unless the record would then contradict itself on this step (then nothing is saved).

    Returns the contradictions that refused the save, and those the saved record now shows on later steps.
    """
    # The facts are derived across steps (sites from every study, the latest staging), so the check runs on
    # the record as saved, inside the transaction that is rolled back when it fails.
    with transaction.atomic():
        _write_step(request, case, step, forms)
        every = conflict_items(pathway_for_case(_case(case.pk)))
        here = [item for item in every if item.step == step]
        if here:
            transaction.set_rollback(True)
            return here, []
    return [], every


def _refuse_contradiction(
    request: HttpRequest, case: Case, step: str, contradictions: list[ConflictItem]
) -> HttpResponse:
    """Keep the input, save nothing, and put each contradiction next to the field that holds it."""
    services.save_draft(request.user, case, step, _draft_data(request.POST))
    fresh = _case(case.pk)
    forms = _forms_for(step, fresh, request.POST, request)
    forms.is_valid()
    single_forms = [form for form in forms.forms.values() if isinstance(form, ModelForm)]
    for item in contradictions:
        for form in single_forms:
            for name in (name for name in item.fields if name in form.fields):
                form.add_error(name, item.message)
    pairs = "; ".join(item.labels for item in contradictions)
    message = f"Not saved: the record would contradict itself ({pairs}). Correct one of the facts below."
    return render(request, TEMPLATE, _context(request, fresh, step, forms, conflict=message), status=422)


def _refuse_stale_edit(
    request: HttpRequest, case: Case, step: str, conflict: services.StaleEdit
) -> HttpResponse:
    """Keep the user's input, say what changed meanwhile, and let a second save apply it knowingly."""
    data = request.POST.copy()
    if conflict.current_version is not None:
        data[conflict.form.add_prefix("loaded_version")] = str(conflict.current_version)
    services.save_draft(
        request.user, case, step, {key: data.getlist(key) for key in data if key != "csrfmiddlewaretoken"}
    )
    fresh = _case(case.pk)
    forms = _forms_for(step, fresh, data, request)
    message = f"Not saved: {conflict.message} Your input is kept below: review it and save again to apply it."
    return render(request, TEMPLATE, _context(request, fresh, step, forms, conflict=message), status=409)


def _mark_ready(request: HttpRequest, case: Case) -> HttpResponse:
    if not request.user.has_perm("cases.mark_ready"):
        raise PermissionDenied("Marking a case ready for the board needs the clinician role.")
    gaps = services.mark_ready(request.user, case)
    if gaps:
        messages.error(
            request, "The case cannot go to the board yet: some facts the pathway needs are missing."
        )
        forms = _forms_for("review", case, None, request)
        return render(request, TEMPLATE, _context(request, case, "review", forms), status=422)
    messages.success(request, "Case marked ready for the board.")
    return redirect("cases:detail", pk=case.pk)


@permission_required("cases.change_case", raise_exception=True)
@require_POST
def workup_validate(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """htmx: keep the draft; return the changed field with its message, the progress and the live pathway."""
    if step not in STEP_BY_SLUG or step == "review":
        raise Http404("No such step.")
    case = _case(pk)
    services.log_access(request.user, case, AccessEvent.Action.VIEW_WORKUP)
    forms = _forms_for(step, case, request.POST, request)
    services.save_draft(request.user, case, step, _draft_data(request.POST))
    changed = forms.find_field(request.POST.get("_changed", ""))
    if changed is not None:
        changed.form.full_clean()
    context = _context(request, case, step, forms, changed=changed)
    return render(request, f"{TEMPLATE}#validation-response", context)


@permission_required("cases.change_case", raise_exception=True)
@require_POST
def workup_discard(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Throw away the unsaved input of a step and show the saved record again."""
    case = _case(pk)
    services.discard_draft(request.user, case, step)
    messages.info(request, "Unsaved changes discarded.")
    return redirect(reverse("cases:workup", kwargs={"pk": case.pk, "step": step}))
