"""Readable labels for the record's and the engine's codes in templates (the words: guidelines.codes)."""

from django import template

from cases.pathway import CasePathway
from cases.workup import STEP_BY_SLUG, ConflictItem, conflict_items
from guidelines.codes import CLASSIFICATION, METASTATIC_SITE, RECOMMENDATION_STATUS, STEP_STATE, STRENGTH
from guidelines.engine import Pathway
from guidelines.engine.text import decision_point_text

register = template.Library()

STATUS_STYLES = {"recommended": "success", "consider": "primary", "not_recommended": "danger"}


@register.filter
def classification_label(code: str | None) -> str:
    """ "nec" -> "Poorly differentiated NEC"."""
    return CLASSIFICATION.label(code) if not code or code in CLASSIFICATION else code


@register.filter
def status_label(code: str) -> str:
    """ "not_recommended" -> "Not recommended"."""
    return RECOMMENDATION_STATUS.labels.get(code, code)


@register.filter
def status_style(code: str) -> str:
    """Bootstrap colour of a status badge."""
    return STATUS_STYLES.get(code, "secondary")


@register.filter
def strength_label(code: str) -> str:
    """ "lack_of_consensus" -> "Lack of consensus"."""
    return STRENGTH.labels.get(code, code)


@register.filter
def step_state_label(code: str) -> str:
    """Progress state for people and screen readers."""
    return STEP_STATE.labels.get(code, code)


@register.filter
def code_text(value: object) -> str:
    """A code as words: "distant_lymph_nodes" -> "distant lymph nodes"; booleans as Yes/No."""
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value).replace("_", " ")


@register.filter
def contradictions(case_pathway: CasePathway) -> list[ConflictItem]:
    """The record's contradictions, each with the workup step that shows it."""
    return conflict_items(case_pathway)


@register.filter
def step_title(slug: str) -> str:
    """A workup step's title ("staging" -> "Extent and staging")."""
    return STEP_BY_SLUG[slug].title


@register.filter
def site_label(code: str) -> str:
    """A metastatic site code in words: "distant_lymph_nodes" -> "Distant lymph nodes"."""
    return METASTATIC_SITE.labels.get(code, code)


@register.filter
def decision_label(pathway: Pathway) -> str:
    """Where the patient stands, in the pathway page's words."""
    return decision_point_text(pathway.decision_point)
