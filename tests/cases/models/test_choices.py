"""The model choices (cases/models/choices.py) are guidelines.codes' code sets: same codes, labels, order."""

import pytest
from django.apps import apps
from django.db import models

from cases.models import choices
from guidelines import codes

# Each TextChoices class and the code set it is made from.
CHOICES = {
    choices.PrimarySite: codes.PRIMARY_SITE,
    choices.Classification: codes.CLASSIFICATION,
    choices.Sex: codes.SEX,
    choices.CaseStatus: codes.CASE_STATUS,
    choices.Specimen: codes.SPECIMEN,
    choices.Differentiation: codes.DIFFERENTIATION,
    choices.Morphology: codes.MORPHOLOGY,
    choices.P53: codes.P53,
    choices.Rb: codes.RB,
    choices.Sstr2a: codes.SSTR2A,
    choices.Modality: codes.MODALITY,
    choices.SstrUptake: codes.SSTR_UPTAKE,
    choices.FdgAvidity: codes.FDG_AVIDITY,
    choices.MetastaticSite: codes.METASTATIC_SITE,
    choices.Mmr: codes.MMR,
    choices.NgsStatus: codes.NGS_STATUS,
    choices.Extent: codes.EXTENT,
    choices.FigoStage: codes.FIGO_STAGE,
    choices.PancreaticLocation: codes.PANCREATIC_LOCATION,
    choices.DiseasePace: codes.DISEASE_PACE,
    choices.Margin: codes.MARGIN,
    choices.Response: codes.RESPONSE,
    choices.Regimen: codes.REGIMEN,
}
# Each coded field of the record and its code set (audit enums and simple-history's own field aside).
FIELDS = {
    ("patient", "sex"): codes.SEX,
    ("case", "primary_site"): codes.PRIMARY_SITE,
    ("case", "status"): codes.CASE_STATUS,
    ("case", "classification"): codes.CLASSIFICATION,
    ("pathologyreport", "specimen"): codes.SPECIMEN,
    ("pathologyreport", "differentiation"): codes.DIFFERENTIATION,
    ("pathologyreport", "morphology"): codes.MORPHOLOGY,
    ("pathologyreport", "p53_ihc"): codes.P53,
    ("pathologyreport", "rb_ihc"): codes.RB,
    ("pathologyreport", "sstr2a_ihc"): codes.SSTR2A,
    ("imagingstudy", "modality"): codes.MODALITY,
    ("imagingstudy", "sstr_uptake"): codes.SSTR_UPTAKE,
    ("imagingstudy", "fdg_avidity"): codes.FDG_AVIDITY,
    ("molecularresult", "mmr"): codes.MMR,
    ("molecularresult", "ngs"): codes.NGS_STATUS,
    ("stagingassessment", "extent"): codes.EXTENT,
    ("stagingassessment", "figo_stage"): codes.FIGO_STAGE,
    ("stagingassessment", "pancreatic_location"): codes.PANCREATIC_LOCATION,
    ("clinicalstatus", "disease_pace"): codes.DISEASE_PACE,
    ("resection", "margin"): codes.MARGIN,
    ("treatmentline", "regimen"): codes.REGIMEN,
    ("treatmentline", "best_response"): codes.RESPONSE,
}
NOT_RECORD = {"accessevent", "searchevent"}


def _pairs(code_set: codes.CodeSet) -> list[tuple[str, str]]:
    return [(code.value, code.label) for code in code_set]


@pytest.mark.parametrize("text_choices", list(CHOICES), ids=lambda choice: choice.__name__)
def test_choices_are_the_code_set(text_choices):
    """Values, labels and order as in guidelines.codes; a TextChoices class of this module."""
    assert issubclass(text_choices, models.TextChoices)
    assert text_choices.__module__ == choices.__name__
    assert text_choices.choices == _pairs(CHOICES[text_choices])


def test_every_choices_class_of_the_module_is_checked():
    made = {
        value
        for value in vars(choices).values()
        if isinstance(value, type) and issubclass(value, models.Choices)
    }
    assert made - {models.TextChoices} == set(CHOICES)


def test_member_names_the_code_uses_are_kept():
    """Members are the upper-cased codes (INDETERMINATE kept its shorter name); each is its code."""
    assert choices.PrimarySite.SMALL_BOWEL == "small_bowel"
    assert choices.Classification.INDETERMINATE == "high_grade_indeterminate"
    assert choices.Margin.R0 == "R0" and choices.Margin.NOT_RESECTED == "not_resected"
    assert choices.FigoStage.IIIC2 == "IIIC2"
    assert choices.CaseStatus.DRAFT.label == "Draft"
    assert choices.MetastaticSite("distant_lymph_nodes").label == "Distant lymph nodes"
    for text_choices in CHOICES:
        for member in text_choices:
            assert member.name in (member.value.upper(), "INDETERMINATE")


def test_gynecologic_sites_are_the_codes_group():
    assert choices.GYNECOLOGIC_SITES is codes.GYNECOLOGIC_SITES
    assert choices.GYNECOLOGIC_SITES <= set(choices.PrimarySite.values)


def test_every_coded_field_of_the_record_has_the_code_set():
    """Each field with choices, in the record's models and their history, offers exactly its code set."""
    seen = set()
    for model in apps.get_app_config("cases").get_models():
        name = model._meta.model_name.removeprefix("historical")
        if name in NOT_RECORD:
            continue
        for field in model._meta.concrete_fields:
            if not field.choices or field.name == "history_type":
                continue
            seen.add((name, field.name))
            assert list(field.choices) == _pairs(FIELDS[name, field.name]), (model, field.name)
    assert seen == set(FIELDS)
