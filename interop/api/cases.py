"""Case endpoints: the list (search and filters of the case list page) and one case with its pathway."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from cases import audit, services
from cases.facts import with_record
from cases.models import AccessEvent, Case
from cases.pathway import pathway_for_case
from cases.views.case_list import PAGE_SIZE, filtered_cases
from interop.api.auth import require
from interop.api.schemas import (
    NOT_FOUND,
    REFUSALS,
    CaseDetail,
    CasePage,
    CaseSummary,
    ContradictionOut,
    MissingFactOut,
)

router = Router(tags=["cases"])


def _summary(case: Case) -> CaseSummary:
    return CaseSummary(
        id=case.pk,
        mrn=case.patient.mrn,
        family_name=case.patient.family_name,
        given_name=case.patient.given_name,
        primary_site=case.primary_site,
        status=case.status,
        classification=case.classification,
        updated_at=case.updated_at,
    )


@router.get("/cases", response={200: CasePage, **REFUSALS}, url_name="case_list")
def case_list(
    request: HttpRequest, q: str = "", status: str = "", classification: str = "", page: int = 1
) -> CasePage:
    """Cases matching the search (name or MRN) and filters, newest first, a page at a time."""
    require(request, "cases.view_case")
    # NUL is no character anyone types, and PostgreSQL refuses it in a query parameter.
    params = {"q": q, "status": status, "classification": classification}
    params = {key: value.replace("\x00", "") for key, value in params.items()}
    shown = Paginator(filtered_cases(params), PAGE_SIZE).get_page(page)
    rows = list(shown.object_list)
    audit.record_reads(user=request.user, action=AccessEvent.Action.API_LIST, cases=rows)
    return CasePage(
        count=shown.paginator.count,
        page=shown.number,
        pages=shown.paginator.num_pages,
        results=[_summary(case) for case in rows],
    )


@router.get("/cases/{case_id}", response={200: CaseDetail, **NOT_FOUND}, url_name="case_detail")
def case_detail(request: HttpRequest, case_id: int) -> CaseDetail:
    """One case: its facts in the engine's schema and its pathway, or the facts missing or contradictory."""
    require(request, "cases.view_case")
    case = get_object_or_404(with_record(Case.objects.all()), pk=case_id)
    services.log_access(user=request.user, case=case, action=AccessEvent.Action.API_READ)
    return case_detail_out(case)


def case_detail_out(case: Case) -> CaseDetail:
    """A case (record prefetched) with its facts and pathway, or the facts missing or contradictory."""
    result = pathway_for_case(case)
    return CaseDetail(
        **_summary(case).dict(),
        facts=result.facts,
        pathway=result.pathway.to_dict() if result.pathway else None,
        missing=[
            MissingFactOut(field=fact.field, label=fact.label, step=fact.step) for fact in result.missing
        ],
        contradictions=[
            ContradictionOut(rule=finding.rule, fields=list(finding.fields), message=finding.message)
            for finding in result.conflicts
        ],
        problems=list(result.problems),
    )
