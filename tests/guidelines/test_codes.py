"""The code sets (guidelines/codes.py) against the contract: the schema's enums, the contract's code lists
(docs/spec/pathway-contract.md) and every code the engine outputs, each with a label."""

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given

from guidelines import codes
from guidelines.codes import Code, CodeSet
from guidelines.engine import build_pathway, classification, parse_facts
from guidelines.engine.catalogue import CATALOGUE, TREATMENT_CODES
from guidelines.engine.context import site_group
from guidelines.engine.facts import SCHEMA
from tests.guidelines.strategies import PROFILE, raw_facts

PROPERTIES = SCHEMA["properties"]
THERAPY = PROPERTIES["prior_systemic_therapy"]["items"]["properties"]
CONTRACT = (Path(__file__).resolve().parents[2] / "docs" / "spec" / "pathway-contract.md").read_text()


def _enum(spec: dict) -> list[str]:
    """A schema property's codes in the schema's order, without null (unknown)."""
    spec = spec.get("items", spec)
    return [value for value in spec["enum"] if value is not None]


def _enum_fields(properties: dict) -> set[str]:
    return {name for name, spec in properties.items() if "enum" in spec.get("items", spec)}


# --- the schema's enums --------------------------------------------------------------------------


def test_every_coded_fact_of_the_schema_has_its_code_set():
    """Each schema field with an enum, and no other field, has a code set."""
    assert set(codes.FACT_CODES) == _enum_fields(PROPERTIES)


@pytest.mark.parametrize("name", sorted(codes.FACT_CODES))
def test_fact_codes_equal_the_schema_enum(name):
    """Same codes, same order (the order the forms offer them): no code only in the schema or only here."""
    assert list(codes.FACT_CODES[name].values) == _enum(PROPERTIES[name])


def test_therapy_line_codes_equal_the_schema():
    """best_response equals its enum; the regimen (a free string in the schema) has the record's codes."""
    assert set(codes.THERAPY_CODES) == _enum_fields(THERAPY) | {"regimen"}
    assert list(codes.RESPONSE.values) == _enum(THERAPY["best_response"])


def test_regimens_are_the_catalogue_systemic_codes():
    """A treatment line names a systemic regimen of the catalogue, each one, in the catalogue's order."""
    systemic = [code for code, entry in CATALOGUE.items() if entry.topic == "systemic"]
    assert list(codes.REGIMEN.values) == systemic
    assert set(codes.REGIMEN.values) <= TREATMENT_CODES


def test_one_label_per_input_field_in_the_schema_order():
    """Every case fact and every field of a prior line has exactly one label."""
    assert list(codes.FACT_FIELD.values) == list(PROPERTIES)
    assert list(codes.THERAPY_FIELD.values) == list(THERAPY)


def test_functional_imaging_results_are_the_study_results_plus_not_done():
    """An imaging study records uptake or avidity; the fact adds "not done" for a study not in the record."""
    assert codes.SSTR_IMAGING.values == ("not_done", *codes.SSTR_UPTAKE.values)
    assert codes.FDG_PET.values == ("not_done", *codes.FDG_AVIDITY.values)


# --- the contract's output codes ---------------------------------------------------------------


def _alternatives(key: str) -> list[str]:
    """The codes of an output field as the contract's example spells them: "key": "a | b | c"."""
    found = re.search(rf'"{key}": "([a-z_]+(?: \| [a-z_]+)+)"', CONTRACT)
    assert found, key
    return found.group(1).split(" | ")


def _bullet_codes(field: str, stop: str | None = None) -> list[str]:
    """The backticked codes of the contract's bullet on one output field (up to `stop`)."""
    found = re.search(rf"^- `{re.escape(field)}`:(.*?)(?=^- |^\n)", CONTRACT, re.S | re.M)
    assert found, field
    text = found.group(1) if stop is None else found.group(1).split(f"`{stop}`")[0]
    return re.findall(r"`([a-z0-9_]+)`", text)


def test_output_codes_equal_the_contract():
    """Classification, status, strength, site group, setting, decision point and follow-up kind as listed in
    the project's copy of the contract."""
    assert list(codes.CLASSIFICATION.values) == _bullet_codes("classification.code", stop="grade_basis")
    assert list(codes.GRADE_BASIS.values) == _bullet_codes("classification.code")[-2:]
    assert list(codes.RECOMMENDATION_STATUS.values) == _bullet_codes("status")
    assert list(codes.STRENGTH.values) == _bullet_codes("strength")
    assert list(codes.SITE_GROUP.values) == _alternatives("site_group")
    assert list(codes.EXTENT.values) == _alternatives("setting")
    assert list(codes.DECISION_POINT.values) == _alternatives("code")  # the decision point's
    assert list(codes.FOLLOWUP_KIND.values) == _alternatives("kind")


def test_engine_classification_codes_are_the_code_set():
    """The engine's four classification constants are the code set's four codes."""
    engine = {classification.G3_NET, classification.NEC, classification.INDETERMINATE}
    assert engine | {classification.NOT_HIGH_GRADE} == set(codes.CLASSIFICATION.values)


def test_special_topics_are_catalogue_topics():
    """The special considerations group items by topics the catalogue uses."""
    assert set(codes.SPECIAL_TOPIC.values) <= {entry.topic for entry in CATALOGUE.values()}


@PROFILE
@given(raw_facts)
def test_every_code_the_engine_outputs_has_a_label(data):
    """Classification, its flags and grade basis, site group, setting, decision point, statuses, strengths
    and follow-up kind: whatever the engine says, the pages have words for it."""
    path = build_pathway(parse_facts(data))
    assert path.classification.code in codes.CLASSIFICATION
    assert set(path.classification.flags) <= set(codes.CLASSIFICATION_FLAG.values)
    assert set(path.classification.grade_basis) <= set(codes.GRADE_BASIS.values)
    assert path.site_group in codes.SITE_GROUP
    assert path.setting in codes.EXTENT
    assert path.decision_point.code in codes.DECISION_POINT
    assert path.followup.kind in codes.FOLLOWUP_KIND
    assert path.followup.strength in codes.STRENGTH
    for item in path.recommendations:
        assert item.status in codes.RECOMMENDATION_STATUS
        assert item.strength in codes.STRENGTH
    for item in path.missing:
        assert item.field.split(".")[0] in codes.FACT_FIELD


# --- site groups and words about sites ----------------------------------------------------------


def test_site_groups_cover_every_primary_site_once():
    """Pancreatic, gastrointestinal, gynecologic sites are disjoint; only the unknown primary is in none."""
    groups = [codes.PANCREATIC_SITES, codes.GASTROINTESTINAL_SITES, codes.GYNECOLOGIC_SITES]
    assert sum(len(group) for group in groups) == len(frozenset().union(*groups))
    assert set(codes.PRIMARY_SITE.values) - frozenset().union(*groups) == {"unknown_primary"}
    assert {site_group(site) for site in codes.PRIMARY_SITE.values} == set(codes.SITE_GROUP.values)


def test_every_primary_site_has_an_adjective():
    """The reasons say "pancreatic primary": each site has its adjective, no code without a site."""
    assert list(codes.PRIMARY_SITE_ADJECTIVES) == list(codes.PRIMARY_SITE.values)


def test_warning_flags_are_classification_flags():
    assert codes.WARNING_FLAGS <= set(codes.CLASSIFICATION_FLAG.values)


def test_codes_is_pure_python():
    """The engine imports this module: it imports nothing but the standard library (no Django, no app)."""
    tree = ast.parse(Path(codes.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert imported == {"__future__", "collections.abc", "dataclasses", "types", "typing"}


# --- the CodeSet type ----------------------------------------------------------------------------


def test_label_of_a_code_and_of_the_blank_value():
    """A code gives its label; None and "" give the blank label where the set has one."""
    assert codes.CLASSIFICATION.label("nec") == "Poorly differentiated NEC"
    assert codes.CLASSIFICATION.label("") == codes.CLASSIFICATION.label(None) == "Not yet classified"
    assert codes.CLASSIFICATION.short_labels["nec"] == "NEC"
    assert codes.MODALITY.short_labels["fdg_pet"] == "FDG PET"  # no short label: the label


def test_unknown_code_and_blank_without_blank_label_raise():
    with pytest.raises(KeyError):
        codes.CLASSIFICATION.label("g4_net")
    with pytest.raises(KeyError):
        codes.EXTENT.label("")


def test_a_code_given_twice_is_refused():
    with pytest.raises(ValueError, match="given twice"):
        CodeSet(("a", "A"), Code("a", "Another A"))


def test_every_label_is_written_out():
    """No empty or padded label in any code set."""
    sets = [value for value in vars(codes).values() if isinstance(value, CodeSet)]
    assert len(sets) > 30
    for code_set in sets:
        for code in code_set:
            assert code.label and code.label == code.label.strip(), code
