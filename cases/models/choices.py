"""Coded values of the case record: the pathway contract's codes (case-facts/v1) with human labels."""

from django.db import models


class PrimarySite(models.TextChoices):
    PANCREAS = "pancreas", "Pancreas"
    ESOPHAGUS = "esophagus", "Esophagus"
    STOMACH = "stomach", "Stomach"
    DUODENUM = "duodenum", "Duodenum"
    SMALL_BOWEL = "small_bowel", "Small bowel (jejunum/ileum)"
    APPENDIX = "appendix", "Appendix"
    COLON = "colon", "Colon"
    RECTUM = "rectum", "Rectum"
    ANAL_CANAL = "anal_canal", "Anal canal"
    AMPULLA_BILIARY = "ampulla_biliary", "Ampulla / biliary tract"
    LIVER = "liver", "Liver"
    CERVIX = "cervix", "Cervix"
    ENDOMETRIUM = "endometrium", "Endometrium"
    OVARY = "ovary", "Ovary"
    VULVA_VAGINA = "vulva_vagina", "Vulva / vagina"
    UNKNOWN_PRIMARY = "unknown_primary", "Unknown primary"


GYNECOLOGIC_SITES = frozenset({"cervix", "endometrium", "ovary", "vulva_vagina"})


class Classification(models.TextChoices):
    """The engine's classification codes (pathway contract)."""

    G3_NET = "g3_net", "G3 NET"
    NEC = "nec", "NEC"
    INDETERMINATE = "high_grade_indeterminate", "High grade, differentiation unresolved"
    NOT_HIGH_GRADE = "not_high_grade", "Not high grade"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    READY = "ready", "Ready for board"
    DISCUSSED = "discussed", "Discussed"
    CLOSED = "closed", "Closed"


class Specimen(models.TextChoices):
    PRIMARY = "primary", "Primary tumour"
    METASTASIS = "metastasis", "Metastasis"
    OTHER = "other", "Other"


class Differentiation(models.TextChoices):
    WELL = "well", "Well differentiated"
    POOR = "poor", "Poorly differentiated"
    INDETERMINATE = "indeterminate", "Indeterminate"


class Morphology(models.TextChoices):
    SMALL_CELL = "small_cell", "Small-cell"
    LARGE_CELL = "large_cell", "Large-cell"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class P53(models.TextChoices):
    WILD_TYPE = "wild_type", "Wild-type pattern"
    ABERRANT = "aberrant", "Aberrant (missense or null pattern)"
    NOT_DONE = "not_done", "Not done"


class Rb(models.TextChoices):
    RETAINED = "retained", "Retained"
    LOST = "lost", "Lost"
    NOT_DONE = "not_done", "Not done"


class Sstr2a(models.TextChoices):
    DIFFUSE_STRONG = "diffuse_strong", "Diffuse, strong"
    FOCAL_OR_WEAK = "focal_or_weak", "Focal or weak"
    NEGATIVE = "negative", "Negative"
    NOT_DONE = "not_done", "Not done"


class Modality(models.TextChoices):
    CT = "ct", "CT (multiphase, contrast)"
    MRI = "mri", "MRI (multiphase, contrast)"
    SSTR_PET = "sstr_pet", "SSTR PET (DOTATATE/DOTATOC)"
    FDG_PET = "fdg_pet", "FDG PET"
    BRAIN_MRI = "brain_mri", "Brain MRI"
    ENDOSCOPY = "endoscopy", "Endoscopy (EGD/colonoscopy)"
    ULTRASOUND = "ultrasound", "Ultrasound"


class SstrUptake(models.TextChoices):
    NEGATIVE = "negative", "Negative"
    LOW_OR_HETEROGENEOUS = "low_or_heterogeneous", "Low or heterogeneous"
    HIGH_HOMOGENEOUS = "high_homogeneous", "High and homogeneous (above liver in all lesions)"


class FdgAvidity(models.TextChoices):
    NEGATIVE = "negative", "Not FDG-avid"
    POSITIVE = "positive", "FDG-avid"


class MetastaticSite(models.TextChoices):
    LIVER = "liver", "Liver"
    BONE = "bone", "Bone"
    LUNG = "lung", "Lung"
    PERITONEUM = "peritoneum", "Peritoneum"
    BRAIN = "brain", "Brain"
    DISTANT_LYMPH_NODES = "distant_lymph_nodes", "Distant lymph nodes"
    OTHER = "other", "Other"


class Mmr(models.TextChoices):
    PROFICIENT = "proficient", "Proficient (pMMR / MSS)"
    DEFICIENT = "deficient", "Deficient (dMMR / MSI-high)"
    NOT_DONE = "not_done", "Not done"


class NgsStatus(models.TextChoices):
    DONE = "done", "Done"
    PENDING = "pending", "Pending"
    NOT_DONE = "not_done", "Not done"


class Extent(models.TextChoices):
    LOCALIZED = "localized", "Localized"
    LOCALLY_ADVANCED = "locally_advanced", "Locally advanced"
    METASTATIC = "metastatic", "Metastatic"


class FigoStage(models.TextChoices):
    IA1 = "IA1", "IA1 — invasion ≤ 3 mm"
    IA2 = "IA2", "IA2 — invasion > 3 and ≤ 5 mm"
    IB1 = "IB1", "IB1 — > 5 mm deep, ≤ 2 cm"
    IB2 = "IB2", "IB2 — > 2 and ≤ 4 cm"
    IB3 = "IB3", "IB3 — > 4 cm"
    IIA1 = "IIA1", "IIA1 — upper two-thirds of vagina, ≤ 4 cm"
    IIA2 = "IIA2", "IIA2 — upper two-thirds of vagina, > 4 cm"
    IIB = "IIB", "IIB — parametrium, not to pelvic wall"
    IIIA = "IIIA", "IIIA — lower third of vagina"
    IIIB = "IIIB", "IIIB — pelvic wall and/or hydronephrosis"
    IIIC1 = "IIIC1", "IIIC1 — pelvic nodes"
    IIIC2 = "IIIC2", "IIIC2 — para-aortic nodes"
    IVA = "IVA", "IVA — bladder or rectal mucosa"
    IVB = "IVB", "IVB — distant organs"


class PancreaticLocation(models.TextChoices):
    HEAD = "head", "Head"
    BODY_TAIL = "body_tail", "Body / tail"


class DiseasePace(models.TextChoices):
    INDOLENT = "indolent", "Indolent"
    TYPICAL = "typical", "Typical"
    RAPID = "rapid", "Rapid / disproportionately aggressive"


class Margin(models.TextChoices):
    NOT_RESECTED = "not_resected", "Not resected"
    R0 = "R0", "R0 (negative margin)"
    R1 = "R1", "R1 (microscopically positive)"
    R2 = "R2", "R2 (macroscopic residual)"


class Response(models.TextChoices):
    CR = "CR", "Complete response"
    PR = "PR", "Partial response"
    SD = "SD", "Stable disease"
    PD = "PD", "Progressive disease"
    NE = "NE", "Not evaluable"


class Regimen(models.TextChoices):
    """Systemic regimens from the contract's treatment codes."""

    PLATINUM_ETOPOSIDE = "platinum_etoposide", "Cisplatin or carboplatin + etoposide"
    PLATINUM_IRINOTECAN = "platinum_irinotecan", "Cisplatin + irinotecan"
    CARBOPLATIN_PACLITAXEL = "carboplatin_paclitaxel", "Carboplatin + paclitaxel"
    PLATINUM_ETOPOSIDE_IMMUNOTHERAPY = (
        "platinum_etoposide_immunotherapy",
        "Platinum/etoposide + checkpoint inhibitor",
    )
    CARBOPLATIN_ETOPOSIDE_PACLITAXEL = (
        "carboplatin_etoposide_paclitaxel",
        "Carboplatin + etoposide + paclitaxel",
    )
    PLATINUM_RECHALLENGE = "platinum_rechallenge", "Platinum/etoposide re-challenge"
    CAPTEM = "captem", "Capecitabine + temozolomide (CAPTEM)"
    FOLFOX_CAPOX = "folfox_capox", "FOLFOX or CAPOX"
    FOLFIRI = "folfiri", "FOLFIRI"
    TOPOTECAN_OR_ANTHRACYCLINE = "topotecan_or_anthracycline", "Topotecan- or anthracycline-based"
    TOPOTECAN_PACLITAXEL_BEVACIZUMAB = (
        "topotecan_paclitaxel_bevacizumab",
        "Topotecan + paclitaxel + bevacizumab",
    )
    SSA = "ssa", "Somatostatin analog"
    PRRT = "prrt", "PRRT (177Lu-DOTATATE)"
    EVEROLIMUS = "everolimus", "Everolimus"
    SUNITINIB = "sunitinib", "Sunitinib"
    ICI_SINGLE_AGENT = "ici_single_agent", "Single-agent PD-1/PD-L1 inhibitor"
    ICI_DUAL = "ici_dual", "Ipilimumab + nivolumab"
    ICI_DMMR_TMB = "ici_dmmr_tmb", "Pembrolizumab / dostarlimab (dMMR or TMB-high)"
    NTRK_INHIBITOR = "ntrk_inhibitor", "Larotrectinib / entrectinib"
    RET_INHIBITOR = "ret_inhibitor", "Selpercatinib / pralsetinib"
    BRAF_INHIBITOR = "braf_inhibitor", "BRAF (+/- MEK) inhibitor"
