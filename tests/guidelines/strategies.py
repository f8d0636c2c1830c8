"""Hypothesis strategies: random case facts that satisfy case-facts.schema.json (v1).

Built from the schema itself (enums, types, bounds), with prior therapy lines whose regimens come from the
catalogue's TREATMENT_CODES, and the paper's thresholds (Ki-67 20 and 55) over-represented.
"""

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from guidelines.engine.catalogue import TREATMENT_CODES
from guidelines.engine.consistency import EXTENT_OF_FIGO, FIGO_SIZE_CM
from guidelines.engine.facts import SCHEMA

PROPERTIES: dict[str, Any] = SCHEMA["properties"]
THERAPY: dict[str, Any] = PROPERTIES["prior_systemic_therapy"]["items"]["properties"]
REQUIRED = set(SCHEMA["required"])
OFFERED = {"recommended", "consider"}
NET_ONLY = {"ssa", "prrt", "everolimus", "sunitinib", "surgical_debulking"}
# Values at the thresholds the paper uses, mixed into the random ranges.
EDGES = [0, 10, 20, 20.5, 21, 54, 54.9, 55, 55.1, 60, 100]
PROFILE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _types(spec: dict[str, Any]) -> list[str]:
    kind = spec.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _number(spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Numbers inside the schema's bounds, with the paper's thresholds over-represented."""
    low = spec.get("minimum", spec.get("exclusiveMinimum", 0))
    high = spec.get("maximum", 200)
    if "integer" in _types(spec):
        return st.integers(min_value=low, max_value=min(high, 12))
    edges = [value for value in EDGES if low <= value <= high and value != spec.get("exclusiveMinimum")]
    randoms = st.floats(
        min_value=low, max_value=high, allow_nan=False, exclude_min="exclusiveMinimum" in spec
    )
    return st.one_of(
        st.sampled_from(edges), randoms, st.integers(min_value=int(low) + 1, max_value=int(high))
    )


def _value(spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    """One value for a property of the schema."""
    if "enum" in spec:
        return st.sampled_from(spec["enum"])
    types = _types(spec)
    options: list[st.SearchStrategy[Any]] = []
    if "null" in types:
        options.append(st.none())
    if "boolean" in types:
        options.append(st.booleans())
    if "number" in types or "integer" in types:
        options.append(_number(spec))
    return st.one_of(options)


def _object(properties: dict[str, Any], required: set[str], values: dict[str, st.SearchStrategy[Any]]):
    """A dict with every required key and any subset of the optional ones."""

    @st.composite
    def build(draw):
        data = {name: draw(values[name]) for name in sorted(required)}
        for name in sorted(set(properties) - required):
            if draw(st.booleans()):
                data[name] = draw(values[name])
        return data

    return build()


THERAPY_VALUES = {name: _value(spec) for name, spec in THERAPY.items() if name != "regimen"}
THERAPY_VALUES["regimen"] = st.sampled_from(sorted(TREATMENT_CODES))
prior_lines = st.lists(_object(THERAPY, {"regimen"}, THERAPY_VALUES), max_size=4)

FACT_VALUES = {
    name: _value(spec)
    for name, spec in PROPERTIES.items()
    if name not in ("metastatic_sites", "prior_systemic_therapy")
}
FACT_VALUES["metastatic_sites"] = st.lists(
    st.sampled_from(PROPERTIES["metastatic_sites"]["items"]["enum"]), unique=True, max_size=4
)
FACT_VALUES["prior_systemic_therapy"] = prior_lines
# Schema-valid facts, contradictory ones included (the consistency check must refuse those).
any_raw_facts = _object(PROPERTIES, REQUIRED, FACT_VALUES)


def _drop(data: dict[str, Any], *names: str) -> None:
    for name in names:
        data.pop(name, None)


def consistent(data: dict[str, Any]) -> dict[str, Any]:
    """The same facts with every combination guidelines.engine.consistency refuses taken out."""
    data = {**data, "prior_systemic_therapy": [dict(line) for line in data.get("prior_systemic_therapy", [])]}
    if data["primary_site"] != "pancreas":
        _drop(data, "pancreatic_location")
    stage = data.get("figo_stage")
    if data["primary_site"] != "cervix":
        _drop(data, "figo_stage")
    elif stage is not None:
        data["extent"] = EXTENT_OF_FIGO[stage]
        low, high = FIGO_SIZE_CM.get(stage, (0, None))
        size = data.get("tumor_size_cm")
        if size is not None and (size < low or (high is not None and size >= high)):
            _drop(data, "tumor_size_cm")
        if stage != "IVB":
            _drop(data, "metastatic_sites")
    if data["extent"] != "metastatic":
        _drop(data, "metastatic_sites", "liver_dominant", "brain_metastases_count")
    if "brain" in data.get("metastatic_sites", []) and data.get("brain_metastases_count") == 0:
        _drop(data, "brain_metastases_count")
    if data.get("ngs") == "not_done":
        _drop(data, "tmb_high")
    for line in data["prior_systemic_therapy"]:
        if line.get("progressed") is False:
            _drop(line, "months_to_progression", "progressed_off_treatment")
            if line.get("best_response") == "PD":
                _drop(line, "best_response")
    if not data["prior_systemic_therapy"]:
        _drop(data, "prior_systemic_therapy")
    return data


raw_facts = any_raw_facts.map(consistent)
