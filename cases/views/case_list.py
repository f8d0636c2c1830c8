"""The case list: search by name or MRN, filter by status and classification, paginated."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import render

from cases import audit
from cases.models import AccessEvent, Case, SearchEvent
from cases.models.choices import CaseStatus, Classification
from nanets.http import HtmxHttpRequest

PAGE_SIZE = 25


def filtered_cases(params: dict[str, str]) -> QuerySet[Case]:
    """Cases matching the list's search box and filters."""
    cases = Case.objects.select_related("patient", "responsible_clinician").order_by("-updated_at", "-pk")
    query = params.get("q", "").strip()
    if query:
        cases = cases.filter(
            Q(patient__mrn__icontains=query)
            | Q(patient__family_name__icontains=query)
            | Q(patient__given_name__icontains=query)
        )
    if params.get("status") in CaseStatus.values:
        cases = cases.filter(status=params["status"])
    else:
        # Closed cases (drafts closed with a reason) are out of the way unless asked for.
        cases = cases.exclude(status=CaseStatus.CLOSED)
    if params.get("classification") in Classification.values:
        cases = cases.filter(classification=params["classification"])
    return cases


def _query(params: dict[str, str]) -> QueryDict:
    """The given search and filters as a query, without the empty ones."""
    query = QueryDict(mutable=True)
    query.update({key: value for key, value in params.items() if value})
    return query


@permission_required("cases.view_case", raise_exception=True)
def case_list(request: HtmxHttpRequest) -> HttpResponse:
    """List the board's cases; an htmx request gets only the result rows."""
    # NUL is no character anyone types, and PostgreSQL refuses it in a query parameter.
    params = {key: request.GET.get(key, "").replace("\x00", "") for key in ("q", "status", "classification")}
    page = Paginator(filtered_cases(params), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    searched = params["q"].strip()
    if searched:
        audit.record_search(
            user=request.user,
            place=SearchEvent.Place.CASE_LIST,
            term=searched,
            result_count=page.paginator.count,
        )
    shown = AccessEvent.Action.SEARCH_RESULT if searched else AccessEvent.Action.LIST_CASES
    audit.record_reads(user=request.user, action=shown, cases=page.object_list)
    context = {
        "page": page,
        "params": params,
        "filtered": any(params.values()),
        "statuses": CaseStatus.choices,
        "classifications": Classification.choices,
        # The page links keep the search and filters ({% querystring %} encodes them).
        "query": _query(params),
    }
    template = "cases/case_list.html#case-results" if request.htmx else "cases/case_list.html"
    return render(request, template, context)
