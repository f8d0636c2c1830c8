"""Metastatic G3 NET: liver-directed therapy, SSA, chemotherapy by line, targeted, PRRT, debulking."""

from __future__ import annotations

from guidelines.engine import sections
from guidelines.engine.context import BOWEL_SITES, Context
from guidelines.engine.pathway import Plan
from guidelines.engine.rules.targeted import add_agnostic_therapies

# Metastatic G3 NET > Liver-directed therapy: "valid ... if Ki-67 is <55%"; front-line platinum is not
# appropriate with Ki-67 < 55-60% (Front-line chemotherapy, Summary of recommendations).
KI67_CUTOFF = 55
SSTR_POSITIVE = ("low_or_heterogeneous", "high_homogeneous")


def add_metastatic_g3_net(ctx: Context, plan: Plan) -> None:
    """Options for metastatic G3 NET at this decision point."""
    if ctx.ki67 is None:
        plan.need("ki67_percent", "Ki-67 decides liver-directed therapy, SSA and platinum for G3 NET")
        plan.note(
            "Ki-67 not recorded: the Ki-67-dependent options (SSA, platinum, liver-directed therapy) are not listed."
        )
    if ctx.decision.code == "after_progression":
        _later_lines(ctx, plan)
    else:
        _front_line(ctx, plan)
    _liver_directed(ctx, plan)
    plan.add(
        "surgical_debulking",
        "consider",
        "majority",
        sections.NET_DEBULKING,
        [
            "Metastatic G3 NET: debulking may be appropriate, particularly with favourable biology",
            "Decide in MDT",
        ],
        evidence="Liver resection/ablation of G3 NEN: median OS 35.9 months, 5-year OS 43%; better with Ki-67 < 55%",
    )
    if ctx.facts.mmr == "deficient" or ctx.facts.tmb_high:
        # The agnostic approvals make single- or dual-agent immunotherapy an option for this tumour
        # (ici_dmmr_tmb); "not supported by data" concerns unselected G3 NET.
        plan.note(
            "dMMR/MSI-high or TMB-high G3 NET: the paper's 'the role of immunotherapy in G3 NET is not "
            "supported by data' concerns unselected G3 NET; agnostic immunotherapy (pembrolizumab, "
            "dostarlimab) is listed in the refractory setting."
        )
        return
    for code in ("ici_single_agent", "ici_dual"):
        plan.add(
            code,
            "not_recommended",
            "not_voted",
            sections.NET_IMMUNOTHERAPY,
            ["The role of immunotherapy in G3 NET is not supported by data"],
            line=ctx.systemic_line,
            evidence="KEYNOTE-158: response 3.7%; pembrolizumab in G3 NEN: 3.5%; AVENEC: 6.9%",
        )


def _site_reason(ctx: Context, named: str) -> tuple[str, str]:
    """Reason line and strength for statements the panel made for pancreatic and bowel primaries."""
    site = ctx.facts.primary_site
    if site == "pancreas":
        return "Pancreatic primary", "majority"
    if site in BOWEL_SITES:
        return f"Bowel primary ({ctx.site_label})", "majority"
    return f"The panel's statement names {named}; {ctx.site_label}: the board decides", "not_voted"


def _favourable_for_ssa(ctx: Context) -> tuple[bool, list[str]]:
    facts = ctx.facts
    reasons = []
    if facts.disease_pace == "rapid":
        return False, ["rapid pace"]
    if ctx.ki67 is not None and ctx.ki67 >= KI67_CUTOFF:
        return False, [f"Ki-67 {ctx.ki67:g}%"]
    if facts.disease_pace == "indolent":
        reasons.append("indolent pace")
    return True, reasons


def _front_line(ctx: Context, plan: Plan) -> None:
    facts = ctx.facts
    failed = ctx.regimens_failed
    if facts.sstr_imaging in SSTR_POSITIVE and ctx.ki67 is not None:
        favourable, details = _favourable_for_ssa(ctx)
        if favourable and "ssa" not in failed:
            plan.add(
                "ssa",
                "consider",
                "consensus",
                sections.NET_SSA,
                [
                    "G3 NET with favourable biology: a trial of SSA as initial front-line therapy is reasonable",
                    f"SSTR imaging positive ({facts.sstr_imaging.replace('_', ' ')}); SSA only if SSTR-positive (majority)",
                    f"{ctx.ki67_text()}: restrict to relatively low Ki-67",
                    *details,
                ],
                line=1,
                evidence="Median PFS 4-8 months (retrospective); benefit less durable than in G1/G2 NET",
            )
        elif not favourable:
            plan.note(f"SSA not listed: biology not favourable ({', '.join(details)}).")
    elif facts.sstr_imaging == "negative":
        plan.add(
            "ssa",
            "not_recommended",
            "majority",
            sections.NET_SSA,
            ["SSTR imaging negative: SSA is appropriate only with positive SSTR imaging"],
            line=1,
        )
    elif facts.sstr_imaging not in SSTR_POSITIVE:
        plan.need("sstr_imaging", "SSA (front line) and PRRT (later) require SSTR-positive imaging")
        plan.note("SSTR imaging not recorded: SSA is appropriate only if SSTR imaging is positive.")
    captem_site, captem_strength = _site_reason(ctx, "pancreatic (particularly) and bowel primaries")
    if ctx.facts.primary_site in BOWEL_SITES:
        captem_site += ": may also benefit, though the data in bowel primaries are less strong"
    plan.add(
        "captem",
        "consider",
        captem_strength,
        sections.NET_FRONT_LINE,
        [
            "Appropriate front-line option, particularly for pancreatic primaries (bowel may also benefit)",
            captem_site,
        ],
        line=1,
        evidence=(
            "Response 12-38%, PFS 6.7-15 months. EA2142 (63 non-small-cell GEP G3 NEN, a mixed cohort: "
            "21 G3 NET, 36 NEC, 5 unknown): PFS 3.45 months with CAPTEM vs 5.36 months with "
            "platinum/etoposide (CAPTEM not superior), OS 12.6 vs 10.6 months. "
            "Mayo NET G3 (Liu 2021): ORR 35%, DCR 65%, median PFS 9.4 months"
        ),
    )
    folfox_site, folfox_strength = _site_reason(ctx, "pancreatic and bowel primaries")
    plan.add(
        "folfox_capox",
        "consider",
        folfox_strength,
        sections.NET_FRONT_LINE,
        ["Fluoropyrimidine + oxaliplatin is also appropriate front line", folfox_site],
        line=1,
        evidence=(
            "FOLFOX response 64% (one study), PFS 8.6 and 10.8 months. "
            "Mayo NET G3 (Liu 2021): ORR 28.6%, median PFS 13.04 vs 2.94 months with EP"
        ),
    )
    platinum_evidence = (
        "Response 0-38%, PFS 2.6-8.9 months; NORDIC NEC G3 NET subset: response 24%, PFS 5 months"
    )
    if "discordant" in ctx.classification.flags:
        plan.note(
            "p53/Rb staining supports NEC in this G3 NET: the G3 NET advice on front-line platinum is not "
            "applied until expert pathology review and FDG-PET settle the biology."
        )
    elif facts.etoposide_unsuitable:
        plan.note("Platinum/etoposide not listed: etoposide recorded as unsuitable for this patient.")
    elif ctx.ki67 is not None and ctx.ki67 < KI67_CUTOFF:
        plan.add(
            "platinum_etoposide",
            "not_recommended",
            "majority",
            sections.NET_FRONT_LINE,
            [f"G3 NET with {ctx.ki67_text()} (< 55-60%): platinum is not an appropriate front-line regimen"],
            line=1,
            evidence=platinum_evidence,
        )
    elif ctx.ki67 is not None:
        why = [
            f"G3 NET with {ctx.ki67_text()}: the panel's advice against front-line platinum applies below 55-60%",
            "Platinum-based regimens have modest activity in G3 NET",
        ]
        if ctx.ki67 < 60:
            why.append("Ki-67 within the 55-60% band the panel gives as its threshold")
        plan.add(
            "platinum_etoposide",
            "consider",
            "not_voted",
            sections.NET_FRONT_LINE,
            why,
            line=1,
            evidence=platinum_evidence,
        )


def _later_lines(ctx: Context, plan: Plan) -> None:
    facts = ctx.facts
    given = ctx.regimens_given
    failed = ctx.regimens_failed
    line = ctx.systemic_line
    if "captem" not in given:
        plan.add(
            "captem",
            "consider",
            "not_voted",
            sections.NET_LATER_LINES,
            ["CAPTEM is a reasonable second-line choice when not used in first line"],
            line=line,
            evidence="Response 47-52% (RECIST), PFS 6-15 months, OS 24-30 months; second-line PFS 7.7 months",
        )
    for code, why, evidence in (
        (
            "folfox_capox",
            "Alternative second-line option",
            "Second-line PFS 13.9 months (longest of the cytotoxics)",
        ),
        ("folfiri", "Alternative second-line option", "Second-line PFS 2.4 months"),
    ):
        if code not in failed:
            plan.add(
                code, "consider", "not_voted", sections.NET_LATER_LINES, [why], line=line, evidence=evidence
            )
    site = facts.primary_site
    if (site == "pancreas" or site in BOWEL_SITES) and "everolimus" not in failed:
        plan.add(
            "everolimus",
            "consider",
            "consensus",
            sections.NET_TARGETED,
            [f"Progressive, refractory G3 NET of {'pancreatic' if site == 'pancreas' else 'bowel'} origin"],
            line=line,
        )
    if site == "pancreas" and "sunitinib" not in failed:
        plan.add(
            "sunitinib",
            "consider",
            "consensus",
            sections.NET_TARGETED,
            ["Progressive pancreatic G3 NET, particularly with favourable biology"],
            line=line,
        )
    if site != "pancreas" and site not in BOWEL_SITES:
        plan.note(
            "Everolimus (pancreatic and bowel origin) and sunitinib (pancreatic) are named for other sites; "
            f"for a {ctx.site_label} the paper is silent."
        )
    if "prrt" not in given:
        if facts.sstr_imaging == "high_homogeneous":
            plan.add(
                "prrt",
                "consider",
                "consensus",
                sections.NET_PRRT,
                ["Progressive G3 NET with homogeneously high SSTR uptake (above liver)"],
                line=line,
                evidence=(
                    "Response 35-42%, PFS 9-14 months. NETTER-2 (NCT03972488; G2/3 GEP NET, Ki-67 >= 10 to "
                    "<= 55%) completed accrual in late 2022; COMPOSE (NCT04919226) is investigating "
                    "177Lu-edotreotide. "
                    "Mayo NET G3 (Liu 2021): ORR 20%, DCR 70%, PFS 9.13 months"
                ),
            )
        elif facts.sstr_imaging in ("low_or_heterogeneous", "negative"):
            plan.note(
                "PRRT not listed: it needs homogeneously high SSTR uptake (above liver) in all lesions."
            )
        else:
            plan.need("sstr_imaging", "PRRT requires homogeneously high SSTR uptake")
    add_agnostic_therapies(ctx, plan, strength_dmmr="not_voted", source_dmmr=sections.NET_TARGETED)


def _liver_directed(ctx: Context, plan: Plan) -> None:
    """Valid as in G2 NET below Ki-67 55%; systemic treatment preferred with Ki-67 >= 55% or extrahepatic disease."""
    facts = ctx.facts
    if "liver" not in ctx.sites or ctx.ki67 is None:
        return
    extrahepatic = sorted(site.replace("_", " ") for site in ctx.sites - {"liver"})
    evidence = "RETNET (NCT02724540) compares bland embolization with chemoembolization"
    dominance = []
    if facts.liver_dominant:
        dominance.append("Liver-dominant disease")
    elif facts.liver_dominant is False:
        dominance.append(
            "Not liver-dominant (the paper describes liver-directed therapy for liver-dominant disease)"
        )
    if ctx.ki67 >= KI67_CUTOFF:
        # Outside "valid ... if Ki-67 is <55%", and systemic treatment is preferred: both point away from it.
        plan.add(
            "liver_directed_therapy",
            "not_recommended",
            "not_voted",
            sections.NET_LIVER_DIRECTED,
            [
                f"{ctx.ki67_text()} (>= 55%): liver-directed therapy is considered valid only with Ki-67 < 55%",
                "With Ki-67 > 55% a systemic treatment is preferred"
                + (f"; extrahepatic metastases too ({', '.join(extrahepatic)})" if extrahepatic else ""),
            ],
            evidence=evidence,
        )
        return
    if extrahepatic:
        # "Preferred" ranks the options; it does not rule liver-directed therapy out (any site, bone included).
        plan.add(
            "liver_directed_therapy",
            "consider",
            "not_voted",
            sections.NET_LIVER_DIRECTED,
            [
                f"Extrahepatic metastases ({', '.join(extrahepatic)}): a systemic treatment is preferred"
                + (" (especially with bone metastases)" if "bone" in ctx.sites else ""),
                f"{ctx.ki67_text()} (< 55%): liver-directed therapy remains a valid option, second to systemic "
                "treatment",
                *dominance,
                "Rate of progression, proliferative activity and the overall disease course are taken into account",
            ],
            evidence=evidence,
        )
        return
    plan.add(
        "liver_directed_therapy",
        "consider",
        "consensus",
        sections.NET_LIVER_DIRECTED,
        [
            f"Liver metastases, {ctx.ki67_text()} (< 55%): valid therapy as in G2 NET; technique at the "
            "physician's discretion",
            *dominance,
        ],
        evidence=evidence,
    )
