"""Roles of the app as Django groups, each with the permissions it needs (the one source of truth)."""

from __future__ import annotations

from typing import Any

from cases.models import FINDING_MODELS

ADMINISTRATOR = "administrator"
COORDINATOR = "board coordinator"
CLINICIAN = "clinician"
VIEWER = "viewer"
# The privacy officer: reads the access trail (who read whose record), not the clinical record itself.
AUDITOR = "auditor"

RECORD_MODELS = ("patient", "case", *(str(model._meta.model_name) for model in FINDING_MODELS), "workupdraft")
AUDIT_MODELS = ("accessevent", "searchevent")
# django-axes' login trail, shown in the access report per user.
LOGIN_MODELS = ("accesslog", "accessfailurelog")
MEETING_MODELS = ("meeting", "agendaitem", "attendee", "decision", "meetingpacket")


def _perms(app: str, models: tuple[str, ...], actions: tuple[str, ...]) -> set[tuple[str, str]]:
    return {(app, f"{action}_{model}") for model in models for action in actions}


VIEW = ("view",)
EDIT = ("view", "add", "change", "delete")
# Patients and cases are never deleted (cases are closed); a finding can be removed (its history keeps it).
KEPT_RECORDS = {("cases", "delete_patient"), ("cases", "delete_case")}
# The whole filtered cohort with names and decisions, for quality and research: those who run the board
# (clinicians, coordinators, administrators), not readers of single cases.
COHORT_EXPORT = ("cases", "export_cohort")
# The board's quality figures (meetings.quality): for those who run the board, as the cohort CSV.
QUALITY = ("meetings", "view_quality")
# Notes for the board before it meets: those who prepare and run it. Reading them is reading the case.
COMMENT = ("cases", "add_casecomment")

# (app label, codename) per role; permissions of apps not installed yet are skipped and added later.
ROLE_PERMISSIONS: dict[str, set[tuple[str, str]]] = {
    VIEWER: _perms("cases", RECORD_MODELS, VIEW) | _perms("meetings", MEETING_MODELS, VIEW),
    CLINICIAN: (_perms("cases", RECORD_MODELS, EDIT) - KEPT_RECORDS)
    | {("cases", "mark_ready"), COHORT_EXPORT, QUALITY, COMMENT}
    | _perms("meetings", MEETING_MODELS, VIEW)
    | {("meetings", "add_decision"), ("meetings", "change_decision")},
    # Coordinators run the meeting; the clinical decision itself is recorded by clinicians.
    COORDINATOR: _perms("cases", RECORD_MODELS, VIEW)
    | {COHORT_EXPORT, QUALITY, COMMENT}
    | _perms("meetings", tuple(model for model in MEETING_MODELS if model != "decision"), EDIT)
    | {("meetings", "view_decision")},
    ADMINISTRATOR: (_perms("cases", RECORD_MODELS, EDIT) - KEPT_RECORDS)
    | {("cases", "mark_ready"), COHORT_EXPORT, QUALITY, COMMENT}
    | _perms("meetings", MEETING_MODELS, EDIT),
    AUDITOR: _perms("cases", AUDIT_MODELS, VIEW) | _perms("axes", LOGIN_MODELS, VIEW),
}


def sync_roles(group_model: Any, permission_model: Any) -> None:
    """Create the role groups and give each exactly its permissions (models passed in for migrations)."""
    for role, wanted in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        permissions = [
            permission
            for permission in permission_model.objects.select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        group.permissions.set(permissions)
