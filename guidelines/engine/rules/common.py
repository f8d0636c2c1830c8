"""Items for every high-grade case: brain metastases, multidisciplinary review, clinical trials."""

from __future__ import annotations

from guidelines.engine import sections
from guidelines.engine.classification import G3_NET, NEC
from guidelines.engine.context import Context
from guidelines.engine.pathway import Plan

SRS_MAX_METASTASES = 4  # Management of brain metastases: "patients with <=4 metastases ... SRS"


def add_brain(ctx: Context, plan: Plan) -> None:
    """SRS for up to four brain metastases, SRS or WBRT beyond; never prophylactic cranial irradiation."""
    count = ctx.facts.brain_metastases_count
    if ctx.brain_metastases:
        if count is not None and count <= SRS_MAX_METASTASES:
            plan.add(
                "srs",
                "recommended",
                "not_voted",
                sections.BRAIN,
                [f"{count} brain metastas{'is' if count == 1 else 'es'} (<= 4): stereotactic radiosurgery"],
            )
        elif count is not None:
            why = [f"{count} brain metastases (> 4): SRS or whole-brain radiation may be considered"]
            plan.add("srs", "consider", "not_voted", sections.BRAIN, why)
            plan.add("wbrt", "consider", "not_voted", sections.BRAIN, why)
        else:
            plan.need("brain_metastases_count", "SRS for <= 4 brain metastases; SRS or WBRT beyond")
            plan.add(
                "srs",
                "consider",
                "not_voted",
                sections.BRAIN,
                ["Brain metastases, number not recorded: SRS if <= 4; SRS or whole-brain radiation beyond"],
            )
    if ctx.classification.code == NEC and not ctx.brain_metastases:
        plan.add(
            "pci",
            "not_recommended",
            "not_voted",
            sections.BRAIN,
            [
                "Brain metastases are rare (< 2%) in extrapulmonary NEN: prophylactic cranial irradiation is not recommended"
            ],
        )


def add_review_and_trials(ctx: Context, plan: Plan) -> None:
    """Multidisciplinary review at a NET centre and clinical-trial enrollment, with trials the paper names."""
    code = ctx.classification.code
    review_why = ["Nuanced management: care or at least an opinion at a comprehensive neuroendocrine centre"]
    if code == NEC and not ctx.metastatic and ctx.site_group != "gynecologic":
        # The statement belongs to the localized GI NEC section.
        review_why.insert(0, "Localized NEC: the panel strongly recommends multidisciplinary evaluation")
    if code == G3_NET and ctx.metastatic:
        review_why.insert(
            0, "Debulking and liver-directed therapy are decided in multidisciplinary discussion"
        )
    plan.add("mdt_review", "recommended", "not_voted", sections.DISCUSSION, review_why)
    plan.add("clinical_trial", "recommended", "not_voted", sections.DISCUSSION, _trial_reasons(ctx))


def _trial_reasons(ctx: Context) -> list[str]:
    code = ctx.classification.code
    reasons = ["Prospective data are lacking: the panel encourages trial participation whenever possible"]
    if code == G3_NET and ctx.metastatic:
        # NETTER-2 (NCT03972488) "completed accrual in late 2022": no longer a trial to enrol in.
        reasons.append("PRRT: COMPOSE (NCT04919226), 177Lu-edotreotide vs best standard of care")
        if "liver" in ctx.sites:
            reasons.append("Liver-directed: RETNET (NCT02724540)")
    elif code == G3_NET and ctx.facts.primary_site == "pancreas":
        if ctx.ki67 is None or ctx.ki67 < 55:
            reasons.append(
                "Resected pancreatic G3 NET, Ki-67 < 55%: SWOG S2104 adjuvant CAPTEM (NCT05040360)"
            )
    elif code == NEC and ctx.metastatic:
        if ctx.decision.code == "after_progression":
            reasons.append("SENECA CAPTEM vs FOLFIRI (NCT03387592)")
            reasons.append("Dual immunotherapy: data sparse, trial enrollment encouraged")
        else:
            reasons.append("Platinum/etoposide +/- atezolizumab (NCT05058651); FOLFIRINEC (NCT04325425)")
    elif code == NEC and ctx.site_group != "gynecologic":
        reasons.append("Localized GI NEC: NEONEC (NCT04268121)")
    reasons.append("ctDNA/CTC studies belong in clinical trials")
    return reasons
