"""The case page's record part kept in the default cache per case fingerprint, day, code and permissions.

A case's fingerprint (cases.fingerprint, one query) changes with every edit of the case, its patient, its
findings and the board's latest decision, so an entry is never served after such an edit; the day is part
of the key because the timeline is drawn up to today. What the fingerprint does not cover stays out of
the cached part and is read on every request: the comments (added without touching the case), the close
form with its CSRF token and errors, the messages and the navbar. The permissions the cached part shows
(links to the workup and to the meetings) are in the key. Not in the fingerprint: a renamed user named by
a board decision or a change (as on the pathway page); the day in the key bounds that to the next day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache as once
from typing import Any

from django import forms
from django.core.cache import cache
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from cases.discussion import changed_since_discussion
from cases.facts import with_record
from cases.fingerprint import CaseFingerprint, cached_pathway_for_case, case_fingerprint
from cases.models import Case
from cases.workup import progress, readiness_gaps
from nanets.release import release_digest

BODY_TEMPLATE = "cases/partials/case_body.html"
# The cached part's pieces, in page order; the comments and the close form go between and after them.
BODY_PARTS = ("header", "pathway", "record", "timeline")
# A day at most: the key holds the date anyway, so an entry older than that is never asked for again.
TIMEOUT_SECONDS = 24 * 60 * 60
# Every permission the cached part's templates check (a test reads them from the templates rendered).
BODY_PERMISSIONS = ("cases.change_case", "meetings.view_meeting")
BLANK_FORM_TEMPLATE = "cases/partials/blank_form.html"


def fingerprint_or_404(case_id: int) -> CaseFingerprint:
    """The case's fingerprint (one query); 404 when there is no such case."""
    fingerprint = case_fingerprint(case_id)
    if fingerprint is None:
        raise Http404("No such case.")
    return fingerprint


@dataclass(frozen=True)
class CaseBody:
    """The case page's cached pieces: the patient's name for the title, the status and the rendered HTML."""

    title: str
    status: str
    header: str
    pathway: str
    record: str
    timeline: str


def body_key(fingerprint: CaseFingerprint, today: date, allowed: tuple[bool, ...]) -> str:
    """The cache key of one case version's body on one day, for one set of the body's permissions."""
    flags = "".join(str(int(flag)) for flag in allowed)
    parts = ("case-body", fingerprint.case_id, fingerprint.digest, today.isoformat(), release_digest(), flags)
    return ":".join(str(part) for part in parts)


def body_context(case_id: int) -> dict[str, Any]:
    """What the cached part shows: the record, workup progress, readiness gaps and pathway at a glance."""
    case = with_record(Case.objects.filter(pk=case_id).select_related("responsible_clinician")).get()
    # The engine's result for these facts from the cache: the page lists the record itself anyway.
    case_pathway = cached_pathway_for_case(case)
    return {
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
        "changed_since_discussion": changed_since_discussion(case),
    }


def render_body(request: HttpRequest, case_id: int) -> CaseBody:
    """Build and render the cached part of the case page (the queries and the engine of a miss)."""
    context = body_context(case_id)
    case: Case = context["case"]
    html = {part: render_to_string(f"{BODY_TEMPLATE}#{part}", context, request) for part in BODY_PARTS}
    return CaseBody(title=case.patient.display_name, status=case.status, **html)


def cached_case_body(request: HttpRequest, fingerprint: CaseFingerprint, *, today: date) -> CaseBody:
    """The case page's cached part for this case version, day and the reader's permissions."""
    allowed = tuple(request.user.has_perm(name) for name in BODY_PERMISSIONS)
    key = body_key(fingerprint, today, allowed)
    body: CaseBody | None = cache.get(key)
    if body is None:
        body = render_body(request, fingerprint.case_id)
        cache.set(key, body, TIMEOUT_SECONDS)
    # Rendered here by the template engine (escaped then); a pickled SafeString may come back a str.
    html = {part: mark_safe(getattr(body, part)) for part in BODY_PARTS}  # noqa: S308
    return CaseBody(title=body.title, status=body.status, **html)


@once
def blank_form_html(form_class: type[forms.BaseForm]) -> SafeString:
    """An unbound form of the page as crispy renders it: the same for every reader, so once per process.

    The forms carry no CSRF token (the page's {% csrf_token %} is beside them) and no per-reader initial.
    """
    return mark_safe(render_to_string(BLANK_FORM_TEMPLATE, {"form": form_class()}))  # noqa: S308
