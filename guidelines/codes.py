"""Every code of the case record and the pathway with its label, each defined once (pure Python).

The engine, the model choices (cases.models.choices), the pages, the PDF and the pictures read their
words from here; tests/guidelines/test_codes.py holds the sets equal to the contract's schema.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True)
class Code:
    """One stable code, the label people read, and a shorter label where space is tight (pictures)."""

    value: str
    label: str
    short: str = ""

    @property
    def short_label(self) -> str:
        """The short label, or the label when the code has none."""
        return self.short or self.label


class CodeSet:
    """Ordered codes, each with its label; `blank_label` names the empty value where one is allowed."""

    def __init__(self, *codes: Code | tuple[str, str], blank_label: str | None = None) -> None:
        self.codes: tuple[Code, ...] = tuple(
            code if isinstance(code, Code) else Code(*code) for code in codes
        )
        self.blank_label = blank_label
        self.labels: Mapping[str, str] = MappingProxyType({code.value: code.label for code in self.codes})
        self.short_labels: Mapping[str, str] = MappingProxyType(
            {code.value: code.short_label for code in self.codes}
        )
        if len(self.labels) != len(self.codes):
            raise ValueError(f"a code is given twice: {[code.value for code in self.codes]}")

    @property
    def values(self) -> tuple[str, ...]:
        """The codes in order."""
        return tuple(self.labels)

    def label(self, value: str | None) -> str:
        """The label of a code (the blank label for None or ""); KeyError for a code not in the set."""
        if not value and self.blank_label is not None:
            return self.blank_label
        return self.labels[value or ""]

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __contains__(self, value: object) -> bool:
        return value in self.labels

    def __len__(self) -> int:
        return len(self.codes)

    def __repr__(self) -> str:
        return f"CodeSet({', '.join(self.values)})"


NOT_DONE: Final = Code("not_done", "Not done")

# --- case facts (contract case-facts/v1, guidelines/engine/case-facts.schema.json) ---------------

PRIMARY_SITE: Final = CodeSet(
    ("pancreas", "Pancreas"),
    ("esophagus", "Esophagus"),
    ("stomach", "Stomach"),
    ("duodenum", "Duodenum"),
    ("small_bowel", "Small bowel (jejunum/ileum)"),
    ("appendix", "Appendix"),
    ("colon", "Colon"),
    ("rectum", "Rectum"),
    ("anal_canal", "Anal canal"),
    ("ampulla_biliary", "Ampulla / biliary tract"),
    ("liver", "Liver"),
    ("cervix", "Cervix"),
    ("endometrium", "Endometrium"),
    ("ovary", "Ovary"),
    ("vulva_vagina", "Vulva / vagina"),
    ("unknown_primary", "Unknown primary"),
)
# The primary site as an adjective, for reasons such as "pancreatic primary".
PRIMARY_SITE_ADJECTIVES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "pancreas": "pancreatic",
        "esophagus": "esophageal",
        "stomach": "gastric",
        "duodenum": "duodenal",
        "small_bowel": "small-bowel",
        "appendix": "appendiceal",
        "colon": "colonic",
        "rectum": "rectal",
        "anal_canal": "anal",
        "ampulla_biliary": "ampullary/biliary",
        "liver": "hepatic",
        "cervix": "cervical",
        "endometrium": "endometrial",
        "ovary": "ovarian",
        "vulva_vagina": "vulvovaginal",
        "unknown_primary": "unknown",
    }
)
DIFFERENTIATION: Final = CodeSet(
    Code("well", "Well differentiated", "Well"),
    Code("poor", "Poorly differentiated", "Poor"),
    Code("indeterminate", "Indeterminate"),
)
MORPHOLOGY: Final = CodeSet(
    ("small_cell", "Small-cell"),
    ("large_cell", "Large-cell"),
    ("not_applicable", "Not applicable"),
)
P53: Final = CodeSet(
    ("wild_type", "Wild-type pattern"), ("aberrant", "Aberrant (missense or null pattern)"), NOT_DONE
)
RB: Final = CodeSet(("retained", "Retained"), ("lost", "Lost"), NOT_DONE)
SSTR2A: Final = CodeSet(
    ("diffuse_strong", "Diffuse, strong"),
    ("focal_or_weak", "Focal or weak"),
    ("negative", "Negative"),
    NOT_DONE,
)
MMR: Final = CodeSet(
    ("proficient", "Proficient (pMMR / MSS)"), ("deficient", "Deficient (dMMR / MSI-high)"), NOT_DONE
)
NGS_STATUS: Final = CodeSet(("done", "Done"), ("pending", "Pending"), NOT_DONE)
EXTENT: Final = CodeSet(
    ("localized", "Localized"), ("locally_advanced", "Locally advanced"), ("metastatic", "Metastatic")
)
FIGO_STAGE: Final = CodeSet(
    ("IA1", "IA1 — invasion ≤ 3 mm"),
    ("IA2", "IA2 — invasion > 3 and ≤ 5 mm"),
    ("IB1", "IB1 — > 5 mm deep, ≤ 2 cm"),
    ("IB2", "IB2 — > 2 and ≤ 4 cm"),
    ("IB3", "IB3 — > 4 cm"),
    ("IIA1", "IIA1 — upper two-thirds of vagina, ≤ 4 cm"),
    ("IIA2", "IIA2 — upper two-thirds of vagina, > 4 cm"),
    ("IIB", "IIB — parametrium, not to pelvic wall"),
    ("IIIA", "IIIA — lower third of vagina"),
    ("IIIB", "IIIB — pelvic wall and/or hydronephrosis"),
    ("IIIC1", "IIIC1 — pelvic nodes"),
    ("IIIC2", "IIIC2 — para-aortic nodes"),
    ("IVA", "IVA — bladder or rectal mucosa"),
    ("IVB", "IVB — distant organs"),
)
PANCREATIC_LOCATION: Final = CodeSet(("head", "Head"), ("body_tail", "Body / tail"))
METASTATIC_SITE: Final = CodeSet(
    ("liver", "Liver"),
    ("bone", "Bone"),
    ("lung", "Lung"),
    ("peritoneum", "Peritoneum"),
    ("brain", "Brain"),
    ("distant_lymph_nodes", "Distant lymph nodes"),
    ("other", "Other"),
)
# An imaging study's result; the case's fact adds "not done" (no such study in the record).
SSTR_UPTAKE: Final = CodeSet(
    ("negative", "Negative"),
    ("low_or_heterogeneous", "Low or heterogeneous"),
    ("high_homogeneous", "High and homogeneous (above liver in all lesions)"),
)
SSTR_IMAGING: Final = CodeSet(NOT_DONE, *SSTR_UPTAKE)
FDG_AVIDITY: Final = CodeSet(("negative", "Not FDG-avid"), ("positive", "FDG-avid"))
FDG_PET: Final = CodeSet(NOT_DONE, *FDG_AVIDITY)
DISEASE_PACE: Final = CodeSet(
    ("indolent", "Indolent"), ("typical", "Typical"), ("rapid", "Rapid / disproportionately aggressive")
)
MARGIN: Final = CodeSet(
    ("not_resected", "Not resected"),
    ("R0", "R0 (negative margin)"),
    ("R1", "R1 (microscopically positive)"),
    ("R2", "R2 (macroscopic residual)"),
)
RESPONSE: Final = CodeSet(
    ("CR", "Complete response"),
    ("PR", "Partial response"),
    ("SD", "Stable disease"),
    ("PD", "Progressive disease"),
    ("NE", "Not evaluable"),
)
# A line of systemic therapy as the record names it: the catalogue's systemic codes (its text names the
# recommendation, these the treatment given).
REGIMEN: Final = CodeSet(
    ("platinum_etoposide", "Cisplatin or carboplatin + etoposide"),
    ("platinum_irinotecan", "Cisplatin + irinotecan"),
    ("carboplatin_paclitaxel", "Carboplatin + paclitaxel"),
    ("platinum_etoposide_immunotherapy", "Platinum/etoposide + checkpoint inhibitor"),
    ("carboplatin_etoposide_paclitaxel", "Carboplatin + etoposide + paclitaxel"),
    ("platinum_rechallenge", "Platinum/etoposide re-challenge"),
    ("captem", "Capecitabine + temozolomide (CAPTEM)"),
    ("folfox_capox", "FOLFOX or CAPOX"),
    ("folfiri", "FOLFIRI"),
    ("topotecan_or_anthracycline", "Topotecan- or anthracycline-based"),
    ("topotecan_paclitaxel_bevacizumab", "Topotecan + paclitaxel + bevacizumab"),
    ("ssa", "Somatostatin analog"),
    ("prrt", "PRRT (177Lu-DOTATATE)"),
    ("everolimus", "Everolimus"),
    ("sunitinib", "Sunitinib"),
    ("ici_single_agent", "Single-agent PD-1/PD-L1 inhibitor"),
    ("ici_dual", "Ipilimumab + nivolumab"),
    ("ici_dmmr_tmb", "Pembrolizumab / dostarlimab (dMMR or TMB-high)"),
    ("ntrk_inhibitor", "Larotrectinib / entrectinib"),
    ("ret_inhibitor", "Selpercatinib / pralsetinib"),
    ("braf_inhibitor", "BRAF (+/- MEK) inhibitor"),
)

# --- the record beyond the engine's facts ----------------------------------------------------------

SEX: Final = CodeSet(("female", "Female"), ("male", "Male"), ("other", "Other"), ("unknown", "Unknown"))
CASE_STATUS: Final = CodeSet(
    ("draft", "Draft"), ("ready", "Ready for board"), ("discussed", "Discussed"), ("closed", "Closed")
)
SPECIMEN: Final = CodeSet(("primary", "Primary tumour"), ("metastasis", "Metastasis"), ("other", "Other"))
MODALITY: Final = CodeSet(
    Code("ct", "CT (multiphase, contrast)", "CT"),
    Code("mri", "MRI (multiphase, contrast)", "MRI"),
    Code("sstr_pet", "SSTR PET (DOTATATE/DOTATOC)", "SSTR PET"),
    Code("fdg_pet", "FDG PET"),
    Code("brain_mri", "Brain MRI"),
    Code("endoscopy", "Endoscopy (EGD/colonoscopy)", "Endoscopy"),
    Code("ultrasound", "Ultrasound", "US"),
)
# Progress of one workup step for a case.
STEP_STATE: Final = CodeSet(
    ("complete", "complete"),
    ("incomplete", "incomplete"),
    ("draft", "unsaved draft"),
    ("problems", "has problems"),
)

# --- the pathway (contract pathway/v1) ------------------------------------------------------------

CLASSIFICATION: Final = CodeSet(
    Code("g3_net", "Well-differentiated G3 NET", "G3 NET"),
    Code("nec", "Poorly differentiated NEC", "NEC"),
    Code("high_grade_indeterminate", "High-grade NEN, differentiation unresolved", "Type unresolved"),
    Code("not_high_grade", "Not high grade (outside these recommendations)", "Not high grade"),
    blank_label="Not yet classified",
)
# Findings behind a classification; the first two are warnings the board should resolve.
CLASSIFICATION_FLAG: Final = CodeSet(
    ("discordant", "Discordant findings"),
    ("grade_unknown", "Grade not established"),
    ("lower_grade_component", "Lower-grade (G1/G2) NET component"),
    ("non_neuroendocrine_component", "Non-neuroendocrine component (MiNEN)"),
    ("ihc_supports_nec", "p53/Rb IHC supports NEC"),
    ("sstr2a_diffuse_strong", "Diffuse strong SSTR2A"),
)
WARNING_FLAGS: Final = frozenset({"discordant", "grade_unknown"})
# Which index made the tumour high grade.
GRADE_BASIS: Final = CodeSet(("ki67", "Ki-67"), ("mitoses", "mitotic count"))
SITE_GROUP: Final = CodeSet(
    ("pancreatic", "Pancreatic"),
    ("gastrointestinal", "Gastrointestinal"),
    ("gynecologic", "Gynecologic"),
    ("unknown", "Unknown primary"),
)
PANCREATIC_SITES: Final = frozenset({"pancreas"})
GASTROINTESTINAL_SITES: Final = frozenset(
    {
        "esophagus",
        "stomach",
        "duodenum",
        "small_bowel",
        "appendix",
        "colon",
        "rectum",
        "anal_canal",
        "ampulla_biliary",
        "liver",
    }
)
GYNECOLOGIC_SITES: Final = frozenset({"cervix", "endometrium", "ovary", "vulva_vagina"})
DECISION_POINT: Final = CodeSet(
    ("initial", "Initial"), ("after_resection", "After resection"), ("after_progression", "After progression")
)
RECOMMENDATION_STATUS: Final = CodeSet(
    ("recommended", "Recommended"), ("consider", "Consider"), ("not_recommended", "Not recommended")
)
# The panel's vote as the paper reports it.
STRENGTH: Final = CodeSet(
    ("consensus", "Consensus"),
    ("majority", "Majority"),
    ("lack_of_consensus", "Lack of consensus"),
    ("not_voted", "No vote recorded"),
)
# Brain, cardiac and hereditary items are read together as special considerations, by topic.
SPECIAL_TOPIC: Final = CodeSet(("brain", "Brain"), ("cardiac", "Cardiac"), ("hereditary", "Hereditary risk"))
FOLLOWUP_KIND: Final = CodeSet(
    ("surveillance", "Surveillance after curative treatment"), ("monitoring", "Monitoring during treatment")
)

# --- the engine's input fields ------------------------------------------------------------------

# One label per case fact, in the schema's order.
FACT_FIELD: Final = CodeSet(
    ("primary_site", "Primary site"),
    ("differentiation", "Differentiation"),
    ("morphology", "Morphology"),
    ("ki67_percent", "Ki-67"),
    ("mitoses_per_2mm2", "Mitoses"),
    ("lower_grade_component", "Lower-grade (G1/G2) NET component"),
    ("non_neuroendocrine_component", "Non-neuroendocrine component (MiNEN)"),
    ("p53_ihc", "p53 IHC"),
    ("rb_ihc", "Rb IHC"),
    ("sstr2a_ihc", "SSTR2A IHC"),
    ("mmr", "MMR / MSI"),
    ("ngs", "Next-generation sequencing"),
    ("tmb_high", "TMB-high"),
    ("ntrk_fusion", "NTRK fusion"),
    ("ret_fusion", "RET fusion"),
    ("braf_v600e", "BRAF V600E"),
    ("extent", "Extent of disease"),
    ("figo_stage", "FIGO 2018 stage"),
    ("tumor_size_cm", "Tumour size"),
    ("deep_stromal_invasion", "Deep stromal invasion"),
    ("lvsi", "Lymphovascular space invasion"),
    ("pancreatic_location", "Pancreatic location"),
    ("resectable", "Resectable"),
    ("metastatic_sites", "Metastatic sites"),
    ("liver_dominant", "Liver-dominant disease"),
    ("brain_metastases_count", "Brain metastases (number)"),
    ("high_systemic_burden", "High systemic disease burden"),
    ("ct_mri_done", "Multiphase CT/MRI done"),
    ("sstr_imaging", "SSTR PET"),
    ("fdg_pet", "FDG PET"),
    ("endoscopy_done", "Endoscopy done"),
    ("hormonal_syndrome", "Hormone-mediated syndrome"),
    ("carcinoid_syndrome_suspected", "Carcinoid syndrome suspected"),
    ("hiaa_5_elevated", "5-HIAA elevated"),
    ("cns_symptoms", "CNS symptoms"),
    ("ecog", "ECOG performance status"),
    ("disease_pace", "Pace of disease"),
    ("discordant_lesion_growth", "One lesion outpacing the others"),
    ("resection_margin", "Resection margin"),
    ("radiation_amenable", "Tumour bed amenable to radiation"),
    ("etoposide_unsuitable", "Etoposide cannot be given"),
    ("prior_systemic_therapy", "Prior systemic therapy"),
)
# One label per field of a prior line of systemic therapy.
THERAPY_FIELD: Final = CodeSet(
    ("regimen", "Regimen"),
    ("best_response", "Best response"),
    ("progressed", "Progressed"),
    ("months_to_progression", "Months to progression"),
    ("progressed_off_treatment", "Progressed during a treatment break"),
)
# The code set of each coded fact (metastatic_sites: of each of its items).
FACT_CODES: Final[Mapping[str, CodeSet]] = MappingProxyType(
    {
        "primary_site": PRIMARY_SITE,
        "differentiation": DIFFERENTIATION,
        "morphology": MORPHOLOGY,
        "p53_ihc": P53,
        "rb_ihc": RB,
        "sstr2a_ihc": SSTR2A,
        "mmr": MMR,
        "ngs": NGS_STATUS,
        "extent": EXTENT,
        "figo_stage": FIGO_STAGE,
        "pancreatic_location": PANCREATIC_LOCATION,
        "metastatic_sites": METASTATIC_SITE,
        "sstr_imaging": SSTR_IMAGING,
        "fdg_pet": FDG_PET,
        "disease_pace": DISEASE_PACE,
        "resection_margin": MARGIN,
    }
)
# The regimen is checked against the catalogue's treatment codes; the record offers the systemic ones.
THERAPY_CODES: Final[Mapping[str, CodeSet]] = MappingProxyType(
    {"regimen": REGIMEN, "best_response": RESPONSE}
)
# The unit written after a numeric fact's value.
FACT_UNITS: Final[Mapping[str, str]] = MappingProxyType(
    {"ki67_percent": "%", "mitoses_per_2mm2": " per 2 mm²", "tumor_size_cm": " cm"}
)


def fact_value_label(field: str, value: object) -> str:
    """One fact's value in words: its code's label, Yes/No, "Not done", or the number with its unit."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    codes = THERAPY_CODES["regimen"] if field == "prior_systemic_therapy" else FACT_CODES.get(field)
    if codes is not None and value in codes:
        return codes.labels[str(value)]
    if value == NOT_DONE.value:
        return NOT_DONE.label
    unit = FACT_UNITS.get(field, "")
    if isinstance(value, float):
        return f"{value:g}{unit}"
    return f"{value}{unit}"
