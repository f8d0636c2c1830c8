"""The pathway's items as the board reads them: workup checklist, options, special topics, advice against."""

from __future__ import annotations

from dataclasses import dataclass

from guidelines.codes import RECOMMENDATION_STATUS, SPECIAL_TOPIC, STRENGTH
from guidelines.engine import Pathway, Recommendation
from guidelines.labels import DONE_STATES


@dataclass(frozen=True)
class ItemView:
    """One pathway item with the words a clinician reads (status, vote, done state)."""

    code: str
    text: str
    status: str
    status_label: str
    strength: str
    strength_label: str
    source: str
    why: tuple[str, ...]
    evidence: str | None
    done_state: str  # done | outstanding | unknown
    done_label: str
    line: int | None

    @classmethod
    def of(cls, item: Recommendation) -> ItemView:
        """Describe one engine item."""
        state = DONE_STATES[item.done]
        return cls(
            code=item.code,
            text=item.text,
            status=item.status,
            status_label=RECOMMENDATION_STATUS.label(item.status),
            strength=item.strength,
            strength_label=STRENGTH.label(item.strength),
            source=item.source,
            why=item.why,
            evidence=item.evidence,
            done_state=state,
            done_label=state.capitalize(),
            line=item.line,
        )


@dataclass(frozen=True)
class ItemGroup:
    """A titled group of items (local therapy, front line, a special topic, ...)."""

    key: str
    title: str
    items: tuple[ItemView, ...]
    note: str = ""


@dataclass(frozen=True)
class WorkupStates:
    """How many workup checklist items the record shows done, outstanding, or does not say."""

    done: int
    outstanding: int
    unknown: int


@dataclass(frozen=True)
class StatusCounts:
    """How many items of each status the pathway holds."""

    recommended: int
    consider: int
    not_recommended: int


@dataclass(frozen=True)
class ItemGroups:
    """Every item of a pathway, grouped as the page, the PDF and present mode show them."""

    workup: tuple[ItemView, ...]
    workup_states: WorkupStates
    option_groups: tuple[ItemGroup, ...]  # only groups with items
    special_groups: tuple[ItemGroup, ...]  # only topics with items
    not_recommended: tuple[ItemView, ...]
    counts: StatusCounts

    @property
    def offered_groups(self) -> tuple[ItemGroup, ...]:
        """The option groups, then the special topics: the groups the board picks its plan from."""
        return (*self.option_groups, *self.special_groups)


def item_groups(pathway: Pathway) -> ItemGroups:
    """Split the items into the workup checklist, option groups, special topics and advice against."""
    items = [ItemView.of(item) for item in pathway.recommendations]
    by_code = {item.code: item for item in pathway.recommendations}
    special = [item for item in items if by_code[item.code].topic in SPECIAL_TOPIC]
    rest = [item for item in items if by_code[item.code].topic not in SPECIAL_TOPIC]
    offered = [item for item in rest if item.status != "not_recommended"]

    def where(category: str, line: int | None) -> tuple[ItemView, ...]:
        return tuple(
            item for item in offered if by_code[item.code].category == category and item.line == line
        )

    decision = pathway.decision_point
    later_note = f"This decision is for line {decision.line}." if decision.line > 2 else ""
    groups = [
        ItemGroup("local", "Local therapy", where("treatment", None)),
        ItemGroup("front_line", "Systemic therapy — front line", where("treatment", 1)),
        ItemGroup(
            "later_lines", "Systemic therapy — second line and later", where("treatment", 2), later_note
        ),
        ItemGroup(
            "supportive",
            "Supportive care and clinical trials",
            tuple(item for item in offered if by_code[item.code].category in ("supportive", "trial")),
        ),
    ]
    special_groups = [
        ItemGroup(topic, title, tuple(item for item in special if by_code[item.code].topic == topic))
        for topic, title in SPECIAL_TOPIC.labels.items()
    ]
    workup = where("workup", None)
    states = [item.done_state for item in workup]
    statuses = [item.status for item in items]
    return ItemGroups(
        workup=workup,
        workup_states=WorkupStates(
            done=states.count("done"),
            outstanding=states.count("outstanding"),
            unknown=states.count("unknown"),
        ),
        option_groups=tuple(group for group in groups if group.items),
        special_groups=tuple(group for group in special_groups if group.items),
        not_recommended=tuple(item for item in rest if item.status == "not_recommended"),
        counts=StatusCounts(
            recommended=statuses.count("recommended"),
            consider=statuses.count("consider"),
            not_recommended=statuses.count("not_recommended"),
        ),
    )
