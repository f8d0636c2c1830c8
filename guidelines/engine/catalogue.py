"""The catalogue of recommendation items: every code of the contract with its readable text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from guidelines.codes import RECOMMENDATION_STATUS, STRENGTH

# Categories and topics of the contract (pathway-contract.md > Codes).
WORKUP: Final = "workup"
TREATMENT: Final = "treatment"
SUPPORTIVE: Final = "supportive"
TRIAL: Final = "trial"

STATUSES: Final = RECOMMENDATION_STATUS.values
STRENGTHS: Final = STRENGTH.values


@dataclass(frozen=True)
class CatalogueEntry:
    """A recommendation item a clinician can read: its code, category, topic and text."""

    code: str
    category: str
    topic: str
    text: str


def _entries(category: str, topic: str, rows: dict[str, str]) -> dict[str, CatalogueEntry]:
    return {code: CatalogueEntry(code, category, topic, text) for code, text in rows.items()}


CATALOGUE: Final[dict[str, CatalogueEntry]] = {
    **_entries(
        WORKUP,
        "pathology",
        {
            "ki67_ihc": "Ki-67 immunohistochemistry (hot spot, at least 500 cells)",
            "ihc_p53_rb": "p53 and Rb immunohistochemistry to separate G3 NET from NEC",
            "expert_pathology_review": "Review by an experienced neuroendocrine pathologist (reference centre)",
            "rule_out_gi_primary": "Rule out metastasis from a gastrointestinal primary",
            "rebiopsy": "Biopsy at progression",
        },
    ),
    **_entries(
        WORKUP,
        "imaging",
        {
            "ct_mri_multiphase": "Multiphase high-resolution CT or MRI with contrast",
            "sstr_pet": "Somatostatin-receptor PET (68Ga/64Cu-DOTATATE or DOTATOC)",
            "fdg_pet": "18F-FDG PET",
            "brain_mri": "MRI of the brain",
            "endoscopy": "Endoscopy (EGD / colonoscopy) for a known or suspected GI primary",
        },
    ),
    **_entries(
        WORKUP,
        "biomarkers",
        {
            "mmr_msi_testing": "Mismatch-repair IHC or microsatellite-instability testing",
            "ngs": "Next-generation sequencing of tumour tissue",
            "hormone_levels": "Hormone levels tailored to the clinical syndrome",
            "chromogranin_a": "General biomarkers (chromogranin A)",
            "ctdna_ctc": "Circulating tumour DNA / circulating tumour cells (investigational)",
        },
    ),
    **_entries(
        WORKUP,
        "cardiac",
        {
            "hiaa_5": "Plasma or urinary 5-HIAA",
            "echocardiogram": "Echocardiogram for carcinoid heart disease",
        },
    ),
    **_entries(WORKUP, "hereditary", {"germline_testing": "Routine germline genetic evaluation"}),
    **_entries(
        TREATMENT,
        "local",
        {
            "surgical_resection": "Oncologic resection of the primary with regional lymphadenectomy",
            "distal_pancreatectomy_splenectomy": "Distal pancreatectomy with en-bloc splenectomy",
            "neoadjuvant_radiation": "Neoadjuvant radiation or chemoradiation",
            "adjuvant_radiation": "Adjuvant radiation or chemoradiation after G3 NET resection",
            "definitive_chemoradiation": "Definitive chemoradiation with platinum/etoposide",
            "adjuvant_chemoradiation": "Adjuvant chemoradiation after NEC resection",
            "adjuvant_chemotherapy": "Adjuvant platinum/etoposide chemotherapy",
            "capecitabine_radiosensitizer": (
                "Consolidation chemoradiation with capecitabine after 4-6 cycles of platinum/etoposide"
            ),
            "radical_hysterectomy": (
                "Open radical hysterectomy with sentinel lymph node biopsy or complete pelvic lymphadenectomy"
            ),
            "minimally_invasive_hysterectomy": "Minimally invasive (laparoscopic/robotic) radical hysterectomy",
            "fertility_sparing_surgery": "Fertility-sparing surgery (cone biopsy or radical trachelectomy)",
            "adjuvant_pelvic_radiation": "Postoperative pelvic chemoradiation with cisplatin/etoposide",
            "neoadjuvant_chemotherapy_surgery": "Neoadjuvant chemotherapy followed by surgery",
            "liver_directed_therapy": "Liver-directed therapy (bland, chemo- or radioembolization, or ablation)",
            "surgical_debulking": "Surgical debulking (cytoreduction) of metastatic disease",
        },
    ),
    **_entries(
        TREATMENT,
        "brain",
        {
            "srs": "Stereotactic radiosurgery for brain metastases",
            "wbrt": "Whole-brain radiation",
            "pci": "Prophylactic cranial irradiation",
        },
    ),
    **_entries(
        TREATMENT,
        "systemic",
        {
            "platinum_etoposide": "Cisplatin or carboplatin + etoposide",
            "platinum_irinotecan": "Cisplatin + irinotecan",
            "carboplatin_paclitaxel": "Carboplatin + paclitaxel (when etoposide cannot be given)",
            "platinum_etoposide_immunotherapy": "Checkpoint inhibitor added to platinum/etoposide",
            "carboplatin_etoposide_paclitaxel": "Carboplatin + etoposide + paclitaxel (triplet)",
            "platinum_rechallenge": "Platinum/etoposide re-treatment after a durable response",
            "captem": "Capecitabine + temozolomide (CAPTEM)",
            "folfox_capox": "Fluoropyrimidine + oxaliplatin (FOLFOX or CAPOX)",
            "folfiri": "FOLFIRI (5-FU, leucovorin, irinotecan)",
            "topotecan_or_anthracycline": "Topotecan- or anthracycline-based chemotherapy",
            "topotecan_paclitaxel_bevacizumab": "Topotecan + paclitaxel + bevacizumab",
            "ssa": "Somatostatin analog for tumour control",
            "prrt": "Peptide receptor radionuclide therapy (177Lu-DOTATATE)",
            "everolimus": "Everolimus",
            "sunitinib": "Sunitinib",
            "ici_single_agent": "Single-agent PD-1/PD-L1 inhibitor",
            "ici_dual": "Dual checkpoint inhibition (ipilimumab + nivolumab)",
            "ici_dmmr_tmb": "Pembrolizumab or dostarlimab for dMMR/MSI-high or TMB-high tumours",
            "ntrk_inhibitor": "Larotrectinib or entrectinib (NTRK fusion)",
            "ret_inhibitor": "Selpercatinib or pralsetinib (RET fusion)",
            "braf_inhibitor": "BRAF inhibitor (+/- MEK inhibitor) for BRAF V600E",
        },
    ),
    **_entries(
        SUPPORTIVE,
        "care",
        {"mdt_review": "Multidisciplinary review; care or an opinion at a neuroendocrine centre"},
    ),
    **_entries(TRIAL, "trials", {"clinical_trial": "Clinical trial enrollment"}),
}

TREATMENT_CODES: Final = frozenset(code for code, entry in CATALOGUE.items() if entry.category == TREATMENT)

# Platinum doublets/triplets of the small-cell tradition: the regimens "re-treatment with platinum" means
# (Treatment of metastatic GI NEC > Second- and third-line treatment options).
PLATINUM_REGIMENS: Final = frozenset(
    {
        "platinum_etoposide",
        "platinum_irinotecan",
        "carboplatin_paclitaxel",
        "platinum_etoposide_immunotherapy",
        "carboplatin_etoposide_paclitaxel",
        "platinum_rechallenge",
    }
)
