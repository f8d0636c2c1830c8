"""A readable plain-text summary of a pathway (manage.py pathway --format text)."""

from __future__ import annotations

from guidelines.codes import CLASSIFICATION, DECISION_POINT, RECOMMENDATION_STATUS, STRENGTH
from guidelines.engine.pathway import GUIDELINE, DecisionPoint, Pathway


def decision_point_text(decision: DecisionPoint) -> str:
    """Where the patient stands, in words ("After resection: adjuvant decision")."""
    if decision.code == "after_progression":
        done = decision.line - 1
        return f"After progression on {done} line{'s' if done > 1 else ''}: choosing line {decision.line}"
    if decision.code == "after_resection":
        return "After resection: adjuvant decision"
    return "Initial assessment: first treatment decision"


def _months(value: int | None) -> str:
    return "open-ended" if value is None else str(value)


def pathway_as_text(pathway: Pathway) -> str:
    """Render the pathway as a short text a clinician can read in a terminal."""
    lines = [GUIDELINE, ""]
    classification = pathway.classification
    basis = ", ".join(classification.grade_basis) or "none"
    lines.append(f"Classification: {CLASSIFICATION.label(classification.code)} (grade basis: {basis})")
    lines.extend(f"  - {note}" for note in classification.notes)
    decision = pathway.decision_point
    lines.append(f"Site group: {pathway.site_group}; setting: {pathway.setting}")
    lines.append(f"Decision point: {DECISION_POINT.label(decision.code).lower()} (line {decision.line})")
    if pathway.warnings:
        lines.append("Check the record (unusual combinations of facts):")
        lines.extend(f"  ! {warning.message}" for warning in pathway.warnings)
    lines.append("")
    for item in pathway.recommendations:
        done = "" if item.done is None else (" [done]" if item.done else " [outstanding]")
        line = f" line {item.line}" if item.line else ""
        lines.append(
            f"{RECOMMENDATION_STATUS.label(item.status).upper():<16} {item.text}{done} ({item.category}{line}; "
            f"{STRENGTH.label(item.strength).lower()}; {item.source})"
        )
        lines.extend(f"{'':<17}why: {reason}" for reason in item.why)
        if item.evidence:
            lines.append(f"{'':<17}evidence: {item.evidence}")
    followup = pathway.followup
    lines.append("")
    lines.append(f"Follow-up ({followup.kind}; {followup.source}):")
    for phase in followup.imaging:
        every = "-".join(str(m) for m in sorted(set(phase.every_months)))
        until = "-".join(_months(m) for m in dict.fromkeys(phase.until_month))
        lines.append(f"  imaging every {every} months until month {until}")
    lines.extend(f"  - {note}" for note in followup.notes)
    if pathway.notes:
        lines.append("")
        lines.append("Notes for the board:")
        lines.extend(f"  - {note}" for note in pathway.notes)
    if pathway.missing:
        lines.append("")
        lines.append("Missing facts:")
        lines.extend(f"  - {item.field}: {item.reason}" for item in pathway.missing)
    return "\n".join(lines) + "\n"
