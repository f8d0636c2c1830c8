"""POST /api/cases: a new draft case from the engine's facts, through the single draft path."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja import Status

from cases import services
from cases.exchange.errors import Problem
from cases.facts import with_record
from cases.models import AccessEvent, Case
from guidelines.engine import validate_facts
from interop.api.auth import require
from interop.api.cases import case_detail_out, router
from interop.api.schemas import REFUSALS, CaseDetail, KnownPatientOut, NewCaseIn
from interop.drafts import DraftRefused, NewPatient, create_draft
from interop.from_facts import FACTS, Recorded, drafts_from_facts

# The history's change reason of every record the API creates.
CHANGE_REASON = "Created through the API"
PATIENT_FIELDS = ("mrn", "family_name", "given_name", "date_of_birth", "sex")


def _invalid(problems: list[Problem]) -> Status[dict[str, Any]]:
    """422 naming each problem's place in the body, as ninja names a body that does not validate."""
    detail = []
    for problem in problems:
        where = problem.where.split(" (", 1)[0]
        if where.startswith("body.") or where == "body":
            detail.append({"loc": where.split("."), "msg": problem.message, "type": "value_error"})
        else:
            # A problem of a workup step or of the whole record (contradictory facts): the facts' problem.
            message = f"{problem.where}: {problem.message}"
            detail.append({"loc": FACTS.split("."), "msg": message, "type": "value_error"})
    return Status(422, {"detail": detail})


def _fact_problems(facts: dict[str, Any]) -> list[Problem]:
    """The engine schema's problems with the facts, each at its field ('ki67_percent: ...')."""
    problems = []
    for message in validate_facts(facts):
        field, _, text = message.partition(": ")
        place = FACTS if field in ("", "(case)") else f"{FACTS}.{field.split('[')[0]}"
        problems.append(Problem(place, text or message))
    return problems


def _new_patient(body: NewCaseIn) -> NewPatient:
    data: dict[str, str | list[str]] = {
        f"patient-{name}": str(getattr(body.patient, name)) for name in PATIENT_FIELDS
    }
    data["patient-date_of_birth"] = body.patient.date_of_birth.isoformat()
    data["case-primary_site"] = str(body.facts.get("primary_site") or "")
    data["case-board_question"] = body.board_question
    return NewPatient(
        data=data,
        where=lambda name: f"body.patient.{name}",
        case_where="body",
        sources=["body.patient", "body.facts.primary_site"],
    )


@router.post(
    "/cases",
    response={201: CaseDetail, 409: KnownPatientOut, **REFUSALS},
    url_name="case_create",
)
def case_create(request: HttpRequest, body: NewCaseIn) -> Status[Any]:
    """A draft case from facts in the engine's schema: validated as typed entry is, or refused whole."""
    require(request, "cases.add_case")
    problems = _fact_problems(body.facts)
    if problems:
        return _invalid(problems)
    recorded = Recorded(
        body.recorded_on, body.specimen, body.imaging_modality, body.metastases_seen_on, body.resected_on
    )
    drafts, problems = drafts_from_facts(body.facts, recorded)
    if problems:
        return _invalid(problems)
    try:
        case, _created = create_draft(
            user=cast(AbstractBaseUser, request.user),
            patient=_new_patient(body),
            drafts=drafts,
            change_reason=CHANGE_REASON,
            another_case_for_patient=body.another_case_for_patient,
        )
    except DraftRefused as refused:
        return _invalid(refused.problems)
    except services.KnownPatient as known:
        services.show_known_patient(user=request.user, known=known)
        detail = "This MRN has cases already: continue one of them, or ask for another case."
        return Status(409, KnownPatientOut(detail=detail, case_ids=[c.pk for c in known.cases]))
    services.log_access(user=request.user, case=case, action=AccessEvent.Action.API_CREATE)
    return Status(201, case_detail_out(with_record(Case.objects.filter(pk=case.pk)).get()))
