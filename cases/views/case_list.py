"""The case list: worklist tabs, search by name or MRN, status and classification filters, sorting."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import OrderBy
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property

from cases import audit
from cases.models import AccessEvent, Case, SearchEvent
from cases.models.choices import CaseStatus, Classification
from nanets.http import HtmxHttpRequest
from nanets.users import User

PAGE_SIZE = 25
# The list's query parameters; any other is ignored.
PARAMS = ("q", "status", "classification", "list", "sort")

# Meetings sit above cases (import-linter): the case list reaches agenda items and decisions through their
# reverse relation names, pinned by tests/cases/views/test_case_list.py.
AGENDA_ITEMS = "agenda_items"
# The agenda item's fields, as meetings.models names them.
AGENDA_DECISION = "decision"
AGENDA_MEETING_START = "meeting__starts_at"
DECISION_NEXT_REVIEW = "next_review_on"


@dataclass(frozen=True)
class Worklist:
    """A tab of the case list: its ?list= key, its label, and the cases it holds (a condition on the list)."""

    key: str
    label: str
    condition: Q


def worklists(user: User) -> tuple[Worklist, ...]:
    """The case list's tabs, for this user; "All" first (its key is empty: no ?list=)."""
    return (
        Worklist("", "All", Q()),
        Worklist("mine", "My cases", Q(responsible_clinician_id=user.pk)),
        # Ready, and on no agenda of a meeting still to come without a decision there.
        Worklist("awaiting", "Awaiting a board", Q(status=CaseStatus.READY, scheduled=False)),
        # The latest decision's next review date has passed.
        Worklist("overdue", "Overdue reviews", Q(next_review__lt=timezone.localdate())),
    )


# ?sort= key -> the fields ordered by (ascending; "-key" descends). Nothing else reaches order_by().
SORTS: dict[str, tuple[str, ...]] = {
    "patient": ("patient__family_name", "patient__given_name"),
    "mrn": ("patient__mrn",),
    "site": ("primary_site",),
    "classification": ("classification",),
    "status": ("status",),
    "responsible": (
        "responsible_clinician__last_name",
        "responsible_clinician__first_name",
        "responsible_clinician__username",
    ),
    "review": ("next_review",),
    "updated": ("updated_at",),
}
DEFAULT_SORT = "-updated"
# Table columns: (label, ?sort= key).
COLUMNS = (
    ("Patient", "patient"),
    ("MRN", "mrn"),
    ("Primary site", "site"),
    ("Classification", "classification"),
    ("Status", "status"),
    ("Responsible", "responsible"),
    ("Next review", "review"),
    ("Updated", "updated"),
)


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


def _agenda_items() -> QuerySet[Model]:
    """All agenda items (meetings.models.AgendaItem), reached through Case's reverse relation."""
    model = cast(type[Model], Case._meta.get_field(AGENDA_ITEMS).related_model)
    return model._default_manager.all()


def with_board_state(cases: QuerySet[Case], *, today: datetime.date) -> QuerySet[Case]:
    """Each case with `scheduled` (undecided on the agenda of a meeting today or later) and `next_review`."""
    items = _agenda_items().filter(case=OuterRef("pk"))
    scheduled = items.filter(
        **{f"{AGENDA_DECISION}__isnull": True, f"{AGENDA_MEETING_START}__date__gte": today}
    )
    # The latest decision, as the cohort export orders them (latest meeting, then latest recorded).
    latest = (
        items.filter(**{f"{AGENDA_DECISION}__isnull": False})
        .order_by(f"-{AGENDA_MEETING_START}", f"-{AGENDA_DECISION}__created_at", "-pk")
        .values(f"{AGENDA_DECISION}__{DECISION_NEXT_REVIEW}")[:1]
    )
    return cases.annotate(scheduled=Exists(scheduled), next_review=Subquery(latest))


def sort_order(sort: str) -> list[OrderBy]:
    """The order of a ?sort= key (the default for an unknown one), the case id last so pages are stable."""
    key = sort if sort.removeprefix("-") in SORTS else DEFAULT_SORT
    descending = key.startswith("-")
    fields = [*SORTS[key.removeprefix("-")], "pk"]
    # Cases without a value (no review date, no clinician) come last in either direction.
    return [
        F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True) for field in fields
    ]


def current_sort(params: dict[str, str]) -> str:
    """The ?sort= key in force: the one asked for when it is known, else the default."""
    sort = params.get("sort", "")
    return sort if sort.removeprefix("-") in SORTS else DEFAULT_SORT


def current_worklist(params: dict[str, str], user: User) -> Worklist:
    """The tab asked for by ?list=, "All" for an unknown one."""
    tabs = worklists(user)
    return next((tab for tab in tabs if tab.key == params.get("list", "")), tabs[0])


def worklist_cases(params: dict[str, str], *, user: User) -> QuerySet[Case]:
    """The cases of the tab, search and filters, in the asked order (the list and the cohort CSV)."""
    cases = with_board_state(filtered_cases(params), today=timezone.localdate())
    cases = cases.filter(current_worklist(params, user).condition)
    return cases.order_by(*sort_order(params.get("sort", "")))


def worklist_counts(params: dict[str, str], *, user: User) -> dict[str, int]:
    """How many cases each tab holds under the search and filters, in one aggregate query."""
    cases = with_board_state(filtered_cases(params), today=timezone.localdate()).order_by()
    tabs = worklists(user)
    totals = cases.aggregate(**{f"tab_{tab.key}": Count("pk", filter=tab.condition) for tab in tabs})
    return {tab.key: totals[f"tab_{tab.key}"] for tab in tabs}


def list_params(request: HttpRequest) -> dict[str, str]:
    """The list's parameters of the request (NUL removed: PostgreSQL refuses it in a query parameter)."""
    return {key: request.GET.get(key, "").replace("\x00", "") for key in PARAMS}


def _query(params: dict[str, str]) -> QueryDict:
    """The given search and filters as a query, without the empty ones."""
    query = QueryDict(mutable=True)
    query.update({key: value for key, value in params.items() if value})
    return query


def _tabs(
    params: dict[str, str], user: User, counts: dict[str, int], shown: Worklist
) -> list[dict[str, Any]]:
    """Each tab with its count and link (the search, filters and sort kept; back to page 1)."""
    return [
        {
            "label": tab.label,
            "count": counts[tab.key],
            "current": tab.key == shown.key,
            "query": _query({**params, "list": tab.key}),
        }
        for tab in worklists(user)
    ]


def _columns(params: dict[str, str]) -> list[dict[str, Any]]:
    """Each column header with its sort link (ascending first, descending when already ascending)."""
    sort = current_sort(params)
    columns = []
    for label, key in COLUMNS:
        direction = "ascending" if sort == key else "descending" if sort == f"-{key}" else ""
        columns.append(
            {
                "label": label,
                "aria_sort": direction,
                "query": _query({**params, "sort": f"-{key}" if sort == key else key}),
            }
        )
    return columns


class CountedPaginator(Paginator[Case]):
    """A paginator told its count (the tab's count, already known), so it does not count again."""

    def __init__(self, object_list: QuerySet[Case], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        """The number of cases, as given."""
        return self.known_count


@permission_required("cases.view_case", raise_exception=True)
def case_list(request: HtmxHttpRequest) -> HttpResponse:
    """List the board's cases; an htmx request gets only the tabs and the result rows."""
    params = list_params(request)
    shown_list = current_worklist(params, request.user)
    counts = worklist_counts(params, user=request.user)
    paginator = CountedPaginator(
        worklist_cases(params, user=request.user), PAGE_SIZE, count=counts[shown_list.key]
    )
    page = paginator.get_page(request.GET.get("page"))
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
        "filtered": any(params[key] for key in ("q", "status", "classification", "list")),
        "statuses": CaseStatus.choices,
        "classifications": Classification.choices,
        "tabs": _tabs(params, request.user, counts, shown_list),
        "columns": _columns(params),
        # The page links keep the tab, search, filters and sort ({% querystring %} encodes them).
        "query": _query(params),
    }
    template = "cases/case_list.html#case-results" if request.htmx else "cases/case_list.html"
    return render(request, template, context)
