"""Localized and locally advanced G3 NET and GI NEC (Management of localized disease)."""

from __future__ import annotations

from guidelines.engine import sections
from guidelines.engine.context import HIGH_MORBIDITY_SURGERY_SITES, Context
from guidelines.engine.pathway import Plan


def add_localized_g3_net(ctx: Context, plan: Plan) -> None:
    """Localized G3 NET: resection with lymphadenectomy; no neoadjuvant radiation; adjuvant radiation unsettled."""
    facts = ctx.facts
    if ctx.site_group == "gynecologic":
        plan.note(
            "The paper's localized G3 NET statements concern GEP primaries; for a NET in the gynecologic "
            "tract it asks first to rule out a GI primary."
        )
    if ctx.decision.code == "after_resection":
        _after_g3_net_resection(ctx, plan)
        return
    if facts.resectable is False:
        plan.note(
            "Unresectable localized G3 NET: the paper makes no specific recommendation (data on definitive "
            "radiation are limited); the board decides."
        )
    else:
        why = [
            "Localized G3 NET: surgery may be appropriate for locoregional control and possibly cure",
            "Most G3 NENs have nodal metastases: a thorough lymphadenectomy is necessary",
        ]
        if facts.resectable is None:
            plan.need("resectable", "Surgery is the option for a resectable localized G3 NET")
            why.append("Resectability not recorded")
        plan.add(
            "surgical_resection",
            "consider",
            "consensus",
            sections.LOCALIZED_NET_SURGERY,
            why,
            evidence="Median survival 43-55 months reported after resection of G3 NET",
        )
        if facts.primary_site == "pancreas":
            if facts.pancreatic_location == "body_tail":
                plan.add(
                    "distal_pancreatectomy_splenectomy",
                    "recommended",
                    "not_voted",
                    sections.LOCALIZED_NET_SURGERY,
                    ["Pancreatic body/tail primary: the recommended surgical approach"],
                )
            elif facts.pancreatic_location is None:
                plan.need(
                    "pancreatic_location",
                    "Body/tail primaries call for distal pancreatectomy and splenectomy",
                )
    plan.add(
        "neoadjuvant_radiation",
        "not_recommended",
        "majority",
        sections.LOCALIZED_NET_RADIATION,
        ["G3 NET: no role for neoadjuvant radiation or chemoradiation"],
    )


def _after_g3_net_resection(ctx: Context, plan: Plan) -> None:
    facts = ctx.facts
    why = [
        f"Resected G3 NET, margin {facts.resection_margin}",
        "No consensus on adjuvant radiation, whatever the margin",
    ]
    if facts.primary_site == "pancreas":
        why.append("Pancreatic NET with adverse postoperative features: possible local-control benefit")
    if facts.radiation_amenable is False:
        why.append("Tumour bed recorded as not amenable to radiation")
    plan.add("adjuvant_radiation", "consider", "lack_of_consensus", sections.LOCALIZED_NET_RADIATION, why)
    plan.note(
        "No data support adjuvant chemotherapy after resection of a G3 NET; SWOG S2104 (NCT05040360) is "
        "testing adjuvant capecitabine/temozolomide for resected pancreatic G3 NET with Ki-67 < 55%."
    )


def add_localized_gi_nec(ctx: Context, plan: Plan) -> None:
    """Localized GI/pancreatic NEC: MDT, systemic therapy and chemoradiation; surgery without consensus."""
    facts = ctx.facts
    morbid = facts.primary_site in HIGH_MORBIDITY_SURGERY_SITES
    radiation_possible = facts.radiation_amenable is not False
    if ctx.decision.code == "after_resection":
        _after_gi_nec_resection(ctx, plan)
    else:
        definitive_why = [
            "Localized NEC: 4-6 cycles of platinum/etoposide with radiation at some point during chemotherapy",
        ]
        if morbid:
            definitive_why.append(
                f"{ctx.site_label.capitalize()}: chemoradiation is favoured over a higher-morbidity surgery"
            )
        if facts.etoposide_unsuitable:
            definitive_why.append(
                "Etoposide recorded as unsuitable: carboplatin/paclitaxel with the radiation"
            )
        if radiation_possible:
            plan.add(
                "definitive_chemoradiation",
                "consider",
                "consensus",
                sections.LOCALIZED_NEC_RADIATION,
                definitive_why,
            )
        else:
            plan.note("Radiation recorded as not feasible: definitive chemoradiation is not listed.")
        if facts.etoposide_unsuitable:
            plan.note("Platinum/etoposide not listed: etoposide recorded as unsuitable for this patient.")
        else:
            plan.add(
                "platinum_etoposide",
                "consider",
                "not_voted",
                sections.LOCALIZED_NEC_SURGERY,
                [
                    "Localized NEC: the panel strongly recommends MDT evaluation and consideration of systemic "
                    "therapy"
                ],
                line=1,
            )
        if facts.resectable is not False:
            surgery_why = [
                "No consensus on surgery for NEC; viewed more favourably after systemic therapy and/or "
                "chemoradiation, in exceptional responders or very early disease",
            ]
            if morbid:
                surgery_why.append("Higher-morbidity operation for this site")
            plan.add(
                "surgical_resection",
                "consider",
                "lack_of_consensus",
                sections.LOCALIZED_NEC_SURGERY,
                surgery_why,
                evidence="Median survival 13 months or less even after curative-intent resection",
            )
    if radiation_possible:
        plan.add(
            "capecitabine_radiosensitizer",
            "consider",
            "consensus",
            sections.LOCALIZED_NEC_RADIATION,
            [
                "Acceptable radiosensitizer for consolidation chemoradiation after 4-6 cycles of platinum/etoposide"
            ],
        )
    if facts.etoposide_unsuitable:
        plan.add(
            "carboplatin_paclitaxel",
            "consider",
            "not_voted",
            sections.LOCALIZED_NEC_RADIATION,
            ["Etoposide cannot be given: carboplatin/paclitaxel is an acceptable alternative with radiation"],
            line=1,
        )


def _after_gi_nec_resection(ctx: Context, plan: Plan) -> None:
    facts = ctx.facts
    margin = facts.resection_margin
    positive = margin in ("R1", "R2")
    if facts.radiation_amenable is False:
        plan.add(
            "adjuvant_chemotherapy",
            "recommended",
            "consensus",
            sections.LOCALIZED_NEC_RADIATION,
            [
                f"Resected NEC (margin {margin}) in a location not amenable to radiation: adjuvant chemotherapy"
            ],
        )
        if positive:
            plan.note(
                "Positive margin, but the tumour bed cannot receive radiation: adjuvant chemoradiation is not listed."
            )
        return
    radiation_caveat = (
        ["Only if the tumour bed can receive radiation (not recorded); otherwise adjuvant chemotherapy"]
        if facts.radiation_amenable is None
        else []
    )
    if facts.radiation_amenable is None:
        plan.need("radiation_amenable", "Decides between adjuvant chemoradiation and chemotherapy alone")
    if positive:
        plan.add(
            "adjuvant_chemoradiation",
            "recommended",
            "consensus",
            sections.LOCALIZED_NEC_RADIATION,
            [
                f"Resected NEC with a positive margin ({margin}): adjuvant chemoradiation is indicated",
                *radiation_caveat,
            ],
        )
    else:
        plan.add(
            "adjuvant_chemoradiation",
            "consider",
            "lack_of_consensus",
            sections.LOCALIZED_NEC_RADIATION,
            [
                "Resected NEC with a negative margin (R0): no consensus on adjuvant chemoradiation",
                *radiation_caveat,
            ],
        )
    plan.add(
        "adjuvant_chemotherapy",
        "consider",
        "consensus",
        sections.LOCALIZED_NEC_RADIATION,
        [
            "After surgery: 4-6 cycles of platinum/etoposide, with radiation at some point, to be considered",
            *(
                ["Etoposide recorded as unsuitable: see carboplatin/paclitaxel"]
                if facts.etoposide_unsuitable
                else []
            ),
        ],
    )
