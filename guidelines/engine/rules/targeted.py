"""Disease-agnostic targeted therapy and immunotherapy for actionable molecular findings."""

from __future__ import annotations

from guidelines.engine import sections
from guidelines.engine.classification import NEC
from guidelines.engine.context import Context
from guidelines.engine.pathway import Plan


def add_agnostic_therapies(ctx: Context, plan: Plan, *, strength_dmmr: str, source_dmmr: str) -> None:
    """dMMR/TMB-high immunotherapy, NTRK and RET inhibitors when the finding is present; never a BRAF inhibitor."""
    facts = ctx.facts
    failed = ctx.regimens_failed
    line = ctx.systemic_line
    nec = ctx.classification.code == NEC
    targeted_source = sections.NEC_PRRT_TARGETED if nec else sections.NET_TARGETED
    reasons = []
    if facts.mmr == "deficient":
        reasons.append("MMR-deficient / MSI-high")
    if facts.tmb_high:
        reasons.append("TMB-high")
    if reasons and "ici_dmmr_tmb" not in failed:
        plan.add(
            "ici_dmmr_tmb",
            "consider",
            strength_dmmr,
            source_dmmr,
            [
                f"{' and '.join(reasons)}: single- or dual-agent immunotherapy is appropriate",
                "Agnostic approvals: pembrolizumab (dMMR or TMB-high), dostarlimab (dMMR)",
            ],
            line=line,
        )
    elif facts.mmr is None or facts.mmr == "not_done":
        plan.need("mmr", "MMR deficiency opens disease-agnostic immunotherapy")
    if facts.ntrk_fusion and "ntrk_inhibitor" not in failed:
        plan.add(
            "ntrk_inhibitor",
            "consider",
            "not_voted",
            targeted_source,
            ["NTRK fusion: larotrectinib or entrectinib have disease-agnostic indications"],
            line=line,
        )
    if facts.ret_fusion and "ret_inhibitor" not in failed:
        plan.add(
            "ret_inhibitor",
            "consider",
            "not_voted",
            targeted_source,
            ["RET fusion: selpercatinib or pralsetinib have disease-agnostic indications"],
            line=line,
        )
    if facts.braf_v600e:
        _braf(ctx, plan)


def _braf(ctx: Context, plan: Plan) -> None:
    """BRAF V600E: the paper names BRAF inhibitors among the drugs "not approved for treatment of NEC"."""
    if ctx.classification.code == NEC:
        # Listed as not recommended, like everolimus and sunitinib from the same sentence, so the board
        # sees why it is absent; the agnostic options the paper names are ICI, NTRK and RET inhibitors.
        plan.add(
            "braf_inhibitor",
            "not_recommended",
            "not_voted",
            sections.NEC_PRRT_TARGETED,
            [
                "BRAF inhibitors (+/- MEK inhibitors) are not approved for treatment of NEC",
                "Not among the disease-agnostic options the paper names (ICI for dMMR/TMB-high, NTRK, RET)",
            ],
            line=ctx.systemic_line,
        )
        plan.note(
            "BRAF V600E: the paper cites reports of BRAF inhibitors (+/- MEK inhibitors) in BRAF-mutated "
            "colorectal NEC (Klempner 2016, Burkart 2018); they are not approved for NEC and are not "
            "listed as an option."
        )
    else:
        plan.note(
            "BRAF V600E in a G3 NET: the paper is silent on BRAF inhibitors for G3 NET; none is listed."
        )
