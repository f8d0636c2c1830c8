"""Readable labels for the engine's codes (classification, status, strength) in templates."""

from django import template

from cases.models.choices import MetastaticSite
from cases.pathway import CasePathway
from cases.workup import STEP_BY_SLUG, ConflictItem, conflict_items
from guidelines.engine.text import CLASSIFICATION_NAMES
from guidelines.labels import STATUS_LABELS, STRENGTH_LABELS
from guidelines.labels import decision_label as decision_words

register = template.Library()

# One wording everywhere: the engine's names for classifications, the pathway page's for the rest.
CLASSIFICATION_LABELS = {**CLASSIFICATION_NAMES, "": "Not yet classified"}
STATUS_STYLES = {"recommended": "success", "consider": "primary", "not_recommended": "danger"}
STEP_STATE_LABELS = {
    "complete": "complete",
    "incomplete": "incomplete",
    "draft": "unsaved draft",
    "problems": "has problems",
}


@register.filter
def classification_label(code: str | None) -> str:
    """ "nec" -> "Poorly differentiated NEC"."""
    return CLASSIFICATION_LABELS.get(code or "", code or "")


@register.filter
def status_label(code: str) -> str:
    """ "not_recommended" -> "Not recommended"."""
    return STATUS_LABELS.get(code, code)


@register.filter
def status_style(code: str) -> str:
    """Bootstrap colour of a status badge."""
    return STATUS_STYLES.get(code, "secondary")


@register.filter
def strength_label(code: str) -> str:
    """ "lack_of_consensus" -> "Lack of consensus"."""
    return STRENGTH_LABELS.get(code, code)


@register.filter
def step_state_label(code: str) -> str:
    """Progress state for people and screen readers."""
    return STEP_STATE_LABELS.get(code, code)


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
    """A metastatic site code as the model labels it: "distant_lymph_nodes" -> "Distant lymph nodes"."""
    return str(MetastaticSite(code).label) if code in MetastaticSite.values else code


@register.filter
def decision_label(pathway: object) -> str:
    """Where the patient stands, in the pathway page's words."""
    return decision_words(pathway)  # type: ignore[arg-type]
