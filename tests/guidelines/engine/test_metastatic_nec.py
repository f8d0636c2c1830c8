"""Metastatic NEC (guidelines/engine/rules/metastatic_nec.py).

Source: Treatment of metastatic GI NEC (Liver-directed therapy; Front-line chemotherapy; Alternative
front-line therapies; Second- and third-line treatment options; Immunotherapy; Somatostatin analogs; PRRT
and targeted therapies; Role of surgery).
"""

import pytest

from tests.guidelines.factories import NEC, codes, item, offered, pathway, prior, status

AFTER_EP = {
    "prior_systemic_therapy": [
        prior("platinum_etoposide", best_response="SD", progressed_off_treatment=False)
    ]
}
NEC_SITES = ["colon", "stomach", "pancreas", "esophagus", "unknown_primary"]

# --- Front line --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("site", NEC_SITES)
def test_platinum_etoposide_front_line_by_consensus(site):
    """Paper: "the consensus opinion of the panel, recommend that patients with metastatic GI NEC be given
    palliative platinum and etoposide chemotherapy"; platinum/etoposide is "standard therapy for distant
    disease independent of the primary site"."""
    rec = item(pathway(NEC, primary_site=site), "platinum_etoposide")
    assert rec.status == "recommended"
    assert rec.strength == "consensus"
    assert rec.line == 1


def test_platinum_etoposide_six_cycles_or_longer_majority():
    """Paper: "The majority of the group felt that this regimen may be used for six cycles or longer provided
    there is no disease progression and the patient is tolerating treatment well"."""
    why = " ".join(item(pathway(NEC), "platinum_etoposide").why).lower()
    assert "six cycles or longer" in why
    assert "majority" in why


def test_platinum_etoposide_also_below_ki67_55():
    """Ki-67 < 55% NEC had "a lower response rate ... but better survival" on platinum/etoposide: still
    the recommended front line."""
    assert status(pathway(NEC, ki67_percent=40), "platinum_etoposide") == "recommended"


def test_platinum_irinotecan_reasonable_alternative_by_consensus():
    """Paper: "There was consensus that platinum plus irinotecan is a reasonable alternative front-line
    chemotherapy option for NEC"."""
    rec = item(pathway(NEC), "platinum_irinotecan")
    assert rec.status == "consider"
    assert rec.strength == "consensus"
    assert rec.line == 1


def test_etoposide_unsuitable_keeps_platinum_irinotecan_open():
    """Cisplatin plus irinotecan is "a reasonable alternative"; "IP was associated with less hematologic
    toxicity"."""
    path = pathway(NEC, etoposide_unsuitable=True)
    assert offered(path, "platinum_irinotecan")
    assert status(path, "platinum_etoposide") != "recommended"


def test_no_immunotherapy_added_to_platinum_etoposide():
    """Paper: "Immunotherapy should not be added to this regimen at this time and we await the results of the
    ongoing platinum/etoposide with or without atezolizmab trial (NCT05058651)"."""
    path = pathway(NEC)
    assert status(path, "platinum_etoposide_immunotherapy") == "not_recommended"
    assert "NCT05058651" in " ".join(item(path, "clinical_trial").why)


def test_triplet_not_recommended():
    """Paper: "The triplet chemotherapy regimen of carboplatin, etoposide and paclitaxel did not show
    superiority to dual-agent therapy and was associated with higher rates of grade 3/4 toxicity"."""
    assert status(pathway(NEC), "carboplatin_etoposide_paclitaxel") == "not_recommended"


def test_dual_checkpoint_inhibition_not_front_line():
    """Dual immunotherapy is "a reasonable second line (and beyond) treatment option": not front line."""
    assert not offered(pathway(NEC), "ici_dual")


# --- Later lines -------------------------------------------------------------------------------------------


def test_second_line_folfiri_oxaliplatin_temozolomide():
    """Paper: "FOLFIRI is a second-line option with the most evidence; however, additional options include
    oxaliplatin- or temozolomide-based regimens"."""
    path = pathway(NEC, **AFTER_EP)
    assert path.decision_point.code == "after_progression"
    assert path.decision_point.line == 2
    for code in ("folfiri", "folfox_capox", "captem"):
        rec = item(path, code)
        assert rec.status == "consider"
        assert rec.line == 2


def test_regimen_that_failed_is_not_offered_again():
    """Third line after platinum/etoposide then FOLFIRI: FOLFIRI is no longer an option, oxaliplatin- and
    temozolomide-based regimens still are."""
    path = pathway(NEC, prior_systemic_therapy=[prior("platinum_etoposide"), prior("folfiri")])
    assert path.decision_point.line == 3
    assert not offered(path, "folfiri")
    assert offered(path, "folfox_capox")
    assert offered(path, "captem")


def test_topotecan_or_anthracycline_generally_not_recommended():
    """Paper: "Other regimens such as topotecan and anthracyclines have been studied yielding similar
    disappointing results, sometimes with substantial toxicity, and are generally not recommended"."""
    assert status(pathway(NEC, **AFTER_EP), "topotecan_or_anthracycline") == "not_recommended"


def test_dual_immunotherapy_second_line_majority():
    """Paper: "Preliminary data point to the role of dual immunotherapy and the majority of the group felt
    that this is a reasonable second line (and beyond) treatment option; however, data are sparse and clinical
    trial enrollment is encouraged"."""
    path = pathway(NEC, **AFTER_EP)
    rec = item(path, "ici_dual")
    assert rec.status == "consider"
    assert rec.strength == "majority"
    assert rec.line == 2
    assert status(path, "clinical_trial") == "recommended"


@pytest.mark.parametrize("decision", [{}, AFTER_EP], ids=["front_line", "later_line"])
def test_single_agent_checkpoint_inhibitor_not_supported(decision):
    """Paper: "Current data do not support the use of single-agent immune checkpoint inhibitors in G3
    NECs"."""
    assert status(pathway(NEC, **decision), "ici_single_agent") == "not_recommended"


@pytest.mark.parametrize("response", ["CR", "PR"])
def test_platinum_rechallenge_after_durable_response_and_progression_off_treatment(response):
    """Paper: "There was consensus from the group that retreatment with platinum-based therapy can be
    considered in patients who experience a durable response to therapy and progression during a break from
    treatment"."""
    path = pathway(
        NEC,
        prior_systemic_therapy=[
            prior(
                "platinum_etoposide",
                best_response=response,
                months_to_progression=9,
                progressed_off_treatment=True,
            )
        ],
    )
    rec = item(path, "platinum_rechallenge")
    assert rec.status == "consider"
    assert rec.strength == "consensus"
    assert rec.line == 2


@pytest.mark.parametrize(
    "line",
    [
        {"best_response": "PR", "progressed_off_treatment": False},
        {"best_response": "SD", "progressed_off_treatment": True},
        {"best_response": "PD", "progressed_off_treatment": False},
    ],
    ids=["progressed_on_treatment", "no_response", "primary_refractory"],
)
def test_no_platinum_rechallenge_without_durable_response_and_break(line):
    """Re-treatment is for "a durable response to therapy and progression during a break from
    treatment" only."""
    path = pathway(NEC, prior_systemic_therapy=[prior("platinum_etoposide", months_to_progression=4, **line)])
    assert not offered(path, "platinum_rechallenge")


def test_rechallenge_unknown_break_is_asked_for():
    """Whether progression came "during a break from treatment" decides re-treatment."""
    path = pathway(NEC, prior_systemic_therapy=[prior("platinum_etoposide", best_response="PR")])
    assert not offered(path, "platinum_rechallenge")
    assert any("progressed_off_treatment" in missing.field for missing in path.missing)


def test_progression_without_any_platinum_gets_platinum_etoposide():
    """Platinum/etoposide is the standard for metastatic NEC; a patient who progressed on another regimen
    has not had it yet."""
    path = pathway(NEC, prior_systemic_therapy=[prior("folfox_capox")])
    assert status(path, "platinum_etoposide") == "recommended"
    assert not offered(path, "platinum_rechallenge")


# --- What NEC does not receive -----------------------------------------------------------------------------


@pytest.mark.parametrize("decision", [{}, AFTER_EP], ids=["front_line", "later_line"])
def test_no_ssa_for_tumour_control_in_nec_even_if_sstr_positive(decision):
    """Paper: "As such, we do not recommend SSAs for tumor control in NEC" ("no data to support the use of
    SSAs in patients with SSTR-positive GI and pancreatic NECs")."""
    assert status(pathway(NEC, sstr_imaging="high_homogeneous", **decision), "ssa") == "not_recommended"


@pytest.mark.parametrize("decision", [{}, AFTER_EP], ids=["front_line", "later_line"])
def test_no_prrt_everolimus_or_sunitinib_for_nec(decision):
    """Paper: "There is no data to support the use of PRRT in NEC"; "BRAF inhibitors, MEK inhibitors,
    everolimus, and sunitinib are not approved for treatment of NEC"."""
    path = pathway(NEC, primary_site="pancreas", sstr_imaging="high_homogeneous", **decision)
    for code in ("prrt", "everolimus", "sunitinib"):
        assert status(path, code) == "not_recommended"


def test_no_surgical_debulking_of_metastatic_nec_by_consensus():
    """Paper: "There was consensus from the group that there is no role for surgical debulking of patients
    with metastatic NEC"."""
    rec = item(pathway(NEC), "surgical_debulking")
    assert rec.status == "not_recommended"
    assert rec.strength == "consensus"


def test_liver_directed_therapy_for_nec_lack_of_consensus():
    """Paper: "No data exist that would justify the use of liver-directed therapy in NEC. However, there was a
    lack of consensus from the group in regard to its role"."""
    rec = item(pathway(NEC, metastatic_sites=["liver"]), "liver_directed_therapy")
    assert rec.status != "recommended"
    assert rec.strength == "lack_of_consensus"
    assert "liver_directed_therapy" not in codes(pathway(NEC, metastatic_sites=["lung"]))


def test_no_g3_net_front_line_chemotherapy_for_nec():
    """Front line for metastatic NEC is platinum/etoposide or platinum/irinotecan; CAPTEM and FOLFOX are
    later-line options in NEC."""
    path = pathway(NEC)
    assert not offered(path, "captem")
    assert not offered(path, "folfox_capox")
