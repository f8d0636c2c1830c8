"""The case page: who, what is recorded, where the workup stands, and the pathway at a glance."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from cases.discussion import changed_since_discussion
from cases.facts import with_record
from cases.history import case_history
from cases.models import AccessEvent, Case
from cases.pathway import pathway_for_case
from cases.pictures import treatment_timeline_svg
from cases.services import log_access
from cases.workup import progress, readiness_gaps
from meetings.decisions import decisions_for_case


@permission_required("cases.view_case", raise_exception=True)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one case with its record, workup progress and pathway summary."""
    case = get_object_or_404(with_record(Case.objects.filter(pk=pk).select_related("responsible_clinician")))
    case_pathway = pathway_for_case(case)
    log_access(request.user, case, AccessEvent.Action.VIEW_CASE)
    context = {
        "case": case,
        "case_pathway": case_pathway,
        "steps": progress(case, "", set(), set()),
        "gaps": readiness_gaps(case_pathway, case),
        "pathology": list(case.pathology_reports.all()),
        "imaging": list(case.imaging_studies.all()),
        "molecular": list(case.molecular_results.all()),
        "staging": list(case.staging_assessments.all()),
        "clinical": list(case.clinical_statuses.all()),
        "resections": list(case.resections.all()),
        "lines": list(case.treatment_lines.all()),
        "timeline_svg": treatment_timeline_svg(case),
        "case_decisions": decisions_for_case(case),
        "changed_since_discussion": changed_since_discussion(case),
    }
    return render(request, "cases/case_detail.html", context)


@permission_required("cases.view_case", raise_exception=True)
def case_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The History tab: every change to the case's record with author and old/new values, and who read it."""
    case = get_object_or_404(Case.objects.select_related("patient"), pk=pk)
    log_access(request.user, case, AccessEvent.Action.VIEW_HISTORY)
    context = {
        "case": case,
        "entries": case_history(case),
        "access_events": case.access_events.select_related("user")[:200],
    }
    return render(request, "cases/case_history.html", context)
