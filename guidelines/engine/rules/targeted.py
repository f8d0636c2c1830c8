"""Disease-agnostic targeted therapy and immunotherapy for actionable molecular findings."""

from __future__ import annotations

from guidelines.engine import sections
from guidelines.engine.classification import NEC
from guidelines.engine.context import Context
from guidelines.engine.pathway import Plan


def add_agnostic_therapies(ctx: Context, plan: Plan, *, strength_dmmr: str, source_dmmr: str) -> None:
    """dMMR/TMB-high immunotherapy, NTRK and RET inhibitors (and BRAF for NEC) when the finding is present."""
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
    if nec and facts.braf_v600e and "braf_inhibitor" not in failed:
        plan.add(
            "braf_inhibitor",
            "consider",
            "not_voted",
            sections.NEC_PRRT_TARGETED,
            [
                "BRAF V600E: reports of BRAF (+/- MEK) inhibitors in BRAF-mutated colorectal NEC",
                "The paper notes these are not approved for NEC",
            ],
            line=line,
        )
