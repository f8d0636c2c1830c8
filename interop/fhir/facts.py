"""One fact from one FHIR resource: the record field it fills, and its value as the workup form takes it."""

from __future__ import annotations

import re
from typing import Any

from django.db import models

from cases.forms import entered_fields
from cases.models import FINDING_MODELS, ClinicalStatus, MolecularResult, PathologyReport, StagingAssessment
from cases.models.choices import MetastaticSite
from interop.drafts import FormValue
from interop.fhir import codes
from interop.fhir.datatypes import Resource, code_in, codings, day, has_code, text_of
from interop.fhir.resources import GROUP_FIELDS

# Facts read from a standard code when the Bundle lacks the app's own code.
STANDARD_FACTS: dict[codes.Code, tuple[type[models.Model], str]] = {
    codes.KI67: (PathologyReport, "ki67_percent"),
    codes.ECOG: (ClinicalStatus, "ecog"),
    codes.TUMOR_SIZE_CODE: (StagingAssessment, "tumor_size_cm"),
    codes.FIGO_STAGE_CODE: (StagingAssessment, "figo_stage"),
    codes.MSI: (MolecularResult, "mmr"),
    codes.TMB: (MolecularResult, "tmb_high"),
}


class Unmappable(Exception):
    """A resource or fact the app cannot take in (the message says why)."""


def sequenced(resource: Resource) -> bool:
    """A result of next-generation sequencing: a variant found by sequencing, or a mutational burden."""
    return has_code(resource.get("method"), codes.SEQUENCING) or has_code(resource.get("code"), codes.TMB)


def fact_model(resource: Resource, within: type[models.Model] | None) -> type[models.Model]:
    """The kind of record a fact belongs to (within: the record it is a member of)."""
    code = resource.get("code")
    local = code_in(code, codes.FACT_SYSTEM)
    if local:
        owners = [model for model in FINDING_MODELS if local in entered_fields(model)]
        if within in owners:
            return within
        if len(owners) == 1:
            return owners[0]
    for standard, (model, _name) in STANDARD_FACTS.items():
        if has_code(code, standard):
            return model
    if has_code(code, codes.GENETIC_VARIANT_ASSESSMENT):
        return MolecularResult
    raise Unmappable("no code the app reads (its own, LOINC Ki-67/ECOG/MSI/TMB/tumour size, SNOMED FIGO)")


def fact_of(resource: Resource, model: type[models.Model]) -> tuple[str, FormValue]:
    """One fact of an Observation: the record field and its value as the form takes it."""
    code = resource.get("code")
    local = code_in(code, codes.FACT_SYSTEM)
    name = local if local in entered_fields(model) and local not in GROUP_FIELDS[model] else None
    if name is None:
        name = next(
            (n for standard, (m, n) in STANDARD_FACTS.items() if m is model and has_code(code, standard)),
            None,
        )
    if name is None and model is MolecularResult and has_code(code, codes.GENETIC_VARIANT_ASSESSMENT):
        return genomic_variant(resource)
    if name is None:
        raise Unmappable("no fact of this record the app reads")
    if resource.get("status") in ("cancelled", "entered-in-error"):
        raise Unmappable(f"the result is {resource['status']}")
    return name, fact_value(resource, model, name)


def fact_value(resource: Resource, model: type[models.Model], name: str) -> FormValue:
    """An Observation's value as the record's form takes it (Unmappable when it cannot be read)."""
    model_field = model._meta.get_field(name)
    value = resource.get("valueCodeableConcept")
    if name == "tumor_size_cm":
        return tumour_size(resource)
    if name == "tmb_high" and "valueQuantity" in resource:
        burden = resource["valueQuantity"].get("value")
        if not isinstance(burden, int | float):
            raise Unmappable("no tumour mutational burden value")
        return "true" if burden >= codes.TMB_HIGH_MUTATIONS_PER_MB else "false"
    if name == "mmr" and code_in(value, codes.value_system("mmr")) is None:
        return microsatellite_status(value)
    if name == "figo_stage":
        return figo_stage(value)
    if isinstance(model_field, models.BooleanField):
        if isinstance(resource.get("valueBoolean"), bool):
            return "true" if resource["valueBoolean"] else "false"
        if has_code(value, codes.PRESENT) or has_code(value, codes.ABSENT):
            return "true" if has_code(value, codes.PRESENT) else "false"
        raise Unmappable("expected a yes/no value")
    if getattr(model_field, "choices", None):
        local = code_in(value, codes.value_system(name))
        if local is None:
            raise Unmappable(f"the value {text_of(value) or 'given'} is not a code the app reads")
        return local
    if isinstance(model_field, models.DecimalField | models.IntegerField):
        return number(resource, name)
    if isinstance(model_field, models.DateField):
        when = day(resource.get("valueDateTime"))
        if when is None:
            raise Unmappable("expected a full date")
        return when
    raise Unmappable("no value the app reads")


def number(resource: Resource, name: str) -> str:
    """A numeric value (valueInteger or valueQuantity); Ki-67 only as a percentage."""
    if isinstance(resource.get("valueInteger"), int):
        return str(resource["valueInteger"])
    quantity = resource.get("valueQuantity") or {}
    value = quantity.get("value")
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise Unmappable("expected a number")
    unit = quantity.get("code") or quantity.get("unit")
    if name == "ki67_percent" and unit not in (None, "%"):
        raise Unmappable(f"Ki-67 in {unit}, expected a percentage")
    return f"{value:g}" if isinstance(value, float) else str(value)


def tumour_size(resource: Resource) -> str:
    """The longest dimension of mCODE TumorSize, in cm."""
    for component in resource.get("component", []):
        if has_code(component.get("code"), codes.TUMOR_LONGEST_DIMENSION):
            quantity = component.get("valueQuantity") or {}
            value, unit = quantity.get("value"), quantity.get("code") or quantity.get("unit")
            if isinstance(value, int | float) and unit in ("cm", "mm"):
                return f"{value if unit == 'cm' else value / 10:g}"
            raise Unmappable("the tumour size needs a value in cm or mm")
    raise Unmappable("no longest dimension (LOINC 33728-7)")


def microsatellite_status(value: Any) -> str:
    """MMR/MSI from an MSI result in words: MSI-H is deficient; MSS or MSI-L proficient."""
    words = " ".join([text_of(value), *(str(c.get("display", "")) for c in codings(value))]).lower()
    if any(term in words for term in ("msi-h", "msi high", "high", "unstable")):
        return "deficient"
    if any(term in words for term in ("mss", "stable", "msi-l", "low")):
        return "proficient"
    raise Unmappable(f"the MSI result {text_of(value) or 'given'} is not MSI-high, MSI-low or stable")


def figo_stage(value: Any) -> str:
    """A FIGO 2018 stage from the app's code, mCODE's NCI Thesaurus codes or the words "FIGO Stage IB2"."""
    local = code_in(value, codes.value_system("figo_stage"))
    if local:
        return local
    ncit = code_in(value, codes.NCIT)
    for stage, code in codes.FIGO_STAGES.items():
        if code.code == ncit:
            return stage
    match = re.search(r"\b(I{1,3}V?|IV)([ABC]\d?)\b", text_of(value).upper())
    if match and f"{match.group(1)}{match.group(2)}" in codes.FIGO_STAGES:
        return f"{match.group(1)}{match.group(2)}"
    raise Unmappable(f"{text_of(value) or 'the stage'} is not a FIGO 2018 stage the app records")


def genomic_variant(resource: Resource) -> tuple[str, FormValue]:
    """NTRK or RET fusion, or BRAF V600E, from a genomic variant (mCODE GenomicVariant).

    A fusion needs the word "fusion" or two genes studied (as mCODE's fusion example codes it); BRAF
    present needs V600E (p.Val600Glu) in the variant; BRAF absent means no V600E either.
    """
    value = resource.get("valueCodeableConcept")
    present = has_code(value, codes.PRESENT) or text_of(value).lower() == "present"
    absent = has_code(value, codes.ABSENT) or text_of(value).lower() == "absent"
    if present == absent:
        raise Unmappable("the variant is neither present nor absent")
    words: list[str] = []
    studied: set[str] = set()
    for component in resource.get("component", []):
        concept_value = component.get("valueCodeableConcept")
        names = [text_of(concept_value), *(str(c.get("display", "")) for c in codings(concept_value))]
        words += names
        if isinstance(component.get("valueString"), str):
            words.append(component["valueString"])
        if has_code(component.get("code"), codes.GENE_STUDIED) or code_in(concept_value, codes.HGNC):
            studied |= {name.upper() for name in names if name}
    text = " ".join(words).lower()
    fused = sorted({codes.FUSION_GENES[gene] for gene in studied if gene in codes.FUSION_GENES})
    if len(fused) == 1 and ("fusion" in text or len(studied) >= 2):
        return fused[0], "true" if present else "false"
    if codes.BRAF in studied and not fused and ("v600e" in text or "val600glu" in text or absent):
        return "braf_v600e", "true" if present else "false"
    genes = ", ".join(sorted(studied)) or "a gene"
    raise Unmappable(f"a variant of {genes} that is not an NTRK or RET fusion or BRAF V600E")


def metastatic_site(resource: Resource) -> str | None:
    """The app's metastatic site of a secondary cancer condition (body site, else its code)."""
    body_site = resource.get("bodySite")
    local = code_in(body_site, codes.value_system("metastatic_sites"))
    if local in MetastaticSite.values:
        return local
    for coding in codings(body_site) + codings(resource.get("code")):
        site = codes.metastasis_site(str(coding.get("system")), str(coding.get("code", "")))
        if site:
            return site
    return None
