"""Section headings of the NANETS 2023 paper that items cite as their source."""

from typing import Final

PATHOLOGY: Final = "Initial assessment > Pathology > Immunohistochemistry"
PATHOLOGY_MOLECULAR: Final = "Initial assessment > Pathology > G3 NET vs NEC – molecular considerations"
BIOPSY: Final = "Initial assessment > Pathology > Biopsy of primary vs metastatic site"
IMAGING_ANATOMICAL: Final = "Initial assessment > Imaging > Anatomical imaging"
IMAGING_FUNCTIONAL: Final = "Initial assessment > Imaging > Functional imaging"
IMAGING_CNS: Final = "Initial assessment > Imaging > CNS imaging"
BIOMARKERS: Final = "Initial assessment > Biomarkers and molecular characteristics"
TABLE_1: Final = "Studies to be done as part of initial assessment (Table 1)"
LOCALIZED_NET_SURGERY: Final = (
    "Management of localized disease > Gastrointestinal G3 NET > Surgical resection"
)
LOCALIZED_NET_RADIATION: Final = (
    "Management of localized disease > Gastrointestinal G3 NET > Radiation therapy, chemotherapy, "
    "and chemoradiotherapy"
)
LOCALIZED_NEC_SURGERY: Final = "Management of localized disease > Gastrointestinal NEC > Role of surgery"
LOCALIZED_NEC_RADIATION: Final = (
    "Management of localized disease > Gastrointestinal NEC > Radiation therapy, chemotherapy, "
    "and chemoradiotherapy (Summary of recommendations)"
)
SURVEILLANCE: Final = "Surveillance assessments for localized disease (Table 2)"
GYNECOLOGIC_LOCALIZED: Final = "Localized gynecologic G3 neuroendocrine carcinoma"
NET_METASTATIC: Final = "Treatment of metastatic G3 NET"
NET_LIVER_DIRECTED: Final = "Treatment of metastatic G3 NET > Liver-directed therapy"
NET_SSA: Final = "Treatment of metastatic G3 NET > Somatostatin analog therapy"
NET_FRONT_LINE: Final = "Treatment of metastatic G3 NET > Front-line chemotherapy"
NET_LATER_LINES: Final = "Treatment of metastatic G3 NET > Chemotherapies for second-line and beyond"
NET_TARGETED: Final = "Treatment of metastatic G3 NET > Targeted therapies"
NET_PRRT: Final = "Treatment of metastatic G3 NET > Peptide receptor radionuclide therapy"
NET_IMMUNOTHERAPY: Final = "Treatment of metastatic G3 NET > Immunotherapy"
NET_DEBULKING: Final = "Treatment of metastatic G3 NET > Surgical debulking"
NEC_LIVER_DIRECTED: Final = "Treatment of metastatic GI NEC > Liver-directed therapy"
NEC_FRONT_LINE: Final = "Treatment of metastatic GI NEC > Front-line chemotherapy"
NEC_ALTERNATIVE_FRONT_LINE: Final = "Treatment of metastatic GI NEC > Alternative front-line therapies"
NEC_LATER_LINES: Final = "Treatment of metastatic GI NEC > Second- and third-line treatment options"
NEC_IMMUNOTHERAPY: Final = "Treatment of metastatic GI NEC > Immunotherapy"
NEC_SSA: Final = "Treatment of metastatic GI NEC > Somatostatin analogs"
NEC_PRRT_TARGETED: Final = "Treatment of metastatic GI NEC > PRRT and targeted therapies"
NEC_SURGERY: Final = "Treatment of metastatic GI NEC > Role of surgery"
MONITORING: Final = "Monitoring assessments for metastatic disease (Table 3)"
GYNECOLOGIC_METASTATIC: Final = "Treatment of metastatic gynecologic G3 NEC"
BRAIN: Final = "Management of brain metastases"
CARDIAC: Final = "Cardiac considerations"
HEREDITARY: Final = "Hereditary risk"
DISCUSSION: Final = "Discussion"
