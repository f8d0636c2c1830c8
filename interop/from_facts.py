"""Engine facts (contract case-facts/v1) as the records a clinician would enter for them, one Draft each.

The facts are the engine's view of a record (one value per fact); the records also need what the facts
do not hold: the date the findings were recorded, the specimen, the modality of the study that showed
the metastatic sites. The API asks for those (interop.api.new_case) and this module places each fact in
the record and field where the workup enters it. Nothing is guessed: a fact that needs a value the
request does not give is refused with a message naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models

from cases.exchange.errors import Problem
from cases.models import (
    ClinicalStatus,
    ImagingStudy,
    MolecularResult,
    PathologyReport,
    Resection,
    StagingAssessment,
)
from cases.models.choices import Modality
from cases.workup import FACT_STEPS
from interop.drafts import Draft, FormValue

# Where problems with the request body are reported (the API's 422 names this path).
FACTS = "body.facts"


def _entered_on(step: str) -> tuple[str, ...]:
    """The facts entered on a workup step, with the same name on its record (cases.workup.FACT_STEPS)."""
    return tuple(name for name, where in FACT_STEPS.items() if where == step)


PATHOLOGY_FACTS = _entered_on("pathology")
MOLECULAR_FACTS = _entered_on("molecular")
STAGING_FACTS = _entered_on("staging")
CLINICAL_FACTS = _entered_on("clinical")
# Results that are not results: a molecular record holding only these needs no result date.
NO_RESULT = {"not_done", "pending"}
# The anatomic studies of the facts' ct_mri_done.
ANATOMIC = (Modality.CT, Modality.MRI)
# The imaging step records metastatic sites with the study that showed them, of any modality.
SITES_SEEN_ON = tuple(Modality.values)
# Studies no fact stands for (a brain MRI is not the facts' ct_mri_done): made for the sites they showed.
WITHOUT_FACT = (Modality.BRAIN_MRI, Modality.ULTRASOUND)


@dataclass(frozen=True)
class Recorded:
    """What the records need beyond the facts, as the request gives it."""

    recorded_on: date
    specimen: str
    imaging_modality: str | None
    metastases_seen_on: str | None
    resected_on: date | None


def form_value(value: Any) -> FormValue:
    """A fact's value as the workup's form takes it (as a person would type or pick it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value)


def _draft(model: type[models.Model], facts: dict[str, Any], names: tuple[str, ...]) -> Draft:
    """A record holding the facts of names that are known (null is left for the clinician)."""
    draft = Draft(model, {}, {}, [])
    for name in names:
        if facts.get(name) is not None:
            draft.set(name, form_value(facts[name]), f"{FACTS}.{name}")
    return draft


def _study(modality: str, performed: bool, on: date, source: str) -> Draft:
    draft = Draft(ImagingStudy, {"metastatic_sites": []}, {}, [])
    draft.set("modality", modality, source)
    draft.set("performed", "on" if performed else "", source)
    draft.set("study_date", on.isoformat() if performed else "", source)
    return draft


def _imaging(facts: dict[str, Any], recorded: Recorded, problems: list[Problem]) -> list[Draft]:
    """The studies the facts tell of (CT or MRI, PET, endoscopy), the sites on the study that showed them."""
    on = recorded.recorded_on
    studies: dict[str, Draft] = {}
    anatomic_done = facts.get("ct_mri_done")
    if anatomic_done is not None:
        modality = recorded.imaging_modality
        if modality is None or modality not in ANATOMIC:
            problems.append(
                Problem(
                    "body.imaging_modality", "ct or mri: the facts give ct_mri_done (was it a CT or an MRI?)"
                )
            )
        else:
            studies[modality] = _study(modality, anatomic_done, on, f"{FACTS}.ct_mri_done")
    functional = (
        ("sstr_imaging", Modality.SSTR_PET, "sstr_uptake"),
        ("fdg_pet", Modality.FDG_PET, "fdg_avidity"),
    )
    for name, modality, result in functional:
        value = facts.get(name)
        if value is not None:
            studies[modality] = _study(modality, value != "not_done", on, f"{FACTS}.{name}")
            if value != "not_done":
                studies[modality].set(result, value, f"{FACTS}.{name}")
    if facts.get("endoscopy_done") is not None:
        done = bool(facts["endoscopy_done"])
        studies[Modality.ENDOSCOPY] = _study(Modality.ENDOSCOPY, done, on, f"{FACTS}.endoscopy_done")

    sites, brain = facts.get("metastatic_sites") or [], facts.get("brain_metastases_count")
    if (sites or brain is not None) and not problems:
        seen_on = recorded.metastases_seen_on or (recorded.imaging_modality if anatomic_done else None)
        if seen_on is None:
            problems.append(
                Problem(
                    "body.metastases_seen_on",
                    f"the study that showed the metastatic sites ({', '.join(SITES_SEEN_ON)}): "
                    "the app records sites with the study that showed them",
                )
            )
            return list(studies.values())
        if seen_on not in SITES_SEEN_ON:
            problems.append(Problem("body.metastases_seen_on", f"expected one of {', '.join(SITES_SEEN_ON)}"))
            return list(studies.values())
        study = studies.get(seen_on)
        if study is None:
            if seen_on not in WITHOUT_FACT:
                problems.append(
                    Problem(
                        "body.metastases_seen_on",
                        f"{seen_on}: the facts hold no result of that study "
                        "(ct_mri_done, sstr_imaging, fdg_pet or endoscopy_done)",
                    )
                )
                return list(studies.values())
            study = studies[seen_on] = _study(seen_on, True, on, "body.metastases_seen_on")
        if study.data.get("performed") != "on":
            problems.append(
                Problem("body.metastases_seen_on", f"{seen_on} was not done, so it showed no metastases")
            )
        if sites:
            study.set("metastatic_sites", form_value(sites), f"{FACTS}.metastatic_sites")
        if brain is not None:
            study.set("brain_metastases_count", form_value(brain), f"{FACTS}.brain_metastases_count")
    return list(studies.values())


def drafts_from_facts(facts: dict[str, Any], recorded: Recorded) -> tuple[list[Draft], list[Problem]]:
    """The records that hold the facts (valid facts: the engine's schema checked them), or the problems."""
    problems: list[Problem] = []
    on = recorded.recorded_on.isoformat()
    pathology = _draft(PathologyReport, facts, PATHOLOGY_FACTS)
    pathology.set("specimen", recorded.specimen, "body.specimen")
    pathology.set("specimen_date", on, "body.recorded_on")
    drafts = [pathology, *_imaging(facts, recorded, problems)]

    molecular = _draft(MolecularResult, facts, MOLECULAR_FACTS)
    if molecular.data:
        if any(value not in NO_RESULT for value in molecular.data.values()):
            molecular.set("result_date", on, "body.recorded_on")
        drafts.append(molecular)
    staging = _draft(StagingAssessment, facts, STAGING_FACTS)
    staging.set("assessed_on", on, "body.recorded_on")
    drafts.append(staging)
    clinical = _draft(ClinicalStatus, facts, CLINICAL_FACTS)
    if clinical.data:
        clinical.set("assessed_on", on, "body.recorded_on")
        drafts.append(clinical)

    margin, amenable = facts.get("resection_margin"), facts.get("radiation_amenable")
    if margin is not None or amenable is not None:
        resection = Draft(Resection, {}, {}, [])
        if margin is None:
            problems.append(
                Problem(
                    f"{FACTS}.resection_margin", "required with radiation_amenable (a resection's margin)"
                )
            )
        else:
            resection.set("margin", margin, f"{FACTS}.resection_margin")
        if amenable is not None:
            resection.set("radiation_amenable", form_value(amenable), f"{FACTS}.radiation_amenable")
        resected_on = recorded.resected_on.isoformat() if recorded.resected_on else ""
        resection.set("resected_on", resected_on, "body.resected_on")
        drafts.append(resection)
    elif recorded.resected_on is not None:
        problems.append(Problem("body.resected_on", "given without a resection_margin in the facts"))

    if facts.get("prior_systemic_therapy"):
        problems.append(
            Problem(
                f"{FACTS}.prior_systemic_therapy",
                "treatment lines need their regimen dates, which the facts do not hold: create the case "
                "with an empty list and enter the lines on the Treatment step",
            )
        )
    return drafts, problems
