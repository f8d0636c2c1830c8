"""Follow-up imaging: surveillance after localized disease (Table 2), monitoring of metastatic disease (Table 3)."""

from __future__ import annotations

from guidelines.engine import sections
from guidelines.engine.classification import G3_NET, NEC
from guidelines.engine.context import Context
from guidelines.engine.pathway import FollowUp, ImagingPhase

G3_NET_SURVEILLANCE = (
    # "every 3 months for 2-3 years, then every 6-12 months for at least 10 years"
    ImagingPhase((3, 3), (24, 36)),
    ImagingPhase((6, 12), (120, None)),
)
NEC_SURVEILLANCE = (
    # "every 3 months for 3 years, then every 6 months for years 4-5"
    ImagingPhase((3, 3), (36, 36)),
    ImagingPhase((6, 6), (60, 60)),
)
G3_NET_MONITORING = (ImagingPhase((3, 3), (None, None)),)
G3_NET_MONITORING_INDOLENT = (ImagingPhase((6, 6), (None, None)),)
NEC_MONITORING = (ImagingPhase((2, 3), (None, None)),)


def followup_for(ctx: Context) -> FollowUp:
    """The follow-up schedule for this case."""
    code = ctx.classification.code
    imaging: tuple[ImagingPhase, ...]
    # Table 3 is for "patients being treated for a metastatic G3 neuroendocrine neoplasm"; progression on
    # systemic therapy puts the patient there whatever extent the record still shows.
    if ctx.metastatic or ctx.decision.code == "after_progression":
        return _monitoring(ctx)
    if code == G3_NET:
        imaging, notes = (
            G3_NET_SURVEILLANCE,
            [
                "Multiphase CT or MRI with contrast; months counted from the end of curative treatment",
                "SSTR-PET and FDG-PET as indicated",
                "Biopsy as indicated to confirm recurrence and/or re-establish grade",
            ],
        )
    elif code == NEC:
        imaging, notes = (
            NEC_SURVEILLANCE,
            [
                "Multiphase CT or MRI with contrast; months counted from the end of curative treatment",
                "MRI brain as indicated by symptoms; FDG-PET and SSTR-PET as indicated",
                "Biopsy as indicated to confirm recurrence",
            ],
        )
    else:
        imaging, notes = (), [_unresolved_note(ctx)]
    return FollowUp("surveillance", imaging, tuple(notes), "majority", sections.SURVEILLANCE)


def _monitoring(ctx: Context) -> FollowUp:
    code = ctx.classification.code
    imaging: tuple[ImagingPhase, ...]
    if code == G3_NET:
        indolent = ctx.facts.disease_pace == "indolent"
        imaging = G3_NET_MONITORING_INDOLENT if indolent else G3_NET_MONITORING
        notes = [
            "Multiphase CT or MRI with contrast every 3 months (every 6 months if more indolent disease), "
            "counted from the start of treatment",
            "SSTR-PET and FDG-PET as indicated",
            "Biopsy as indicated if the pace of progression suggests a change in biology",
        ]
    elif code == NEC:
        imaging = NEC_MONITORING
        notes = [
            "Multiphase CT or MRI with contrast every 2-3 months, counted from the start of treatment",
            "MRI brain if high systemic disease burden or symptomatic; FDG-PET and SSTR-PET as indicated",
            "Biopsy not indicated",
        ]
    else:
        imaging, notes = (), [_unresolved_note(ctx)]
    return FollowUp("monitoring", imaging, tuple(notes), "majority", sections.MONITORING)


def _unresolved_note(ctx: Context) -> str:
    if ctx.classification.code == "not_high_grade":
        return "Outside these recommendations (not high grade): follow the schedule for G1/G2 NET."
    return (
        "Schedule depends on G3 NET vs NEC, which is not settled: G3 NET every 3 months (2-3 years, then "
        "6-12 monthly to 10 years after localized disease); NEC every 2-3 months (metastatic) or 3 months for "
        "3 years, then 6-monthly to year 5."
    )
