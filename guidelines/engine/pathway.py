"""The engine's output (contract pathway/v1) as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from guidelines.engine.catalogue import CATALOGUE, STATUSES, STRENGTHS
from guidelines.engine.consistency import Finding

CONTRACT = "pathway/v1"
ENGINE_VERSION = "1.0.0"
GUIDELINE = "NANETS 2023 high-grade GEP and gynecologic NEN (Eads et al., Endocr Relat Cancer 30:e220206)"


@dataclass(frozen=True)
class Classification:
    """What the tumour is for these recommendations, and on what grounds."""

    code: str
    grade_basis: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionPoint:
    """Where the patient stands: a new case, after resection, or after progression on line N-1."""

    code: str
    line: int = 1


@dataclass(frozen=True)
class Recommendation:
    """One item of the pathway with its status, the panel's strength, source and reasons."""

    code: str
    status: str
    strength: str
    source: str
    why: tuple[str, ...]
    line: int | None = None
    done: bool | None = None
    evidence: str | None = None

    @property
    def category(self) -> str:
        """Category of the contract (workup, treatment, supportive, trial)."""
        return CATALOGUE[self.code].category

    @property
    def topic(self) -> str:
        """Finer grouping for display (pathology, imaging, local, systemic, brain, ...)."""
        return CATALOGUE[self.code].topic

    @property
    def text(self) -> str:
        """Readable name of the item."""
        return CATALOGUE[self.code].text

    def to_dict(self) -> dict[str, Any]:
        """Return the contract's JSON shape of the item."""
        return {
            "code": self.code,
            "category": self.category,
            "topic": self.topic,
            "status": self.status,
            "strength": self.strength,
            "line": self.line,
            "done": self.done,
            "text": self.text,
            "why": list(self.why),
            "source": self.source,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class ImagingPhase:
    """One phase of cross-sectional imaging: an interval range until a month range (None = open)."""

    every_months: tuple[int, int]
    until_month: tuple[int | None, int | None]


@dataclass(frozen=True)
class FollowUp:
    """Surveillance (after curative treatment) or monitoring (during treatment of metastatic disease)."""

    kind: str
    imaging: tuple[ImagingPhase, ...]
    notes: tuple[str, ...]
    strength: str
    source: str


@dataclass(frozen=True)
class MissingFact:
    """A fact the engine needs for this case's decision that the record does not hold."""

    field: str
    reason: str


@dataclass(frozen=True)
class Pathway:
    """The recommended pathway for one case."""

    classification: Classification
    site_group: str
    setting: str
    decision_point: DecisionPoint
    recommendations: tuple[Recommendation, ...]
    followup: FollowUp
    notes: tuple[str, ...] = ()
    missing: tuple[MissingFact, ...] = ()
    # Possible but unusual combinations of facts (guidelines.engine.consistency): the board checks them.
    warnings: tuple[Finding, ...] = ()

    def get(self, code: str) -> Recommendation | None:
        """Return the item with this code, if the pathway lists it."""
        return next((item for item in self.recommendations if item.code == code), None)

    def to_dict(self) -> dict[str, Any]:
        """Return the contract's JSON shape (pathway/v1 plus the project's extensions)."""
        return {
            "contract": CONTRACT,
            "guideline": GUIDELINE,
            "engine_version": ENGINE_VERSION,
            "classification": {
                "code": self.classification.code,
                "grade_basis": list(self.classification.grade_basis),
                "notes": list(self.classification.notes),
                "flags": list(self.classification.flags),
            },
            "site_group": self.site_group,
            "setting": self.setting,
            "decision_point": {"code": self.decision_point.code, "line": self.decision_point.line},
            "recommendations": [item.to_dict() for item in self.recommendations],
            "followup": {
                "kind": self.followup.kind,
                "imaging": [
                    {"every_months": list(phase.every_months), "until_month": list(phase.until_month)}
                    for phase in self.followup.imaging
                ],
                "notes": list(self.followup.notes),
                "strength": self.followup.strength,
                "source": self.followup.source,
            },
            "notes": list(self.notes),
            "missing": [{"field": item.field, "reason": item.reason} for item in self.missing],
            "warnings": [
                {"code": item.rule, "fields": list(item.fields), "message": item.message} for item in self.warnings
            ],
        }


@dataclass
class Plan:
    """Collects items while the rules run; each code may be added once."""

    items: dict[str, Recommendation] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)

    def add(
        self,
        code: str,
        status: str,
        strength: str,
        source: str,
        why: list[str] | tuple[str, ...],
        *,
        line: int | None = None,
        done: bool | None = None,
        evidence: str | None = None,
    ) -> None:
        """Add one item; adding a code twice is a rule bug and raises."""
        if code not in CATALOGUE:
            raise KeyError(f"unknown recommendation code {code!r}")
        if status not in STATUSES or strength not in STRENGTHS:
            raise ValueError(f"{code}: bad status {status!r} or strength {strength!r}")
        if code in self.items:
            raise ValueError(f"{code}: added twice")
        self.items[code] = Recommendation(
            code=code,
            status=status,
            strength=strength,
            source=source,
            why=tuple(why),
            line=line,
            done=done,
            evidence=evidence,
        )

    def has(self, code: str) -> bool:
        """Tell whether a code is already in the plan."""
        return code in self.items

    def note(self, text: str) -> None:
        """Record something the board should know (the paper's silence, a caveat)."""
        if text not in self.notes:
            self.notes.append(text)

    def need(self, field_name: str, reason: str) -> None:
        """Record a fact the decision needs that the record lacks."""
        self.missing.setdefault(field_name, reason)
