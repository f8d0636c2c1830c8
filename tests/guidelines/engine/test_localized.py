"""Localized disease (guidelines/engine/rules/localized.py): GI/pancreatic G3 NET and GI NEC.

Source: Management of localized disease (Gastrointestinal G3 NET; Gastrointestinal NEC).
"""

import pytest

from tests.guidelines.factories import (
    LOCALIZED_NEC,
    LOCALIZED_NET,
    codes,
    item,
    offered,
    offered_treatments,
    pathway,
    status,
    why_text,
)

# --- Localized G3 NET ----------------------------------------------------------------------------------


@pytest.mark.parametrize("site", ["pancreas", "small_bowel", "stomach", "rectum"])
def test_g3_net_surgery_for_locoregional_control_by_consensus(site):
    """Paper: "there was consensus from the group that surgery may be appropriate for locoregional control and
    possibly cure. The goals of surgery ... are an oncologic resection of the primary tumor and regional
    lymph nodes"."""
    rec = item(pathway(LOCALIZED_NET, primary_site=site), "surgical_resection")
    assert rec.status in ("recommended", "consider")
    assert rec.strength == "consensus"
    assert "lymphadenectomy" in " ".join(rec.why).lower()


def test_g3_net_body_tail_distal_pancreatectomy_with_splenectomy():
    """Paper: "For pancreatic primaries involving the pancreatic body and tail, a distal pancreatectomy with
    en-bloc splenectomy is the recommended surgical approach"."""
    assert status(
        pathway(LOCALIZED_NET, pancreatic_location="body_tail"), "distal_pancreatectomy_splenectomy"
    ) == ("recommended")
    assert "distal_pancreatectomy_splenectomy" not in codes(
        pathway(LOCALIZED_NET, pancreatic_location="head")
    )
    assert "distal_pancreatectomy_splenectomy" not in codes(
        pathway(LOCALIZED_NET, primary_site="small_bowel")
    )


def test_g3_net_pancreatic_location_unknown_is_asked_for():
    """The body/tail approach depends on the location, which must then be recorded."""
    path = pathway(LOCALIZED_NET, pancreatic_location=None)
    assert "pancreatic_location" in {missing.field for missing in path.missing}


def test_g3_net_no_neoadjuvant_radiation_majority():
    """Paper: "The majority of the group felt that there is no role for neoadjuvant radiation or
    chemoradiation for patients with G3 NETs"."""
    rec = item(pathway(LOCALIZED_NET), "neoadjuvant_radiation")
    assert rec.status == "not_recommended"
    assert rec.strength == "majority"


@pytest.mark.parametrize("margin", ["R0", "R1", "R2"])
def test_g3_net_adjuvant_radiation_lack_of_consensus_regardless_of_margin(margin):
    """Paper: "there was a lack of consensus as to its use in the adjuvant setting, regardless of margin
    status following surgery"."""
    path = pathway(LOCALIZED_NET, resection_margin=margin)
    assert path.decision_point.code == "after_resection"
    rec = item(path, "adjuvant_radiation")
    assert rec.status == "consider"
    assert rec.strength == "lack_of_consensus"


def test_g3_net_pancreatic_adverse_features_local_control():
    """Paper: "For patients with pancreatic NETs with adverse postoperative features, there may be a local
    control benefit"."""
    assert "pancrea" in why_text(pathway(LOCALIZED_NET, resection_margin="R1"), "adjuvant_radiation")


def test_g3_net_no_adjuvant_chemotherapy_after_resection():
    """Paper: "There are no data regarding the use of adjuvant chemotherapy for patients with a resected G3
    NET"; SWOG 2104 (NCT05040360) tests adjuvant CAPTEM for resected pancreatic G3 NET with Ki-67 < 55%."""
    path = pathway(LOCALIZED_NET, resection_margin="R0")
    assert not offered(path, "adjuvant_chemotherapy")
    assert offered_treatments(path) == {"adjuvant_radiation"}
    assert "NCT05040360" in why_text(path, "clinical_trial").upper()


def test_localized_g3_net_gets_no_front_line_chemotherapy():
    """Systemic options for G3 NET are stated for metastatic disease; localized G3 NET is managed with
    surgery."""
    path = pathway(LOCALIZED_NET)
    for code in ("platinum_etoposide", "captem", "folfox_capox", "ssa", "definitive_chemoradiation"):
        assert not offered(path, code)


# --- Localized GI NEC --------------------------------------------------------------------------------------


def test_nec_mdt_and_systemic_therapy_strongly_recommended():
    """Paper: "if indeed the diagnosis is known, the panel strongly recommends multidisciplinary evaluation
    and consideration of systemic therapy and possible definitive chemoradiation"."""
    path = pathway(LOCALIZED_NEC)
    assert status(path, "mdt_review") == "recommended"
    assert offered(path, "platinum_etoposide")
    assert item(path, "platinum_etoposide").line == 1
    assert offered(path, "definitive_chemoradiation")


def test_nec_surgery_lack_of_consensus():
    """Paper: "There was an overall lack of consensus from the panel in regard to the role of surgery for NEC
    although it was more favorably viewed to pursue surgery following a course of systemic therapy
    and/or chemoradiation"."""
    rec = item(pathway(LOCALIZED_NEC, resectable=True), "surgical_resection")
    assert rec.status != "recommended"
    assert rec.strength == "lack_of_consensus"


def test_nec_definitive_platinum_etoposide_with_radiation_by_consensus():
    """Paper: "Following surgery or as definitive therapy, there was consensus that four to six cycles of
    platinum and etoposide with the inclusion of radiation at some point during the course of
    chemotherapy be considered"."""
    rec = item(pathway(LOCALIZED_NEC), "definitive_chemoradiation")
    assert rec.status == "consider"
    assert rec.strength == "consensus"


def test_nec_capecitabine_acceptable_radiosensitizer():
    """Paper: "capecitabine is an acceptable radiation sensitizer if consolidation chemoradiation is given
    following completion of four to six cycles of platinum and etoposide chemotherapy" (consensus)."""
    rec = item(pathway(LOCALIZED_NEC), "capecitabine_radiosensitizer")
    assert rec.status == "consider"
    assert rec.strength == "consensus"


def test_nec_carboplatin_paclitaxel_when_etoposide_cannot_be_given():
    """Paper: "If the ability to deliver etoposide is hampered, carboplatin and paclitaxel is an acceptable
    alternative"."""
    assert offered(pathway(LOCALIZED_NEC, etoposide_unsuitable=True), "carboplatin_paclitaxel")
    assert "carboplatin_paclitaxel" not in codes(pathway(LOCALIZED_NEC, etoposide_unsuitable=False))


@pytest.mark.parametrize("site", ["esophagus", "stomach", "pancreas", "rectum"])
def test_nec_high_morbidity_sites_favour_chemoradiation(site):
    """Definitive chemoradiation "particularly for surgeries with higher morbidity (esophageal, gastric,
    pancreatic, and rectal primaries)"."""
    path = pathway(LOCALIZED_NEC, primary_site=site)
    assert offered(path, "definitive_chemoradiation")
    assert "morbidity" in why_text(path, "definitive_chemoradiation")
    assert status(path, "surgical_resection") != "recommended"


def test_nec_lower_morbidity_site_is_not_flagged_as_morbid():
    """The higher-morbidity list is "esophageal, gastric, pancreatic, and rectal": a colonic primary is
    not on it."""
    assert "morbidity" not in why_text(
        pathway(LOCALIZED_NEC, primary_site="colon"), "definitive_chemoradiation"
    )


@pytest.mark.parametrize("margin", ["R1", "R2"])
def test_nec_positive_margin_adjuvant_chemoradiation_by_consensus(margin):
    """Paper: "there was consensus that adjuvant chemoradiation is indicated following resection of a NEC with
    positive margins"."""
    path = pathway(LOCALIZED_NEC, resection_margin=margin, radiation_amenable=True)
    assert path.decision_point.code == "after_resection"
    rec = item(path, "adjuvant_chemoradiation")
    assert rec.status == "recommended"
    assert rec.strength == "consensus"


def test_nec_negative_margin_adjuvant_chemoradiation_lack_of_consensus():
    """Paper: "There was a lack of consensus as to if chemoradiation should be used in the adjuvant setting
    for patients with a negative surgical margin"."""
    rec = item(
        pathway(LOCALIZED_NEC, resection_margin="R0", radiation_amenable=True), "adjuvant_chemoradiation"
    )
    assert rec.status != "recommended"
    assert rec.strength == "lack_of_consensus"


@pytest.mark.parametrize("margin", ["R0", "R1"])
def test_nec_not_amenable_to_radiation_adjuvant_chemotherapy_by_consensus(margin):
    """Paper: "There was consensus that patients with a resected NEC in a location not amenable to subsequent
    radiation should receive adjuvant chemotherapy"."""
    path = pathway(LOCALIZED_NEC, resection_margin=margin, radiation_amenable=False)
    rec = item(path, "adjuvant_chemotherapy")
    assert rec.status == "recommended"
    assert rec.strength == "consensus"
    assert not offered(path, "adjuvant_chemoradiation")
    assert not offered(path, "capecitabine_radiosensitizer")


def test_nec_after_surgery_platinum_etoposide_considered():
    """Paper: "Following surgery ... there was consensus that four to six cycles of platinum and etoposide ...
    be considered"."""
    rec = item(
        pathway(LOCALIZED_NEC, resection_margin="R0", radiation_amenable=True), "adjuvant_chemotherapy"
    )
    assert rec.status in ("recommended", "consider")
    assert rec.strength == "consensus"


def test_nec_radiation_feasibility_unknown_is_asked_for():
    """Adjuvant chemoradiation vs chemotherapy alone turns on whether the location is "amenable to
    subsequent radiation"."""
    path = pathway(LOCALIZED_NEC, resection_margin="R1", radiation_amenable=None)
    assert "radiation_amenable" in {missing.field for missing in path.missing}


def test_localized_nec_gets_no_metastatic_only_options():
    """Debulking, SSA and PRRT are metastatic-disease questions, and none is advised for NEC."""
    path = pathway(LOCALIZED_NEC)
    for code in ("ssa", "prrt", "surgical_debulking", "liver_directed_therapy"):
        assert not offered(path, code)
