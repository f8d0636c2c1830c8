"""The case page: who, what is recorded, where the workup stands, and the pathway at a glance."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases import audit, services
from cases.case_page_cache import blank_form_html, cached_case_body, fingerprint_or_404
from cases.forms import CloseCaseForm, CommentForm
from cases.history import case_history
from cases.models import AccessEvent, Case, CaseComment
from cases.services import log_access
from nanets.http import HtmxHttpRequest

COMMENTS_PARTIAL = "cases/case_detail.html#case-comments"


@permission_required("cases.view_case", raise_exception=True)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one case with its record, workup progress and pathway summary."""
    return render(request, "cases/case_detail.html", _detail_context(request, pk, CloseCaseForm()))


@permission_required("cases.change_case", raise_exception=True)
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a draft case with a reason (no record is deleted; the history keeps the reason)."""
    case = get_object_or_404(Case, pk=pk)
    form = CloseCaseForm(request.POST)
    if form.is_valid():
        try:
            services.close_case(user=request.user, case=case, reason=form.cleaned_data["close_reason"])
        except ValidationError as error:
            # Not a draft: the close form is not on the page, so the refusal is a page message.
            messages.error(request, " ".join(error.message_dict["close_reason"]))
        else:
            messages.success(request, "Case closed. Its record is kept; filter the list by Closed.")
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_detail.html", _detail_context(request, pk, form), status=422)


@permission_required("cases.add_casecomment", raise_exception=True)
@require_POST
def comment_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Add a comment for the board; htmx gets the comments section back, a plain POST the case page."""
    case = get_object_or_404(Case.objects.select_related("patient"), pk=pk)
    form = CommentForm(request.POST)
    saved = form.is_valid()
    if saved:
        services.add_comment(case=case, author=request.user, text=form.cleaned_data["text"])
    if request.htmx:
        # The section lists every comment: a read of the case's comments outside the case page.
        audit.record_reads(user=request.user, action=AccessEvent.Action.VIEW_COMMENTS, cases=[case])
        context = {
            "case": case,
            "comments": _comments(case),
            "comment_form": CommentForm() if saved else form,
            "comment_added": saved,
        }
        return render(request, COMMENTS_PARTIAL, context, status=200 if saved else 422)
    if saved:
        messages.success(request, "Comment added.")
        return redirect(reverse("cases:detail", args=[case.pk]) + "#comments")
    context = _detail_context(request, pk, CloseCaseForm(), comment_form=form)
    return render(request, "cases/case_detail.html", context, status=422)


def _comments(case: Case) -> list[CaseComment]:
    """The case's comments, oldest first, with their authors (one query)."""
    return list(case.comments.select_related("author"))


def _detail_context(
    request: HttpRequest, pk: int, close_form: CloseCaseForm, *, comment_form: CommentForm | None = None
) -> dict[str, Any]:
    fingerprint = fingerprint_or_404(pk)
    body = cached_case_body(request, fingerprint, today=timezone.localdate())
    # A body from the cache is still a read of the case's record: audited every time.
    case = Case(pk=fingerprint.case_id, patient_id=fingerprint.patient_id)
    log_access(user=request.user, case=case, action=AccessEvent.Action.VIEW_CASE)
    return {
        "body": body,
        "case": case,
        "close_form": close_form,
        # Comments are added without touching the case (not in its fingerprint): read on every request.
        "comments": _comments(case),
        "comment_form": comment_form or CommentForm(),
        # An unbound form renders the same for everyone: rendered once (crispy costs as much as a query).
        "blank_comment_form": None if comment_form else blank_form_html(CommentForm),
        "blank_close_form": None if close_form.is_bound else blank_form_html(CloseCaseForm),
    }


@permission_required("cases.view_case", raise_exception=True)
def case_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The History tab: every change to the case's record with author and old/new values, and who read it."""
    case = get_object_or_404(Case.objects.select_related("patient"), pk=pk)
    log_access(user=request.user, case=case, action=AccessEvent.Action.VIEW_HISTORY)
    context = {
        "case": case,
        "entries": case_history(case),
        # Who read the record is for the privacy officer (the access report), not for the clinical roles.
        "access_events": (
            case.access_events.select_related("user")[:200]
            if request.user.has_perm("cases.view_accessevent")
            else []
        ),
    }
    return render(request, "cases/case_history.html", context)
