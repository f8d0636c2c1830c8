"""Case facts: the engine's input (contract case-facts/v1), parsed and validated."""

from __future__ import annotations

import json
import math
import reprlib
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from guidelines.engine.catalogue import TREATMENT_CODES

SCHEMA_PATH = Path(__file__).with_name("case-facts.schema.json")


class FactsError(ValueError):
    """Raised when case facts do not satisfy the contract; carries one message per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PriorTherapy:
    """One line of systemic therapy already given."""

    regimen: str
    best_response: str | None = None
    progressed: bool | None = None
    months_to_progression: float | None = None
    progressed_off_treatment: bool | None = None


@dataclass(frozen=True)
class CaseFacts:
    """What the engine knows about one case; None means unknown."""

    primary_site: str
    differentiation: str
    extent: str
    morphology: str | None = None
    ki67_percent: float | None = None
    mitoses_per_2mm2: float | None = None
    lower_grade_component: bool | None = None
    non_neuroendocrine_component: bool | None = None
    p53_ihc: str | None = None
    rb_ihc: str | None = None
    sstr2a_ihc: str | None = None
    mmr: str | None = None
    ngs: str | None = None
    tmb_high: bool | None = None
    ntrk_fusion: bool | None = None
    ret_fusion: bool | None = None
    braf_v600e: bool | None = None
    figo_stage: str | None = None
    tumor_size_cm: float | None = None
    deep_stromal_invasion: bool | None = None
    lvsi: bool | None = None
    pancreatic_location: str | None = None
    resectable: bool | None = None
    metastatic_sites: tuple[str, ...] = ()
    liver_dominant: bool | None = None
    brain_metastases_count: int | None = None
    high_systemic_burden: bool | None = None
    ct_mri_done: bool | None = None
    sstr_imaging: str | None = None
    fdg_pet: str | None = None
    endoscopy_done: bool | None = None
    hormonal_syndrome: bool | None = None
    carcinoid_syndrome_suspected: bool | None = None
    hiaa_5_elevated: bool | None = None
    cns_symptoms: bool | None = None
    ecog: int | None = None
    disease_pace: str | None = None
    discordant_lesion_growth: bool | None = None
    resection_margin: str | None = None
    radiation_amenable: bool | None = None
    etoposide_unsuitable: bool | None = None
    prior_systemic_therapy: tuple[PriorTherapy, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """Return the contract's JSON shape (lists for arrays, None for unknown)."""
        data = asdict(self)
        data["metastatic_sites"] = list(self.metastatic_sites)
        data["prior_systemic_therapy"] = [asdict(line) for line in self.prior_systemic_therapy]
        return data


SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
TOP_LEVEL_FIELDS = frozenset(SCHEMA["properties"])
THERAPY_FIELDS = frozenset(SCHEMA["properties"]["prior_systemic_therapy"]["items"]["properties"])
PRIOR_LINES_CAP: int = SCHEMA["properties"]["prior_systemic_therapy"]["maxItems"]


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(SCHEMA)


def field_name(key: str) -> str:
    """A key as a message shows it: as is, or quoted when it is empty or holds a line break or control."""
    return key if key.isprintable() and key else repr(key)


def _join_path(parts: Iterable[str | int]) -> str:
    path = ""
    for part in parts:
        name = field_name(part) if isinstance(part, str) else part
        path += f"[{name}]" if isinstance(part, int) else (f".{name}" if path else str(name))
    return path


def _field_path(error: ValidationError) -> str:
    return _join_path(error.absolute_path)


def _not_finite(data: dict[str, Any]) -> dict[str, str]:
    """Numbers that are not finite (NaN, Infinity, 1e400 read as Infinity), one message per field path."""
    found: dict[str, str] = {}
    pending: list[tuple[object, tuple[str | int, ...]]] = [(data, ())]
    while pending:  # a loop, not recursion: however deep a Python caller nests, this cannot overflow
        value, parts = pending.pop()
        if isinstance(value, dict):
            pending.extend((item, (*parts, key)) for key, item in value.items() if isinstance(key, str))
        elif isinstance(value, list | tuple):
            pending.extend((item, (*parts, index)) for index, item in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            # json.dumps spells NaN and Infinity as JSON writes them; the reader's NonFiniteNumber keeps 1e400.
            shown = json.dumps(value) if type(value) is float else repr(value)
            found[_join_path(parts)] = f"{_join_path(parts)}: {shown} is not a finite number"
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > sys.float_info.max:
            found[_join_path(parts)] = f"{_join_path(parts)}: a number too large to use (over 1.8e308)"
    return found


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = 60


def _describe(error: ValidationError) -> list[str]:
    """Turn one schema error into messages that start with the field's name."""
    where = _field_path(error)
    prefix = f"{where}." if where else ""
    if error.validator == "additionalProperties":
        instance: dict[str, Any] = error.instance  # type: ignore[assignment]
        known = THERAPY_FIELDS if where else TOP_LEVEL_FIELDS
        unknown = sorted(set(instance) - known)
        return [f"{prefix}{field_name(name)}: unknown field" for name in unknown]
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return [f"{prefix}{missing}: is required"]
    if error.validator == "enum":
        allowed: list[Any] = error.validator_value  # type: ignore[assignment]
        codes = ", ".join("null" if v is None else str(v) for v in allowed)
        return [f"{where}: {_SHORT.repr(error.instance)} is not a known code (expected one of: {codes})"]
    # jsonschema quotes the whole value; a megabyte of text would make a megabyte-long message.
    message = error.message.replace(repr(error.instance), _SHORT.repr(error.instance), 1)
    return [f"{where or '(case)'}: {message}"]


def validate_facts(data: object) -> list[str]:
    """Return one message per problem in raw case facts; empty when valid."""
    if not isinstance(data, dict):
        return ["(case): expected a JSON object"]
    problems: list[str] = []
    lines = data.get("prior_systemic_therapy")
    lines = lines if isinstance(lines, list) else []
    checked: dict[str, Any] = data
    if len(lines) > PRIOR_LINES_CAP:
        # Over the cap (schema maxItems) one message says it all, not one more per line given.
        problems.append(
            f"prior_systemic_therapy: {len(lines)} lines given; at most {PRIOR_LINES_CAP} are accepted"
        )
        checked, lines = {**data, "prior_systemic_therapy": []}, []
    not_finite = _not_finite(checked)
    for error in sorted(_validator().iter_errors(checked), key=lambda e: list(map(str, e.absolute_path))):
        if _field_path(error) not in not_finite:  # said once below, not again as a type or range error
            problems.extend(_describe(error))
    problems.extend(not_finite.values())
    for index, line in enumerate(lines):
        regimen = line.get("regimen") if isinstance(line, dict) else None
        if isinstance(regimen, str) and regimen not in TREATMENT_CODES:
            problems.append(
                f"prior_systemic_therapy[{index}].regimen: {regimen!r} is not a treatment code of the contract"
            )
    return problems


def parse_facts(data: object) -> CaseFacts:
    """Validate raw JSON-like case facts (schema, then consistency) as CaseFacts, or raise FactsError."""
    problems = validate_facts(data)
    if problems:
        raise FactsError(problems)
    assert isinstance(data, dict)  # noqa: S101 - validate_facts guarantees it; narrows the type for mypy
    known = {f.name for f in fields(CaseFacts)}
    values: dict[str, Any] = {name: data.get(name) for name in known if name in data}
    values["metastatic_sites"] = tuple(data.get("metastatic_sites") or ())
    values["prior_systemic_therapy"] = tuple(
        PriorTherapy(**line) for line in (data.get("prior_systemic_therapy") or ())
    )
    facts = CaseFacts(**values)
    # Imported here: the consistency rules import CaseFacts from this module.
    from guidelines.engine.consistency import require_consistent

    require_consistent(facts)
    return facts
