"""The clinical record of the tumour board."""

from cases.models.audit import AccessEvent, SearchEvent
from cases.models.comments import CaseComment
from cases.models.drafts import WorkupDraft
from cases.models.records import (
    FINDING_MODELS,
    Authored,
    Case,
    ClinicalStatus,
    Finding,
    ImagingStudy,
    MolecularResult,
    PathologyReport,
    Patient,
    Resection,
    StagingAssessment,
    TreatmentLine,
)

__all__ = [
    "FINDING_MODELS",
    "AccessEvent",
    "Authored",
    "Finding",
    "Case",
    "CaseComment",
    "ClinicalStatus",
    "ImagingStudy",
    "MolecularResult",
    "PathologyReport",
    "Patient",
    "Resection",
    "SearchEvent",
    "StagingAssessment",
    "TreatmentLine",
    "WorkupDraft",
]
