"""Gynecologic NEC: cervix by FIGO 2018 stage, and metastatic or recurrent disease."""

from __future__ import annotations

from typing import Final

from guidelines.engine import sections
from guidelines.engine.context import Context
from guidelines.engine.pathway import Plan

EARLY_STAGES: Final = frozenset({"IA1", "IA2", "IB1", "IB2"})
BULKY_STAGES: Final = frozenset({"IB3", "IIA1", "IIA2"})
PELVIC_ADVANCED_STAGES: Final = frozenset({"IIB", "IIIA", "IIIB", "IIIC1", "IIIC2", "IVA"})


def add_localized_gynecologic_nec(ctx: Context, plan: Plan) -> None:
    """Cervical NEC confined to the pelvis, by FIGO stage (Localized gynecologic G3 NEC)."""
    facts = ctx.facts
    if facts.etoposide_unsuitable:
        plan.note(
            "Etoposide recorded as unsuitable: the paper's gynecologic regimens are cisplatin/etoposide and it "
            "names no alternative for the cervix; the board decides the chemotherapy partner."
        )
    if facts.primary_site != "cervix":
        plan.note(
            f"Localized NEC with a {ctx.site_label}: the paper's stage-based recommendations concern the "
            "cervix; it is silent on this site, so the board decides."
        )
        return
    stage = facts.figo_stage
    if stage is None:
        plan.need("figo_stage", "Treatment of cervical NEC follows the FIGO 2018 stage")
        plan.note(
            "FIGO stage not recorded: surgery (IA1-IB2) and chemoradiation (IB3-IVA) cannot be chosen yet."
        )
        return
    if stage in EARLY_STAGES:
        _early_cervix(ctx, plan, stage)
    elif stage in BULKY_STAGES:
        _bulky_cervix(ctx, plan, stage)
    elif stage in PELVIC_ADVANCED_STAGES:
        plan.add(
            "definitive_chemoradiation",
            "recommended",
            "not_voted",
            sections.GYNECOLOGIC_METASTATIC,
            [
                f"FIGO {stage}: disease limited to the pelvis +/- aortocaval nodes may be treated with intent to cure",
                "Concurrent cisplatin/etoposide with radiation; complete six cycles if tolerated",
            ],
            evidence="Disease-free and overall survival improved with >= 5 cycles (Wang 2012)",
        )


def _high_risk_factors(ctx: Context, stage: str) -> tuple[list[str], bool]:
    """Tumour > 2 cm, deep stromal invasion, LVSI: the ones present, and whether any is unknown."""
    facts = ctx.facts
    present = []
    if (facts.tumor_size_cm is not None and facts.tumor_size_cm > 2) or stage == "IB2":
        present.append("tumour > 2 cm")
    if facts.deep_stromal_invasion:
        present.append("deep stromal invasion")
    if facts.lvsi:
        present.append("lymphovascular space invasion")
    size_unknown = facts.tumor_size_cm is None and stage != "IB2"
    unknown = size_unknown or facts.deep_stromal_invasion is None or facts.lvsi is None
    return present, unknown


def _early_cervix(ctx: Context, plan: Plan, stage: str) -> None:
    if ctx.decision.code != "after_resection":
        plan.add(
            "radical_hysterectomy",
            "recommended",
            "not_voted",
            sections.GYNECOLOGIC_LOCALIZED,
            [f"FIGO {stage} (confined to the cervix, < 4 cm): surgery is the first line of treatment"],
            evidence="No surgery: HR for death 4.74 (Ishikawa 2018)",
        )
        plan.add(
            "minimally_invasive_hysterectomy",
            "not_recommended",
            "not_voted",
            sections.GYNECOLOGIC_LOCALIZED,
            ["Open rather than minimally invasive surgery (more recurrences and deaths in LACC)"],
        )
        plan.add(
            "fertility_sparing_surgery",
            "not_recommended",
            "not_voted",
            sections.GYNECOLOGIC_LOCALIZED,
            ["Cone biopsy or radical trachelectomy should not be performed"],
        )
    plan.add(
        "adjuvant_chemotherapy",
        "recommended",
        "consensus",
        sections.GYNECOLOGIC_LOCALIZED,
        [f"Early-stage cervical NEC (FIGO {stage}) after surgery: six cycles of cisplatin/etoposide"],
        evidence="Chemotherapy after surgery: OR for extrapelvic recurrence 0.37 (Ishikawa 2018)",
    )
    present, unknown = _high_risk_factors(ctx, stage)
    evidence = (
        "Pelvic recurrence 13-16% with vs 25-31% without postoperative radiation; no survival benefit shown"
    )
    if present:
        plan.add(
            "adjuvant_pelvic_radiation",
            "recommended",
            "consensus",
            sections.GYNECOLOGIC_LOCALIZED,
            [
                f"High-risk factors: {', '.join(present)}",
                "Pelvic chemoradiation (2 cycles) then 4 more cycles",
            ],
            evidence=evidence,
        )
        return
    if unknown:
        plan.need(
            "lvsi",
            "Postoperative pelvic radiation is recommended for tumours > 2 cm, deep stromal invasion or LVSI",
        )
    plan.add(
        "adjuvant_pelvic_radiation",
        "consider",
        "not_voted",
        sections.GYNECOLOGIC_LOCALIZED,
        [
            "Recommended (consensus) only with tumour > 2 cm, deep stromal invasion or LVSI"
            + (": not all recorded" if unknown else ": none present"),
            "The summary includes pelvic chemoradiation in adjuvant therapy for early-stage disease",
        ],
        evidence=evidence,
    )


def _bulky_cervix(ctx: Context, plan: Plan, stage: str) -> None:
    plan.add(
        "definitive_chemoradiation",
        "recommended",
        "consensus",
        sections.GYNECOLOGIC_LOCALIZED,
        [
            f"FIGO {stage}: platinum/etoposide chemoradiation (2-3 cycles), then 3-4 more cycles to six",
            "Not surgery, given the high risk of distant recurrence",
        ],
        evidence="Pelvic recurrence only 10-20% with chemoradiation",
    )
    plan.add(
        "neoadjuvant_chemotherapy_surgery",
        "not_recommended",
        "consensus",
        sections.GYNECOLOGIC_LOCALIZED,
        [f"FIGO {stage}: no sound rationale; recurrence 79% with this approach"],
    )
    plan.add(
        "radical_hysterectomy",
        "not_recommended",
        "consensus",
        sections.GYNECOLOGIC_LOCALIZED,
        [f"FIGO {stage}: chemoradiation then chemotherapy, not surgery"],
    )
    if ctx.decision.code == "after_resection":
        plan.note(
            "Resection already done for FIGO IB3-IIA2: the paper does not address adjuvant therapy after it."
        )


def add_metastatic_gynecologic_nec(ctx: Context, plan: Plan) -> None:
    """Metastatic (FIGO IVB) or recurrent gynecologic NEC."""
    facts = ctx.facts
    if ctx.decision.code != "after_progression" and facts.etoposide_unsuitable:
        plan.note(
            "Etoposide recorded as unsuitable: for stage IVB gynecologic NEC the paper names only palliative "
            "cisplatin/etoposide and no alternative; the board decides."
        )
        return
    if ctx.decision.code != "after_progression":
        plan.add(
            "platinum_etoposide",
            "recommended",
            "not_voted",
            sections.GYNECOLOGIC_METASTATIC,
            [
                "Distant metastatic gynecologic NEC (the paper's stage IVB, or a distant recurrence): palliative cisplatin/etoposide"
            ],
            line=1,
        )
        return
    if facts.primary_site == "cervix" and facts.morphology != "large_cell":
        if "topotecan_paclitaxel_bevacizumab" not in ctx.regimens_failed:
            plan.add(
                "topotecan_paclitaxel_bevacizumab",
                "consider",
                "not_voted",
                sections.GYNECOLOGIC_METASTATIC,
                [
                    "Small-cell carcinoma of the cervix, second line and beyond",
                    *(
                        ["Morphology not recorded: the data concern small-cell carcinoma"]
                        if facts.morphology is None
                        else []
                    ),
                ],
                line=ctx.systemic_line,
                evidence="Median PFS 8 vs 4 months with other regimens (Frumovitz 2017, single institution)",
            )
        plan.note(
            "Topotecan, irinotecan and taxanes are commonly used second-line agents for small-cell cervical carcinoma."
        )
    else:
        plan.note(
            "Later-line therapy for this gynecologic NEC: the paper names options only for small-cell carcinoma "
            "of the cervix; the board decides."
        )
