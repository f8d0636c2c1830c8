"""Writes to the clinical record: keyword-only typed functions, one transaction each, authorship stamped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import capfirst

from cases.facts import with_record
from cases.models import AccessEvent, Authored, Case, CaseComment, Finding, Patient, WorkupDraft
from cases.models.choices import CaseStatus
from cases.pathway import CasePathway, pathway_for_case
from cases.workup import GateItem, RecordEdit, StepEdits, StepRefusals, readiness_gaps, step_refusals
from nanets.users import User, person_name

if TYPE_CHECKING:
    # The model of AUTH_USER_MODEL, as django-stubs resolves it; get_user_model() at run time.
    from django.contrib.auth.models import User as Account


# The history table keeps at most this many characters of a change reason.
HISTORY_REASON_LENGTH = 100
# Fields every record carries for bookkeeping; a conflict message lists only clinical changes.
BOOKKEEPING_FIELDS = list(Authored.BOOKKEEPING_FIELDS)


class StaleEdit(Exception):
    """Someone saved the record after this form loaded it: the save is refused, nothing is overwritten."""

    def __init__(self, message: str, *, current_version: int | None, record: Model | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.current_version = current_version
        # The record object whose save was refused (its form puts the current version in the kept input).
        self.record = record


class RefusedSave(Exception):
    """Saving the step would leave the engine refusing the record there (a contradiction, an invalid fact)."""

    def __init__(self, refusals: StepRefusals) -> None:
        super().__init__("; ".join(item.message for item in refusals.items))
        self.refusals = refusals


def _describe_changes(current: Any, loaded_version: int | None) -> str:
    """Who changed what since the version the user loaded (or recorded it, if they loaded none)."""
    newest = current.history.first()
    loaded = current.history.filter(version=loaded_version).first() if loaded_version else None
    # Outside a request (commands, tasks) the history has no user; the record's own stamp names them.
    author = (newest.history_user if newest else None) or getattr(current, "updated_by", None)
    who = getattr(author, "username", "another user")
    when = timezone.localtime(newest.history_date).strftime("%Y-%m-%d %H:%M") if newest else ""
    model = type(current)
    changes = []
    if newest is not None and loaded is not None:
        for change in newest.diff_against(loaded, excluded_fields=BOOKKEEPING_FIELDS).changes:
            label = capfirst(model._meta.get_field(change.field).verbose_name)
            old, new = _shown(model, change.field, change.old), _shown(model, change.field, change.new)
            changes.append(f"{label}: {old} → {new}")
    elif newest is not None and loaded_version is None:
        # The form was opened before the record existed: say what the other person recorded.
        for field in model._meta.concrete_fields:
            value = getattr(newest, field.attname, None)
            shown = field.editable and not field.primary_key and field.name not in BOOKKEEPING_FIELDS
            # Of relations only people are named; the others are the record's place (its case, its item).
            if field.is_relation and field.related_model is not get_user_model():
                shown = False
            if shown and value not in (None, ""):
                changes.append(f"{capfirst(field.verbose_name)}: {_shown(model, field.name, value)}")
        detail = "; ".join(changes) if changes else "details unavailable"
        return f"{model._meta.verbose_name.capitalize()} was recorded by {who} at {when} ({detail})."
    detail = "; ".join(changes) if changes else "details unavailable"
    return f"{model._meta.verbose_name.capitalize()} was changed by {who} at {when} ({detail})."


def _shown(model: type[Model], name: str, value: Any) -> str:
    """A stored value as the person entered it: choice labels, Yes/No, a user's name."""
    if value in (None, ""):
        return "—"
    field = model._meta.get_field(name)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field.is_relation and field.related_model is get_user_model():
        user = get_user_model().objects.filter(pk=value).first()
        return person_name(user) if user else f"#{value}"
    flatchoices = getattr(field, "flatchoices", None)  # a reverse relation has none
    choices = dict(flatchoices) if flatchoices else {}
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    return str(choices.get(value, value)) if isinstance(value, str | int) else str(value)


def _lock_current(edit: RecordEdit) -> None:
    """Lock the stored record and refuse the save when it changed since its form loaded it."""
    record = edit.record
    if record.pk is None:
        return
    current = type(record)._default_manager.select_for_update().filter(pk=record.pk).first()
    if current is None:
        message = f"{capfirst(record._meta.verbose_name)} was deleted by another user."
        raise StaleEdit(message, current_version=None, record=record)
    try:
        refuse_stale_save(current=current, loaded_version=edit.loaded_version)
    except StaleEdit as stale:
        stale.record = record
        raise
    record.version = current.version


def refuse_stale_save(*, current: Any, loaded_version: int | None) -> None:
    """Refuse to save over a record (locked by the caller) that is no longer at the version the form loaded.

    A form that loaded no record (loaded_version None) is stale once someone has created it meanwhile.
    """
    if current is not None and loaded_version != current.version:
        raise StaleEdit(_describe_changes(current, loaded_version), current_version=current.version)


def account(*, user: User) -> Account:
    """The account of a logged-in user, named by what they write (every view that writes requires login)."""
    if not isinstance(user, get_user_model()):
        raise ValueError(f"A change needs a logged-in user as its author, not {type(user).__name__}.")
    return user


def _stamp(record: Authored, user: User) -> None:
    if record.pk is None:
        record.created_by = account(user=user)
    record.updated_by = account(user=user)


class KnownPatient(Exception):
    """The MRN is registered already, with cases: the clinician decides to continue one or open another."""

    def __init__(self, patient: Patient, cases: list[Case]) -> None:
        super().__init__(f"patient {patient.pk} has {len(cases)} case(s)")
        self.patient = patient
        self.cases = cases


@transaction.atomic
def create_case(*, user: User, patient: Patient, case: Case, another_case_for_patient: bool = False) -> Case:
    """Save a validated new case and its patient, unless one with that MRN, family name and birth date exists.

    A patient who has cases already gets another one only when asked for (another_case_for_patient);
    otherwise KnownPatient lists the cases (show_known_patient records that they were shown).
    """
    known = Patient.objects.filter(mrn=patient.mrn).first()
    if known is None:
        _stamp(patient, user)
        patient.save()
    elif (known.family_name.lower(), known.date_of_birth) != (
        patient.family_name.lower(),
        patient.date_of_birth,
    ):
        raise ValidationError(
            {"mrn": "This MRN belongs to another patient (family name or date of birth differ)."}
        )
    elif not another_case_for_patient:
        cases = list(known.cases.order_by("-updated_at"))
        if cases:
            raise KnownPatient(known, cases)
    case.patient = known or patient
    _stamp(case, user)
    case.save()
    return case


@transaction.atomic
def save_step(*, user: User, case: Case, step: str, edits: StepEdits) -> CasePathway:
    """Write one workup step, forget its draft, and return the case's pathway as saved.

    Refused with nothing written: StaleEdit when a record changed since its form loaded it, RefusedSave
    when the engine would then refuse the record on this step (a contradiction shown there, or a fact
    outside its contract). Facts derive across steps (sites from every study, the latest staging), so the
    check runs on the record as written, inside this transaction.
    """
    for edit in (*edits.saved, *edits.removed):
        _lock_current(edit)
    for edit in edits.saved:
        record = edit.record
        if isinstance(record, Finding):
            record.case = case
        _stamp(record, user)
        record.save()
    for edit in edits.removed:
        edit.record.delete()
    saved = _touch(case, user)
    refusals = step_refusals(saved, step)
    if refusals:
        raise RefusedSave(refusals)
    discard_draft(user=user, case=case, step=step)
    return saved


def _touch(case: Case, user: User) -> CasePathway:
    """Mark the case changed (without a new case version: its findings carry their own) and reclassify."""
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now(), updated_by=user)
    return refresh_classification(case=case)


def refresh_classification(*, case: Case) -> CasePathway:
    """Recompute the classification the case list shows and filters on; returns the pathway it comes from."""
    result = pathway_for_case(with_record(Case.objects.filter(pk=case.pk)).get())
    store_classification(case=case, result=result)
    return result


def store_classification(*, case: Case, result: CasePathway) -> str:
    """Store the classification of a pathway already computed for the case (empty when there is none)."""
    code = result.pathway.classification.code if result.pathway else ""
    if code != case.classification:
        Case.objects.filter(pk=case.pk).update(classification=code)
        case.classification = code
    return code


# A draft holds what a person typed on one step; nothing typed by hand comes near this, a forged post does.
DRAFT_MAX_CHARACTERS = 100_000


def save_draft(*, user: User, case: Case, step: str, data: dict[str, list[str]]) -> None:
    """Keep what the user typed on a step (form data as lists of values); an oversized draft is not kept."""
    # PostgreSQL's jsonb cannot hold NUL characters; no form accepts them anyway.
    clean = {key.replace("\x00", ""): [value.replace("\x00", "") for value in data[key]] for key in data}
    if (
        sum(len(key) + sum(len(value) for value in values) for key, values in clean.items())
        > DRAFT_MAX_CHARACTERS
    ):
        # The form refuses the oversized field by name; the earlier draft stays as it was.
        return
    WorkupDraft.objects.update_or_create(
        case=case, step=step, author=account(user=user), defaults={"data": clean}
    )


def discard_draft(*, user: User, case: Case, step: str) -> None:
    """Forget the unsaved input of one step."""
    WorkupDraft.objects.filter(case=case, step=step, author=account(user=user)).delete()


@transaction.atomic
def close_case(*, user: User, case: Case, reason: str) -> Case:
    """Close a draft case with a reason: it leaves the default list, keeps its record and history."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.status != CaseStatus.DRAFT:
        raise ValidationError(
            {"close_reason": f"Only a draft case can be closed; this one is {locked.get_status_display()}."}
        )
    locked.status = CaseStatus.CLOSED
    locked.close_reason = reason
    _stamp(locked, user)
    locked._change_reason = f"Closed: {reason}"[:HISTORY_REASON_LENGTH]  # type: ignore[attr-defined]
    locked.full_clean()
    locked.save(update_fields=["status", "close_reason", "updated_at", "updated_by"])
    return locked


@transaction.atomic
def mark_ready(*, user: User, case: Case) -> list[GateItem]:
    """Put a case on the list of cases ready for the board, unless facts the pathway needs are missing."""
    gaps = readiness_gaps(pathway_for_case(case), case)
    if gaps:
        return gaps
    case.status = CaseStatus.READY
    _stamp(case, user)
    case.save(update_fields=["status", "updated_at", "updated_by"])
    discard_draft(user=user, case=case, step="review")
    return []


def show_known_patient(*, user: User, known: KnownPatient) -> None:
    """Record that the cases of a known MRN were shown to someone starting a new case."""
    for case in known.cases:
        log_access(user=user, case=case, action=AccessEvent.Action.KNOWN_MRN)


def log_access(*, user: User, case: Case, action: str) -> None:
    """Record that a user read a case (page, pathway, history) or downloaded its PDF."""
    AccessEvent.objects.create(
        patient_id=case.patient_id,
        case=case,
        user=user if isinstance(user, get_user_model()) else None,  # an anonymous reader is recorded as none
        action=action,
    )


def add_comment(*, case: Case, author: User, text: str) -> CaseComment:
    """Add a comment for the board to the case (refused, nothing saved, when empty or too long)."""
    comment = CaseComment(case=case, author=account(user=author), text=text.strip())
    comment.full_clean()
    comment.save()
    return comment
