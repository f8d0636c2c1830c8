"""Items for every high-grade case (guidelines/engine/rules/common.py), decision point and line numbering
(guidelines/engine/context.py), and the shape every item must have.

Source: Management of brain metastases; Discussion; pathway contract (decision_point, line).
"""

import json
from pathlib import Path

import pytest

from guidelines.engine import build_pathway, parse_facts
from guidelines.engine.catalogue import CATALOGUE, STATUSES, STRENGTHS
from tests.guidelines.factories import LOCALIZED_NEC, LOCALIZED_NET, NEC, codes, item, pathway, prior, status

VIGNETTES = sorted((Path(__file__).resolve().parents[2] / "vignettes").glob("*.json"))

# --- Brain metastases --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 4])
@pytest.mark.parametrize("preset", [{}, NEC], ids=["g3_net", "nec"])
def test_up_to_four_brain_metastases_srs(preset, count):
    """Paper: "patients with <=4 metastases should be treated with stereotactic radiosurgery (SRS)"."""
    path = pathway(preset, metastatic_sites=["liver", "brain"], brain_metastases_count=count)
    assert status(path, "srs") == "recommended"
    assert "wbrt" not in codes(path)


@pytest.mark.parametrize("count", [5, 12])
def test_more_than_four_brain_metastases_srs_or_wbrt(count):
    """Paper: "patients with more advanced CNS disease may be considered for SRS or whole brain radiation"."""
    path = pathway(NEC, metastatic_sites=["brain"], brain_metastases_count=count)
    assert status(path, "srs") == "consider"
    assert status(path, "wbrt") == "consider"


def test_brain_metastases_of_unknown_number_ask_for_the_count():
    """The choice of SRS vs whole-brain radiation depends on "<=4 metastases"."""
    path = pathway(NEC, metastatic_sites=["brain"], brain_metastases_count=None)
    assert status(path, "srs") == "consider"
    assert "brain_metastases_count" in {missing.field for missing in path.missing}


def test_no_brain_treatment_without_brain_metastases():
    """SRS and WBRT treat brain metastases; none without them."""
    path = pathway(NEC, metastatic_sites=["liver"], brain_metastases_count=0)
    assert "srs" not in codes(path)
    assert "wbrt" not in codes(path)


@pytest.mark.parametrize("preset", [NEC, LOCALIZED_NEC, {}], ids=["nec", "localized_nec", "g3_net"])
def test_no_prophylactic_cranial_irradiation(preset):
    """Paper: "Given the low rate of intracranial metastases in patients with extra-pulmonary NENs,
    prophylactic cranial irradiation is not a recommended treatment strategy"."""
    path = pathway(preset)
    assert status(path, "pci") in (None, "not_recommended")
    if preset:
        assert status(path, "pci") == "not_recommended"


# --- Discussion --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "preset",
    [{}, NEC, LOCALIZED_NET, LOCALIZED_NEC, {"differentiation": "indeterminate", "ki67_percent": 60}],
)
def test_care_at_a_neuroendocrine_centre_and_clinical_trials(preset):
    """Paper: "it is recommended that patients seek care or at least an opinion at a comprehensive
    neuroendocrine treatment center ... the panel also encourages clinical trial participation whenever
    possible"."""
    path = pathway(preset)
    assert status(path, "mdt_review") == "recommended"
    assert status(path, "clinical_trial") == "recommended"


# --- Decision point and line -------------------------------------------------------------------------------


def test_initial_decision_point():
    """Contract: `initial` (line 1) when nothing progressed and no margin is known."""
    path = pathway(prior_systemic_therapy=[])
    assert (path.decision_point.code, path.decision_point.line) == ("initial", 1)


def test_prior_therapy_without_progression_stays_line_1():
    """Contract: line = lines progressed on + 1; a line still working is not a progression."""
    path = pathway(prior_systemic_therapy=[prior("captem", progressed=False)])
    assert (path.decision_point.code, path.decision_point.line) == ("initial", 1)


@pytest.mark.parametrize("margin", ["R0", "R1", "R2"])
def test_after_resection_when_a_margin_is_known(margin):
    """Contract: `after_resection` when a margin is known (and nothing progressed)."""
    path = pathway(LOCALIZED_NET, resection_margin=margin)
    assert (path.decision_point.code, path.decision_point.line) == ("after_resection", 1)
    assert pathway(LOCALIZED_NET, resection_margin="not_resected").decision_point.code == "initial"


@pytest.mark.parametrize("progressed", [1, 2, 3])
def test_after_progression_line_counts_progressed_lines(progressed):
    """Contract: `after_progression` when a prior line progressed, `line` = lines progressed on + 1;
    systemic items carry line 2 ("second-line and later")."""
    regimens = ["platinum_etoposide", "folfiri", "folfox_capox"][:progressed]
    path = pathway(NEC, resection_margin="R0", prior_systemic_therapy=[prior(code) for code in regimens])
    assert (path.decision_point.code, path.decision_point.line) == ("after_progression", progressed + 1)
    assert {rec.line for rec in path.recommendations if rec.topic == "systemic"} == {2}


def test_workup_and_local_items_have_no_line():
    """Contract: `line` is null for workup and local therapy."""
    path = pathway(metastatic_sites=["liver", "brain"], brain_metastases_count=2)
    for rec in path.recommendations:
        if rec.topic != "systemic":
            assert rec.line is None, rec.code


# --- Every item's shape ------------------------------------------------------------------------------------


CASES = [
    pytest.param(build_pathway(parse_facts(json.loads(path.read_text())["facts"])), id=path.stem)
    for path in VIGNETTES
] + [
    pytest.param(pathway(LOCALIZED_NEC, resection_margin="R1"), id="resected_nec"),
    pytest.param(pathway(prior_systemic_therapy=[prior("captem")]), id="progressive_net"),
    pytest.param(pathway(differentiation="indeterminate", ki67_percent=60), id="indeterminate"),
]


@pytest.mark.parametrize("path", CASES)
def test_every_item_has_status_strength_source_and_reasons(path):
    """Contract: each item once, with a status, the panel's strength as reported, its source section and
    a non-empty "why"."""
    assert len(codes(path)) == len(set(codes(path)))
    for rec in path.recommendations:
        assert rec.code in CATALOGUE
        assert rec.status in STATUSES
        assert rec.strength in STRENGTHS
        assert rec.source.strip()
        assert rec.why and all(reason.strip() for reason in rec.why)
        assert item(path, rec.code) is rec
