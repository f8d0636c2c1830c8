"""The record's coded values as Django choices, made from guidelines.codes (codes and labels live there)."""

from collections.abc import Mapping
from typing import Any

from django.db import models

from guidelines import codes
from guidelines.codes import GYNECOLOGIC_SITES as GYNECOLOGIC_SITES


def text_choices(name: str, code_set: codes.CodeSet, member_names: Mapping[str, str] | None = None) -> Any:
    """A TextChoices class of a code set, members named by the upper-cased code unless renamed.

    Typed Any: the members are made at run time, so mypy cannot see them (django-stubs has no
    overload for the functional form).
    """
    renamed = member_names or {}
    return models.TextChoices(  # type: ignore[call-overload]
        name,
        [(renamed.get(code.value, code.value.upper()), (code.value, code.label)) for code in code_set],
        module=__name__,
    )


PrimarySite = text_choices("PrimarySite", codes.PRIMARY_SITE)
Classification = text_choices(
    "Classification", codes.CLASSIFICATION, {"high_grade_indeterminate": "INDETERMINATE"}
)
Sex = text_choices("Sex", codes.SEX)
CaseStatus = text_choices("CaseStatus", codes.CASE_STATUS)
Specimen = text_choices("Specimen", codes.SPECIMEN)
Differentiation = text_choices("Differentiation", codes.DIFFERENTIATION)
Morphology = text_choices("Morphology", codes.MORPHOLOGY)
P53 = text_choices("P53", codes.P53)
Rb = text_choices("Rb", codes.RB)
Sstr2a = text_choices("Sstr2a", codes.SSTR2A)
Modality = text_choices("Modality", codes.MODALITY)
SstrUptake = text_choices("SstrUptake", codes.SSTR_UPTAKE)
FdgAvidity = text_choices("FdgAvidity", codes.FDG_AVIDITY)
MetastaticSite = text_choices("MetastaticSite", codes.METASTATIC_SITE)
Mmr = text_choices("Mmr", codes.MMR)
NgsStatus = text_choices("NgsStatus", codes.NGS_STATUS)
Extent = text_choices("Extent", codes.EXTENT)
FigoStage = text_choices("FigoStage", codes.FIGO_STAGE)
PancreaticLocation = text_choices("PancreaticLocation", codes.PANCREATIC_LOCATION)
DiseasePace = text_choices("DiseasePace", codes.DISEASE_PACE)
Margin = text_choices("Margin", codes.MARGIN)
Response = text_choices("Response", codes.RESPONSE)
Regimen = text_choices("Regimen", codes.REGIMEN)
