"""The pathway page's view model and body kept in the default cache per case fingerprint, day and code.

A case's fingerprint (cases.fingerprint, one query) changes with every edit of what the page derives
from, so an entry is never served after an edit; the day is part of the key because ages, follow-up
dates and the timeline depend on today. What is per request stays out: who generated the summary and
when, the navbar, the CSRF token; the one permission the body shows (links to the workup) is in the key.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from cases.discussion import changed_since_discussion
from cases.fingerprint import CaseFingerprint, case_fingerprint
from guidelines.pathway_view import PathwayView, pathway_case, pathway_view
from nanets.release import release_digest
from nanets.users import person_name

BODY_TEMPLATE = "pathway/partials/page_body.html"
# A day at most: the key holds the date anyway, so an entry older than that is never asked for again.
TIMEOUT_SECONDS = 24 * 60 * 60
# The body shows links to the workup steps only to those who may change the case.
BODY_PERMISSIONS = ("cases.change_case",)


def code_version() -> str:
    """The deployed code and templates (nanets.release): a deploy never serves a body of the old code."""
    return release_digest()


def fingerprint_or_404(case_id: int) -> CaseFingerprint:
    """The case's fingerprint (one query); 404 when there is no such case."""
    fingerprint = case_fingerprint(case_id)
    if fingerprint is None:
        raise Http404("No such case.")
    return fingerprint


def _key(kind: str, fingerprint: CaseFingerprint, today: date, *extra: object) -> str:
    parts = (kind, fingerprint.case_id, fingerprint.digest, today.isoformat(), code_version(), *extra)
    return ":".join(str(part) for part in parts)


def cached_pathway_view(
    fingerprint: CaseFingerprint,
    *,
    user: AbstractBaseUser | AnonymousUser,
    today: date,
    now: datetime,
) -> PathwayView:
    """The case's pathway view, from the cache when its fingerprint and today match (then no engine run)."""
    key = _key("pathway-view", fingerprint, today)
    view: PathwayView | None = cache.get(key)
    if view is None:
        view = pathway_view(pathway_case(fingerprint.case_id), user=user, today=today, now=now)
        cache.set(key, dataclasses.replace(view, generated_by=""), TIMEOUT_SECONDS)
    return dataclasses.replace(view, generated_by=person_name(user), generated_at=now)


@dataclasses.dataclass(frozen=True)
class PathwayBody:
    """The rendered body of the pathway page and the patient's name for its title."""

    title: str
    html: str


def cached_pathway_body(
    request: HttpRequest, fingerprint: CaseFingerprint, *, today: date, now: datetime
) -> PathwayBody:
    """The pathway page's body for this case, day and permission, rendered once per fingerprint."""
    allowed = tuple(request.user.has_perm(name) for name in BODY_PERMISSIONS)
    key = _key("pathway-body", fingerprint, today, *(int(flag) for flag in allowed))
    body: PathwayBody | None = cache.get(key)
    if body is None:
        view = cached_pathway_view(fingerprint, user=request.user, today=today, now=now)
        context = {"view": view, "changed_since_discussion": changed_since_discussion(view.case)}
        body = PathwayBody(view.patient.display_name, render_to_string(BODY_TEMPLATE, context, request))
        cache.set(key, body, TIMEOUT_SECONDS)
    # Rendered here by the template engine (escaped then); a pickled SafeString may come back a str.
    return PathwayBody(body.title, mark_safe(body.html))  # noqa: S308
