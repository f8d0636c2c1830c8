"""Metastatic NEC: GI/pancreatic/unknown primary by line, and what no NEC should receive."""

from __future__ import annotations

from guidelines.engine import sections
from guidelines.engine.catalogue import PLATINUM_REGIMENS
from guidelines.engine.context import Context
from guidelines.engine.pathway import Plan
from guidelines.engine.rules.gynecologic import add_metastatic_gynecologic_nec
from guidelines.engine.rules.targeted import add_agnostic_therapies

# "A durable response to therapy" (Second- and third-line treatment options) has no number in the paper.
# The engine's reading: progression at least 6 months after platinum started, i.e. the response outlasted
# the six-cycle course the panel recommends (about 4 months) by a break of some length. docs/traceability.md.
DURABLE_RESPONSE_MONTHS = 6


def add_metastatic_nec(ctx: Context, plan: Plan) -> None:
    """Metastatic NEC of any site: site-specific lines, then the NEC-wide statements."""
    if ctx.site_group == "gynecologic":
        add_metastatic_gynecologic_nec(ctx, plan)
    elif ctx.decision.code == "after_progression":
        _gi_later_lines(ctx, plan)
    else:
        _gi_front_line(ctx, plan)
    if ctx.decision.code == "after_progression":
        _platinum_after_progression(ctx, plan)
    _liver_directed(ctx, plan)
    add_agnostic_therapies(ctx, plan, strength_dmmr="consensus", source_dmmr=sections.NEC_IMMUNOTHERAPY)
    _not_for_nec(ctx, plan)


def _gi_front_line(ctx: Context, plan: Plan) -> None:
    facts = ctx.facts
    why = [
        "Metastatic NEC: palliative platinum/etoposide",
        "Six cycles or longer while responding and tolerated (majority)",
    ]
    if ctx.ki67 is not None and ctx.ki67 < 55:
        why.append("Ki-67 < 55%: lower response rate (15% vs 42%) but longer survival (14 vs 10 months)")
    if ctx.site_group == "unknown":
        why.append("Platinum/etoposide is standard for distant NEC whatever the primary site")
    if facts.etoposide_unsuitable:
        plan.note(
            "Platinum/etoposide not listed: etoposide recorded as unsuitable; platinum/irinotecan is the "
            "consensus alternative front line."
        )
    else:
        plan.add(
            "platinum_etoposide",
            "recommended",
            "consensus",
            sections.NEC_FRONT_LINE,
            why,
            line=1,
            evidence=(
                "NORDIC NEC: response 31%, stable disease 33%; carboplatin comparable to cisplatin. "
                "JCOG1213: response 54.5%, PFS 5.6 months, OS 12.5 months"
            ),
        )
    irinotecan_why = [
        "Reasonable alternative front line, particularly for GI or pancreatic NEC; less haematologic toxicity"
    ]
    if facts.etoposide_unsuitable:
        irinotecan_why.append("Etoposide recorded as unsuitable")
    plan.add(
        "platinum_irinotecan",
        "consider",
        "consensus",
        sections.NEC_ALTERNATIVE_FRONT_LINE,
        irinotecan_why,
        line=1,
        evidence="JCOG1213 (n=170): OS 10.9 vs 12.5 months, PFS 5.1 vs 5.6 months, response 52.5% vs 54.5% (EP)",
    )
    plan.add(
        "platinum_etoposide_immunotherapy",
        "not_recommended",
        "not_voted",
        sections.NEC_FRONT_LINE,
        [
            "Immunotherapy should not be added to platinum/etoposide at this time (SWOG trial NCT05058651 pending)"
        ],
        line=1,
    )
    plan.add(
        "carboplatin_etoposide_paclitaxel",
        "not_recommended",
        "not_voted",
        sections.NEC_ALTERNATIVE_FRONT_LINE,
        ["The triplet was not superior to a doublet and had more grade 3/4 toxicity"],
        line=1,
        evidence="Hainsworth 2006",
    )


def _gi_later_lines(ctx: Context, plan: Plan) -> None:
    failed = ctx.regimens_failed
    line = ctx.systemic_line
    options = [
        (
            "folfiri",
            ["Second-line option with the most evidence"],
            "PRODIGE 41-BEVANEC: 6-month OS 53%; bevacizumab added no benefit",
        ),
        (
            "folfox_capox",
            ["Oxaliplatin-based option after platinum/etoposide"],
            "Response 20-30% (retrospective)",
        ),
        (
            "captem",
            [
                "Temozolomide-based option; limited NEC data, benefit correlated with Ki-67 < 60%",
                ctx.ki67_text(),
            ],
            "Dacarbazine/temozolomide second line: PFS 3 months, OS 7.2 months; SENECA (NCT03387592) ongoing",
        ),
    ]
    for code, why, evidence in options:
        if code in failed:
            continue
        plan.add(code, "consider", "not_voted", sections.NEC_LATER_LINES, why, line=line, evidence=evidence)
    if "ici_dual" not in failed:
        plan.add(
            "ici_dual",
            "consider",
            "majority",
            sections.NEC_IMMUNOTHERAPY,
            [
                "Dual checkpoint inhibition is a reasonable second-line (and later) option; trial enrollment encouraged"
            ],
            line=line,
            evidence=(
                "DART: response 44%, median PFS 4 months in 18 non-pancreatic NEN; 26% in its high-grade NEN "
                "cohort (unknown, pancreas, GI, cervical primaries). Klein 2020: 31% of 13 G3 NEN. NIPINEC "
                "(GEP NEC and lung large-cell NEC, second/third line): response at 8 weeks 14.9% with "
                "nivolumab + ipilimumab vs 7.5% with nivolumab, median OS 5.8 vs 7.2 months. Refractory NEC "
                "series: response 13-15%, PFS 1-3.5 months"
            ),
        )
    plan.add(
        "topotecan_or_anthracycline",
        "not_recommended",
        "not_voted",
        sections.NEC_LATER_LINES,
        ["Disappointing results, sometimes with substantial toxicity: generally not recommended"],
        line=line,
    )


def _platinum_after_progression(ctx: Context, plan: Plan) -> None:
    """Re-treatment with platinum after a durable response and progression off treatment; or first platinum."""
    facts = ctx.facts
    platinum_lines = [line for line in facts.prior_systemic_therapy if line.regimen in PLATINUM_REGIMENS]
    if not platinum_lines:
        _first_platinum_after_progression(ctx, plan)
        return
    # The most recent platinum course shows whether the disease is still platinum-sensitive.
    last = platinum_lines[-1]
    if not (last.best_response in ("CR", "PR") and last.progressed):
        plan.note(
            "Platinum re-challenge is not listed: it is for a durable response with progression during a "
            "treatment break, which the record does not show."
        )
        return
    if last.progressed_off_treatment is False:
        plan.note(
            "Platinum re-challenge is not listed: the disease progressed on platinum, not during a break."
        )
        return
    months = last.months_to_progression
    if months is not None and months < DURABLE_RESPONSE_MONTHS:
        plan.note(
            f"Platinum re-challenge is not listed: progression {months:g} months after platinum started is not "
            f"a durable response (the engine reads 'durable' as at least {DURABLE_RESPONSE_MONTHS} months; the "
            "paper gives no number, so the board may judge otherwise)."
        )
        return
    if last.progressed_off_treatment is None:
        plan.need(
            "prior_systemic_therapy.progressed_off_treatment",
            "Platinum re-challenge needs a durable response with progression during a break",
        )
        plan.note("Platinum re-challenge: whether progression came during a break is not recorded.")
    if months is None:
        plan.need(
            "prior_systemic_therapy.months_to_progression",
            "Platinum re-challenge needs a durable response: how long after platinum started it progressed",
        )
        plan.note(
            "Platinum re-challenge: the time from the start of platinum to progression is not recorded."
        )
    if last.progressed_off_treatment is None or months is None:
        return
    if facts.etoposide_unsuitable:
        plan.note("Platinum re-challenge is not listed: etoposide recorded as unsuitable.")
        return
    plan.add(
        "platinum_rechallenge",
        "consider",
        "consensus",
        sections.NEC_LATER_LINES,
        [
            f"Durable response ({last.best_response}) to platinum: progression {months:g} months after its "
            "start, during a break from treatment",
            "Re-treatment with platinum/etoposide depends on the timeline",
        ],
        line=ctx.systemic_line,
    )


def _first_platinum_after_progression(ctx: Context, plan: Plan) -> None:
    """No platinum given yet: the standard of metastatic NEC is still open."""
    if plan.has("platinum_etoposide"):
        return
    if ctx.facts.etoposide_unsuitable:
        if not plan.has("platinum_irinotecan"):
            plan.add(
                "platinum_irinotecan",
                "consider",
                "consensus",
                sections.NEC_ALTERNATIVE_FRONT_LINE,
                [
                    "No platinum-based therapy given yet; etoposide recorded as unsuitable",
                    "Platinum/irinotecan is a reasonable alternative to platinum/etoposide",
                ],
                line=ctx.systemic_line,
            )
        return
    plan.add(
        "platinum_etoposide",
        "recommended",
        "consensus",
        sections.NEC_FRONT_LINE,
        ["No platinum-based therapy given yet: platinum/etoposide is the standard for metastatic NEC"],
        line=ctx.systemic_line,
    )


def _liver_directed(ctx: Context, plan: Plan) -> None:
    # "No data exist that would justify the use of liver-directed therapy in NEC. However, there was a lack
    # of consensus": listed as not recommended, with the vote shown, never as an option to consider.
    if "liver" in ctx.sites:
        plan.add(
            "liver_directed_therapy",
            "not_recommended",
            "lack_of_consensus",
            sections.NEC_LIVER_DIRECTED,
            [
                "Liver metastases from NEC: no data exist that would justify liver-directed therapy",
                "The panel reached no consensus on its role",
            ],
        )


def _not_for_nec(ctx: Context, plan: Plan) -> None:
    """Options the paper advises against for NEC, listed so the board sees why they are absent."""
    line = ctx.systemic_line
    plan.add(
        "ssa",
        "not_recommended",
        "not_voted",
        sections.NEC_SSA,
        ["No data support somatostatin analogs for tumour control in NEC, even if SSTR-positive"],
        line=line,
    )
    plan.add(
        "prrt",
        "not_recommended",
        "not_voted",
        sections.NEC_PRRT_TARGETED,
        ["No data support PRRT in NEC; low SSTR expression makes an effect unlikely"],
        line=line,
    )
    for code in ("everolimus", "sunitinib"):
        plan.add(
            code,
            "not_recommended",
            "not_voted",
            sections.NEC_PRRT_TARGETED,
            ["Data for targeted therapy in NEC are lacking; not approved for NEC"],
            line=line,
        )
    if ctx.facts.mmr == "deficient" or ctx.facts.tmb_high:
        # Consensus: "single- or dual-agent immunotherapy is appropriate" here (ici_dmmr_tmb).
        plan.note(
            "dMMR/MSI-high or TMB-high NEC: 'current data do not support single-agent immune checkpoint "
            "inhibitors' concerns unselected NEC; the consensus for dMMR/TMB-high tumours applies instead."
        )
    else:
        _no_single_agent_ici(ctx, plan)
    plan.add(
        "surgical_debulking",
        "not_recommended",
        "consensus",
        sections.NEC_SURGERY,
        ["No role for surgical debulking of metastatic NEC"],
    )


def _no_single_agent_ici(ctx: Context, plan: Plan) -> None:
    plan.add(
        "ici_single_agent",
        "not_recommended",
        "not_voted",
        sections.NEC_IMMUNOTHERAPY,
        ["Current data do not support single-agent checkpoint inhibitors in NEC (outside dMMR/TMB-high)"],
        line=ctx.systemic_line,
        evidence="JS001: response 13% in NEC, median PFS 2.8 months",
    )
