"""Turn one case's facts into its pathway: classification, decision point, items and follow-up."""

from __future__ import annotations

from collections.abc import Iterable

from guidelines.engine import sections
from guidelines.engine.catalogue import CATALOGUE
from guidelines.engine.classification import G3_NET, INDETERMINATE, NEC, NOT_HIGH_GRADE
from guidelines.engine.consistency import require_consistent, warnings
from guidelines.engine.context import Context
from guidelines.engine.facts import CaseFacts
from guidelines.engine.pathway import MissingFact, Pathway, Plan, Recommendation
from guidelines.engine.rules.common import add_brain, add_review_and_trials
from guidelines.engine.rules.followup import followup_for
from guidelines.engine.rules.gynecologic import add_localized_gynecologic_nec
from guidelines.engine.rules.localized import add_localized_g3_net, add_localized_gi_nec
from guidelines.engine.rules.metastatic_nec import add_metastatic_nec
from guidelines.engine.rules.metastatic_net import add_metastatic_g3_net
from guidelines.engine.rules.workup import add_workup

CATEGORY_ORDER = {"workup": 0, "treatment": 1, "supportive": 2, "trial": 3}
TOPIC_ORDER = {
    topic: index
    for index, topic in enumerate(
        [
            "pathology",
            "imaging",
            "biomarkers",
            "cardiac",
            "hereditary",
            "local",
            "systemic",
            "brain",
            "care",
            "trials",
        ]
    )
}
STATUS_ORDER = {"recommended": 0, "consider": 1, "not_recommended": 2}


def build_pathway(facts: CaseFacts) -> Pathway:
    """Apply the NANETS 2023 recommendations to one case; raise ContradictoryFacts on contradictions."""
    require_consistent(facts)
    ctx = Context.of(facts)
    plan = Plan()
    code = ctx.classification.code
    if code == NOT_HIGH_GRADE:
        _outside_scope(plan)
    else:
        add_workup(ctx, plan)
        _treatment(ctx, plan)
        add_brain(ctx, plan)
        add_review_and_trials(ctx, plan)
        if ctx.ki67 is None and facts.mitoses_per_2mm2 is None:
            plan.need("ki67_percent", "Grading needs Ki-67 (or mitoses)")
    return Pathway(
        classification=ctx.classification,
        site_group=ctx.site_group,
        setting=facts.extent,
        decision_point=ctx.decision,
        recommendations=_ordered(plan.items.values()),
        followup=followup_for(ctx),
        notes=tuple(plan.notes),
        missing=tuple(MissingFact(name, reason) for name, reason in plan.missing.items()),
        warnings=warnings(facts),
    )


def _treatment(ctx: Context, plan: Plan) -> None:
    code = ctx.classification.code
    if code == INDETERMINATE:
        plan.note(
            "Differentiation or grade unresolved: the paper makes no treatment recommendation until G3 NET vs "
            "NEC is settled. Where SSTR and FDG imaging disagree, the more aggressive element guides treatment."
        )
        return
    # Progression on systemic therapy is managed with the later-line options of the metastatic sections,
    # whatever extent the record still shows.
    advanced = ctx.metastatic or ctx.decision.code == "after_progression"
    if advanced and not ctx.metastatic:
        plan.note(
            "Progression recorded while the extent is localized/locally advanced: later-line options of the "
            "metastatic sections are shown. Re-stage and update the extent."
        )
    if code == G3_NET and advanced:
        add_metastatic_g3_net(ctx, plan)
    elif code == G3_NET:
        add_localized_g3_net(ctx, plan)
    elif code == NEC and advanced:
        add_metastatic_nec(ctx, plan)
    elif code == NEC and ctx.site_group == "gynecologic":
        add_localized_gynecologic_nec(ctx, plan)
    elif code == NEC:
        add_localized_gi_nec(ctx, plan)


def _outside_scope(plan: Plan) -> None:
    plan.add(
        "expert_pathology_review",
        "recommended",
        "not_voted",
        sections.PATHOLOGY,
        ["Ki-67 <= 20% and mitoses <= 20 per 2 mm2: confirm the grade before any high-grade pathway"],
    )
    plan.add(
        "mdt_review",
        "recommended",
        "not_voted",
        sections.DISCUSSION,
        ["Not a high-grade NEN: outside the NANETS 2023 high-grade recommendations"],
    )
    plan.note("Not high grade (G1/G2): these recommendations do not apply; no treatment is listed.")


def _ordered(items: Iterable[Recommendation]) -> tuple[Recommendation, ...]:
    def key(item: Recommendation) -> tuple[int, int, int]:
        entry = CATALOGUE[item.code]
        return (CATEGORY_ORDER[entry.category], TOPIC_ORDER[entry.topic], STATUS_ORDER[item.status])

    return tuple(sorted(items, key=key))
