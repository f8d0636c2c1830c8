"""The code tables of the FHIR exchange: standard codes with their sources, and the app's own code systems.

Only codes taken from a published source are standard here (each table names it; docs/fhir.md lists them).
A fact with no standard code we are sure of travels under the app's own code system, with its label as the
display, rather than under an invented standard code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.text import capfirst

from cases.models.choices import MetastaticSite, PrimarySite

# --- code systems -------------------------------------------------------------------------------

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD_O_3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
ICD_10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
UCUM = "http://unitsofmeasure.org"
HGNC = "http://www.genenames.org"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

# The app's own code systems: URNs, since the app publishes no CodeSystem resources at a web address.
LOCAL = "urn:nanets-tumor-board:fhir"
# Observation codes of the record's facts: the code is the field name, e.g. "sstr2a_ihc".
FACT_SYSTEM = f"{LOCAL}:fact"
# The kind of record a group resource (panel, report, procedure, medication) holds, e.g. "pathologyreport".
RECORD_SYSTEM = f"{LOCAL}:record"
# Extensions of the app (board decisions: the coded deviation).
EXTENSION_BASE = f"{LOCAL}:extension:"
# The MRN's identifier system unless settings.FHIR_MRN_SYSTEM names the hospital's own.
DEFAULT_MRN_SYSTEM = "urn:nanets-tumor-board:mrn"
CASE_IDENTIFIER_SYSTEM = f"{LOCAL}:case"


def value_system(field: str) -> str:
    """The app's code system of one coded field's values (the codes of cases.models.choices)."""
    return f"{LOCAL}:{field}"


def mrn_system() -> str:
    """The identifier system of the MRN: the hospital's (setting FHIR_MRN_SYSTEM) or the app's."""
    return str(settings.FHIR_MRN_SYSTEM or DEFAULT_MRN_SYSTEM)


# --- mCODE STU3 profiles (http://hl7.org/fhir/us/mcode/STU3/) ---------------------------------------

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
CANCER_PATIENT = f"{MCODE}mcode-cancer-patient"
PRIMARY_CANCER_CONDITION = f"{MCODE}mcode-primary-cancer-condition"
SECONDARY_CANCER_CONDITION = f"{MCODE}mcode-secondary-cancer-condition"
TUMOR_MARKER_TEST = f"{MCODE}mcode-tumor-marker-test"
ECOG_PERFORMANCE_STATUS = f"{MCODE}mcode-ecog-performance-status"
FIGO_STAGE = f"{MCODE}mcode-gynecologic-tumor-figo-stage"
TUMOR_SIZE = f"{MCODE}mcode-tumor-size"
SURGICAL_PROCEDURE = f"{MCODE}mcode-cancer-related-surgical-procedure"
MEDICATION_ADMINISTRATION = f"{MCODE}mcode-cancer-related-medication-administration"
GENOMICS_REPORT = f"{MCODE}mcode-genomics-report"
HISTOLOGY_MORPHOLOGY_BEHAVIOR = f"{MCODE}mcode-histology-morphology-behavior"
RELATED_CONDITION = "http://hl7.org/fhir/StructureDefinition/condition-related"


@dataclass(frozen=True)
class Code:
    """One code of one code system, with its display."""

    system: str
    code: str
    display: str

    def coding(self) -> dict[str, str]:
        """As a FHIR Coding."""
        return {"system": self.system, "code": self.code, "display": self.display}

    def matches(self, coding: dict[str, Any]) -> bool:
        """A FHIR Coding with this system and code."""
        return coding.get("system") == self.system and str(coding.get("code", "")) == self.code


def concept(*codes: Code, text: str = "") -> dict[str, Any]:
    """A FHIR CodeableConcept of codes meaning the same thing."""
    result: dict[str, Any] = {"coding": [code.coding() for code in codes]}
    if text:
        result["text"] = text
    return result


# --- standard codes, each with its source ---------------------------------------------------------

# LOINC (loinc.org); 29593-1 as the issue gives it, the others as mCODE STU3 uses them.
KI67 = Code(LOINC, "29593-1", "Cells.Ki-67 nuclear Ag/100 cells in Tissue by Immune stain")
ECOG = Code(LOINC, "89247-1", "ECOG Performance Status score")
TUMOR_SIZE_CODE = Code(LOINC, "21889-1", "Size Tumor")
TUMOR_LONGEST_DIMENSION = Code(LOINC, "33728-7", "Size.maximum dimension in Tumor")
GENETIC_ANALYSIS_REPORT = Code(LOINC, "51969-4", "Genetic analysis report")
GENETIC_VARIANT_ASSESSMENT = Code(LOINC, "69548-6", "Genetic variant assessment")
MSI = Code(LOINC, "81695-9", "Microsatellite instability [Interpretation] in Cancer specimen Qualitative")
TMB = Code(LOINC, "94076-7", "Mutations/Megabase [# Ratio] in Tumor")
SEQUENCING = Code(LOINC, "LA26398-0", "Sequencing")
GENE_STUDIED = Code(LOINC, "48018-6", "Gene studied [ID]")
PRESENT = Code(LOINC, "LA9633-4", "Present")
ABSENT = Code(LOINC, "LA9634-2", "Absent")
MEDICAL_RECORD_NUMBER = Code(IDENTIFIER_TYPE, "MR", "Medical record number")
# SNOMED CT as mCODE STU3 uses them: ICD-O-3 encoded conditions ("Representing the Cancer Diagnosis"),
# the SecondaryCancerDisorderVS root, and the FIGO stage profile's code and cervical staging method.
MALIGNANT_NEOPLASTIC_DISEASE = Code(SNOMED, "363346000", "Malignant neoplastic disease (disorder)")
SECONDARY_MALIGNANT_NEOPLASM = Code(SNOMED, "128462008", "Secondary malignant neoplastic disease (disorder)")
FIGO_STAGE_CODE = Code(
    SNOMED,
    "385361009",
    "International Federation of Gynecology and Obstetrics stage for gynecological malignancy",
)
FIGO_CERVIX_METHOD = Code(
    SNOMED,
    "106250008",
    "International Federation of Gynecology and Obstetrics staging system for cervical carcinoma",
)
# Onconova FHIR IG, profile TumorBoardReview (a Procedure; no mCODE profile covers board reviews).
TUMOR_BOARD_REVIEW = Code(NCIT, "C93304", "Tumor Board Review")
DIAGNOSTIC_PROCEDURE = Code(SNOMED, "103693007", "Diagnostic procedure")
ACTIVE = Code(CONDITION_CLINICAL, "active", "Active")
CONFIRMED = Code(CONDITION_VERIFICATION, "confirmed", "Confirmed")
PROBLEM_LIST_ITEM = Code(CONDITION_CATEGORY, "problem-list-item", "Problem List Item")
LABORATORY = Code(OBSERVATION_CATEGORY, "laboratory", "Laboratory")

# FIGO 2018 stages in NCI Thesaurus codes, from mCODE STU3's FIGOStageValueVS.
FIGO_STAGES = {
    stage: Code(NCIT, code, f"FIGO Stage {stage}")
    for stage, code in {
        "IA1": "C96246",
        "IA2": "C96247",
        "IB1": "C96249",
        "IB2": "C96250",
        "IB3": "C162222",
        "IIA1": "C162223",
        "IIA2": "C162224",
        "IIB": "C96254",
        "IIIA": "C96256",
        "IIIB": "C96257",
        "IIIC1": "C96259",
        "IIIC2": "C96260",
        "IVA": "C96262",
        "IVB": "C96263",
    }.items()
}

# ICD-O-3 topography of the primary sites the app covers (WHO ICD-O-3; system as mCODE STU3 names it).
# vulva_vagina has no single code: it travels under the app's code only.
PRIMARY_TOPOGRAPHY: dict[str, Code] = {
    PrimarySite.PANCREAS: Code(ICD_O_3, "C25.9", "Pancreas, NOS"),
    PrimarySite.ESOPHAGUS: Code(ICD_O_3, "C15.9", "Esophagus, NOS"),
    PrimarySite.STOMACH: Code(ICD_O_3, "C16.9", "Stomach, NOS"),
    PrimarySite.DUODENUM: Code(ICD_O_3, "C17.0", "Duodenum"),
    PrimarySite.SMALL_BOWEL: Code(ICD_O_3, "C17.9", "Small intestine, NOS"),
    PrimarySite.APPENDIX: Code(ICD_O_3, "C18.1", "Appendix"),
    PrimarySite.COLON: Code(ICD_O_3, "C18.9", "Colon, NOS"),
    PrimarySite.RECTUM: Code(ICD_O_3, "C20.9", "Rectum, NOS"),
    PrimarySite.ANAL_CANAL: Code(ICD_O_3, "C21.1", "Anal canal"),
    PrimarySite.AMPULLA_BILIARY: Code(ICD_O_3, "C24.1", "Ampulla of Vater"),
    PrimarySite.LIVER: Code(ICD_O_3, "C22.0", "Liver"),
    PrimarySite.CERVIX: Code(ICD_O_3, "C53.9", "Cervix uteri"),
    PrimarySite.ENDOMETRIUM: Code(ICD_O_3, "C54.1", "Endometrium"),
    PrimarySite.OVARY: Code(ICD_O_3, "C56.9", "Ovary"),
    PrimarySite.UNKNOWN_PRIMARY: Code(ICD_O_3, "C80.9", "Unknown primary site"),
}
# Reading: ICD-O-3 topography codes (or their three-character category) to the app's primary site.
TOPOGRAPHY_SITES: dict[str, str] = {
    "C15": PrimarySite.ESOPHAGUS,
    "C16": PrimarySite.STOMACH,
    "C17.0": PrimarySite.DUODENUM,
    "C17.1": PrimarySite.SMALL_BOWEL,
    "C17.2": PrimarySite.SMALL_BOWEL,
    "C17.3": PrimarySite.SMALL_BOWEL,
    "C17.8": PrimarySite.SMALL_BOWEL,
    "C17.9": PrimarySite.SMALL_BOWEL,
    "C18.1": PrimarySite.APPENDIX,
    "C18.0": PrimarySite.COLON,
    "C18.2": PrimarySite.COLON,
    "C18.3": PrimarySite.COLON,
    "C18.4": PrimarySite.COLON,
    "C18.5": PrimarySite.COLON,
    "C18.6": PrimarySite.COLON,
    "C18.7": PrimarySite.COLON,
    "C18.8": PrimarySite.COLON,
    "C18.9": PrimarySite.COLON,
    "C20": PrimarySite.RECTUM,
    "C21": PrimarySite.ANAL_CANAL,
    "C22.0": PrimarySite.LIVER,
    "C22.1": PrimarySite.AMPULLA_BILIARY,
    "C23": PrimarySite.AMPULLA_BILIARY,
    "C24": PrimarySite.AMPULLA_BILIARY,
    "C25": PrimarySite.PANCREAS,
    "C51": PrimarySite.VULVA_VAGINA,
    "C52": PrimarySite.VULVA_VAGINA,
    "C53": PrimarySite.CERVIX,
    "C54.1": PrimarySite.ENDOMETRIUM,
    "C56": PrimarySite.OVARY,
    "C80": PrimarySite.UNKNOWN_PRIMARY,
}
# The pancreatic location an ICD-O-3 topography code tells (C25.0 head; C25.1 body, C25.2 tail).
PANCREATIC_LOCATIONS = {"C25.0": "head", "C25.1": "body_tail", "C25.2": "body_tail"}

# SNOMED CT body structures of mCODE STU3's TG263 concept map, for Bundles that code sites that way.
SNOMED_SITES: dict[str, str] = {
    "15776009": PrimarySite.PANCREAS,
    "32849002": PrimarySite.ESOPHAGUS,
    "69695003": PrimarySite.STOMACH,
    "38848004": PrimarySite.DUODENUM,
    "30315005": PrimarySite.SMALL_BOWEL,
    "66754008": PrimarySite.APPENDIX,
    "71854001": PrimarySite.COLON,
    "34402009": PrimarySite.RECTUM,
    "10200004": PrimarySite.LIVER,
    "71252005": PrimarySite.CERVIX,
    "15497006": PrimarySite.OVARY,
}

# ICD-O-3 topography of the metastatic sites (the app's "other" has none).
METASTATIC_TOPOGRAPHY: dict[str, Code] = {
    MetastaticSite.LIVER: Code(ICD_O_3, "C22.0", "Liver"),
    MetastaticSite.BONE: Code(ICD_O_3, "C41.9", "Bone, NOS"),
    MetastaticSite.LUNG: Code(ICD_O_3, "C34.9", "Lung, NOS"),
    MetastaticSite.PERITONEUM: Code(ICD_O_3, "C48.2", "Peritoneum, NOS"),
    MetastaticSite.BRAIN: Code(ICD_O_3, "C71.9", "Brain, NOS"),
    MetastaticSite.DISTANT_LYMPH_NODES: Code(ICD_O_3, "C77.9", "Lymph node, NOS"),
}
# Reading: a metastatic site from ICD-O-3 topography, SNOMED CT body structure (TG263 map) or the
# ICD-10-CM secondary-neoplasm codes of mCODE STU3's SecondaryCancerDisorderVS. Lymph nodes are
# read as distant (M1) nodes only where the code says so (C7B.01); other lymph-node codes are left to
# the clinician, since regional nodes are not metastatic sites here.
METASTASIS_SITES: dict[tuple[str, str], str] = {
    (ICD_O_3, "C22.0"): MetastaticSite.LIVER,
    (ICD_O_3, "C40"): MetastaticSite.BONE,
    (ICD_O_3, "C41"): MetastaticSite.BONE,
    (ICD_O_3, "C34"): MetastaticSite.LUNG,
    (ICD_O_3, "C48.1"): MetastaticSite.PERITONEUM,
    (ICD_O_3, "C48.2"): MetastaticSite.PERITONEUM,
    (ICD_O_3, "C71"): MetastaticSite.BRAIN,
    (SNOMED, "10200004"): MetastaticSite.LIVER,
    (SNOMED, "39607008"): MetastaticSite.LUNG,
    (SNOMED, "12738006"): MetastaticSite.BRAIN,
    (ICD_10_CM, "C78.0"): MetastaticSite.LUNG,
    (ICD_10_CM, "C78.6"): MetastaticSite.PERITONEUM,
    (ICD_10_CM, "C78.7"): MetastaticSite.LIVER,
    (ICD_10_CM, "C79.31"): MetastaticSite.BRAIN,
    (ICD_10_CM, "C79.51"): MetastaticSite.BONE,
    (ICD_10_CM, "C7B.01"): MetastaticSite.DISTANT_LYMPH_NODES,
    (ICD_10_CM, "C7B.02"): MetastaticSite.LIVER,
    (ICD_10_CM, "C7B.03"): MetastaticSite.BONE,
    (ICD_10_CM, "C7B.04"): MetastaticSite.PERITONEUM,
}

# ICD-O-3 morphology (ICD-O-3.2 terms) of the neuroendocrine neoplasms the app covers.
NET_G1 = Code(ICD_O_3, "8240/3", "Neuroendocrine tumor, grade 1")
NET_G2_G3 = Code(ICD_O_3, "8249/3", "Neuroendocrine tumor, grade 2 or grade 3")
NEC = Code(ICD_O_3, "8246/3", "Neuroendocrine carcinoma, NOS")
SMALL_CELL_NEC = Code(ICD_O_3, "8041/3", "Small cell neuroendocrine carcinoma")
LARGE_CELL_NEC = Code(ICD_O_3, "8013/3", "Large cell neuroendocrine carcinoma")
MINEN = Code(ICD_O_3, "8154/3", "Mixed neuroendocrine non-neuroendocrine neoplasm (MiNEN)")
# Reading: histology (first four digits) to (differentiation, morphology, non-neuroendocrine component).
# None leaves the fact to the clinician: a MiNEN's neuroendocrine part may be a NET or a NEC.
# 8244 is ICD-O-3.1's mixed adenoneuroendocrine carcinoma (MANEC), which ICD-O-3.2 calls MiNEN.
HISTOLOGY_FACTS: dict[str, tuple[str | None, str | None, bool | None]] = {
    "8240": ("well", None, None),
    "8249": ("well", None, None),
    "8246": ("poor", None, None),
    "8041": ("poor", "small_cell", None),
    "8013": ("poor", "large_cell", None),
    "8154": (None, None, True),
    "8244": (None, None, True),
}
MORPHOLOGY_PATTERN = re.compile(r"(\d{4})/(\d)")
# Tumour mutational burden at or above this many mutations per megabase reads as TMB-high: the threshold
# of pembrolizumab's tumour-agnostic approval (FDA 2020, KEYNOTE-158), which the NANETS paper cites.
TMB_HIGH_MUTATIONS_PER_MB = 10

# Genes of the targeted alterations the engine asks about (HGNC symbols).
FUSION_GENES = {"NTRK1": "ntrk_fusion", "NTRK2": "ntrk_fusion", "NTRK3": "ntrk_fusion", "RET": "ret_fusion"}
BRAF = "BRAF"


def morphology_for(
    differentiation: str | None,
    morphology: str | None,
    non_neuroendocrine: bool | None,
    ki67: Any,
    mitoses: Any,
) -> Code | None:
    """The ICD-O-3 morphology of a pathology report (None: indeterminate differentiation, no code)."""
    if non_neuroendocrine:
        return MINEN
    if differentiation == "poor":
        return {"small_cell": SMALL_CELL_NEC, "large_cell": LARGE_CELL_NEC}.get(morphology or "", NEC)
    if differentiation == "well":
        # WHO 2019: G2 from Ki-67 3% or 2 mitoses per 2 mm²; 8249/3 holds G2 and G3, 8240/3 G1 (and NOS).
        graded_up = (ki67 is not None and ki67 >= 3) or (mitoses is not None and mitoses >= 2)
        return NET_G2_G3 if graded_up else NET_G1
    return None


def topography_site(code: str) -> str | None:
    """The app's primary site of an ICD-O-3 topography code (C25.1, C251 or C25)."""
    normal = normal_topography(code)
    return TOPOGRAPHY_SITES.get(normal) or TOPOGRAPHY_SITES.get(normal[:3])


def normal_topography(code: str) -> str:
    """An ICD-O-3 topography code written as C25.1 (also accepted: C251, c25.1)."""
    text = code.strip().upper().replace(".", "")
    return f"{text[:3]}.{text[3:]}" if len(text) > 3 else text


def metastasis_site(system: str, code: str) -> str | None:
    """The app's metastatic site of a coded body site or secondary-neoplasm code."""
    if system == ICD_O_3:
        normal = normal_topography(code)
        return METASTASIS_SITES.get((system, normal)) or METASTASIS_SITES.get((system, normal[:3]))
    found = METASTASIS_SITES.get((system, code))
    if found is None and system == ICD_10_CM and code.startswith("C78.0"):
        return str(MetastaticSite.LUNG)
    return found


def field_label(model: type[models.Model], name: str) -> str:
    """A field's label as the forms show it."""
    return capfirst(str(getattr(model._meta.get_field(name), "verbose_name", name)))


def fact_code(model: type[models.Model], name: str) -> Code:
    """The app's code of one fact of a record (code: the field name; display: its label)."""
    return Code(FACT_SYSTEM, name, field_label(model, name))


def record_code(model: type[models.Model]) -> Code:
    """The app's code of a kind of record (e.g. pathologyreport, "Pathology report")."""
    return Code(RECORD_SYSTEM, model._meta.model_name or "", capfirst(str(model._meta.verbose_name)))


def value_code(model: type[models.Model], name: str, value: str) -> Code:
    """The app's code of one coded value of a field, with the label the app shows for it."""
    labels = dict(getattr(model._meta.get_field(name), "flatchoices", None) or ())
    return Code(value_system(name), value, str(labels.get(value, value)))
