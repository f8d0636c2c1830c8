"""Metastatic G3 NET (guidelines/engine/rules/metastatic_net.py).

Source: Treatment of metastatic G3 NET (Liver-directed therapy; Somatostatin analog therapy; Front-line
chemotherapy; Chemotherapies for second-line and beyond; Targeted therapies; PRRT; Immunotherapy;
Surgical debulking).
"""

import pytest

from tests.guidelines.factories import codes, item, offered, pathway, prior, status

AFTER_CAPTEM = {"prior_systemic_therapy": [prior("captem", best_response="PR")]}

# --- Liver-directed therapy --------------------------------------------------------------------------------


@pytest.mark.parametrize("ki67", [21, 30, 54, 54.9])
def test_liver_directed_therapy_valid_below_ki67_55_by_consensus(ki67):
    """Paper: "liver-directed therapy for metastatic G3 NET is considered a valid therapy similar to G2 NET if
    Ki-67 is <55%"; "There was consensus that the use of liver-directed therapy in G3 NET is warranted"."""
    rec = item(
        pathway(ki67_percent=ki67, metastatic_sites=["liver"], liver_dominant=True), "liver_directed_therapy"
    )
    assert rec.status in ("recommended", "consider")
    assert rec.strength == "consensus"


@pytest.mark.parametrize("ki67", [55, 56, 80])
def test_liver_directed_therapy_not_preferred_from_ki67_55(ki67):
    """Paper: "In G3 NET with Ki-67 >55% ... a systemic treatment is preferred"; valid only "if Ki-67 is
    <55%"."""
    path = pathway(ki67_percent=ki67, metastatic_sites=["liver"], liver_dominant=True)
    assert not offered(path, "liver_directed_therapy")


def test_liver_directed_therapy_not_preferred_with_bone_metastases():
    """Paper: "in patients with extrahepatic metastases, especially bone, a systemic treatment is
    preferred": a preference, so the item stays an option below the systemic one, saying so, without the
    consensus that covers liver-only disease."""
    rec = item(
        pathway(ki67_percent=30, metastatic_sites=["liver", "bone"], liver_dominant=True),
        "liver_directed_therapy",
    )
    assert rec.status == "consider"
    assert rec.strength == "not_voted"
    assert "a systemic treatment is preferred" in rec.why[0]


def test_liver_directed_therapy_not_preferred_with_extrahepatic_disease_not_liver_dominant():
    """Paper: "in patients with extrahepatic metastases ... a systemic treatment is preferred"; liver-directed
    therapy is used "for non-surgical NET patients with the liver-dominant disease"."""
    rec = item(
        pathway(ki67_percent=30, metastatic_sites=["liver", "lung"], liver_dominant=False),
        "liver_directed_therapy",
    )
    assert rec.status == "consider"
    assert rec.strength == "not_voted"
    assert "liver-dominant" in " ".join(rec.why)


def test_no_liver_directed_therapy_without_liver_metastases():
    """Liver-directed therapy treats liver metastases; none without them."""
    assert "liver_directed_therapy" not in codes(pathway(metastatic_sites=["lung", "peritoneum"]))


# --- Somatostatin analogs ----------------------------------------------------------------------------------


@pytest.mark.parametrize("sstr", ["high_homogeneous", "low_or_heterogeneous"])
def test_ssa_front_line_with_favourable_biology_by_consensus(sstr):
    """Paper: "there was consensus from the panel that a trial of SSA therapy as the initial front-line
    therapy for tumor control in patients with a G3 NET with favorable biology is reasonable"."""
    rec = item(pathway(ki67_percent=25, sstr_imaging=sstr, disease_pace="indolent"), "ssa")
    assert rec.status == "consider"
    assert rec.strength == "consensus"
    assert rec.line == 1


def test_ssa_only_with_positive_sstr_imaging_majority():
    """Paper: "The majority of the panel felt that this approach is only appropriate if the patient has
    positive SSTR imaging"."""
    rec = item(pathway(sstr_imaging="negative"), "ssa")
    assert rec.status == "not_recommended"
    assert rec.strength == "majority"


def test_ssa_needs_sstr_imaging_recorded():
    """SSA "is only appropriate if the patient has positive SSTR imaging": without SSTR imaging it is not
    offered and the missing fact is named."""
    path = pathway(sstr_imaging="not_done")
    assert not offered(path, "ssa")
    assert "sstr_imaging" in {missing.field for missing in path.missing}


@pytest.mark.parametrize(
    "unfavourable", [{"ki67_percent": 70}, {"disease_pace": "rapid"}], ids=["high_ki67", "rapid_pace"]
)
def test_ssa_restricted_to_relatively_low_ki67_and_favourable_biology(unfavourable):
    """Paper: "Restricting the use of SSAs to SSTR-positive G3 NET with a relatively low Ki-67 makes the most
    sense"; the trial is for "a G3 NET with favorable biology"."""
    assert not offered(pathway(sstr_imaging="high_homogeneous", **unfavourable), "ssa")


# --- Front-line chemotherapy -------------------------------------------------------------------------------


@pytest.mark.parametrize("site", ["pancreas", "small_bowel", "rectum"])
def test_captem_front_line_majority(site):
    """Paper: "The majority of the group felt that CAPTEM was an appropriate front-line option particularly
    for patients with pancreatic primaries although patients with a G3 NET of the bowel may also benefit"."""
    rec = item(pathway(primary_site=site), "captem")
    assert rec.status in ("recommended", "consider")
    assert rec.strength == "majority"
    assert rec.line == 1


@pytest.mark.parametrize("site", ["pancreas", "small_bowel", "colon"])
def test_folfox_capox_front_line_for_pancreatic_and_bowel_majority(site):
    """Paper: "The majority of the group felt that for pancreatic and bowel primaries, a fluoropyrimidine plus
    oxaliplatin regimen (either FOLFOX or CapeOx) is also appropriate"."""
    rec = item(pathway(primary_site=site), "folfox_capox")
    assert rec.status in ("recommended", "consider")
    assert rec.strength == "majority"
    assert rec.line == 1


@pytest.mark.parametrize("ki67", [21, 30, 45, 54, 54.9])
def test_platinum_not_front_line_below_ki67_55_majority(ki67):
    """Paper: "G3 NET with Ki-67 <55-60% may have modest responses to platinum-based first-line therapies and
    the majority of the panel felt that this was not an appropriate front-line chemotherapy regimen"."""
    rec = item(pathway(ki67_percent=ki67), "platinum_etoposide")
    assert rec.status == "not_recommended"
    assert rec.strength == "majority"
    assert rec.line == 1


def test_no_front_line_platinum_irinotecan_or_triplet_for_g3_net():
    """Platinum-based regimens "have modest activity in G3 NETs"; the NEC alternatives are not G3 NET
    options."""
    path = pathway(ki67_percent=30)
    for code in (
        "platinum_irinotecan",
        "carboplatin_etoposide_paclitaxel",
        "platinum_etoposide_immunotherapy",
    ):
        assert not offered(path, code)


def test_front_line_items_carry_line_1():
    """Decision point initial: every systemic item is front line."""
    path = pathway()
    assert path.decision_point.code == "initial"
    assert {rec.line for rec in path.recommendations if rec.topic == "systemic"} == {1}


# --- Second line and beyond --------------------------------------------------------------------------------


def test_captem_second_line_only_if_not_used_first_line():
    """Paper: "CAPTEM is a reasonable choice for second-line therapy and beyond if not used in first line,
    with FOLFOX and FOLFIRI being alternative options"."""
    after_folfox = pathway(prior_systemic_therapy=[prior("folfox_capox")])
    rec = item(after_folfox, "captem")
    assert rec.status == "consider"
    assert rec.line == 2
    assert offered(after_folfox, "folfiri")
    after_captem = pathway(**AFTER_CAPTEM)
    assert not offered(after_captem, "captem")
    assert offered(after_captem, "folfox_capox")
    assert offered(after_captem, "folfiri")


def test_captem_given_without_progression_still_counts_as_used():
    """Paper: "if not used in first line": a CAPTEM course stopped for another reason still counts."""
    path = pathway(
        prior_systemic_therapy=[prior("captem", progressed=False), prior("ssa")],
    )
    assert path.decision_point.code == "after_progression"
    assert not offered(path, "captem")


@pytest.mark.parametrize("site", ["pancreas", "small_bowel", "colon", "rectum", "duodenum"])
def test_everolimus_for_progressive_pancreatic_and_bowel_g3_net_by_consensus(site):
    """Paper: "Based on consensus, it is acceptable to consider everolimus for patients with progressive and
    refractory high-grade NETs of both pancreatic and bowel origin"."""
    rec = item(pathway(primary_site=site, **AFTER_CAPTEM), "everolimus")
    assert rec.status == "consider"
    assert rec.strength == "consensus"
    assert rec.line == 2


def test_sunitinib_for_progressive_pancreatic_g3_net_only_by_consensus():
    """Paper: "as well as sunitinib for G3 pancreatic NET, particularly in patients with favorable
    biology"."""
    rec = item(pathway(primary_site="pancreas", **AFTER_CAPTEM), "sunitinib")
    assert rec.status == "consider"
    assert rec.strength == "consensus"
    assert not offered(pathway(primary_site="small_bowel", **AFTER_CAPTEM), "sunitinib")


def test_targeted_agents_not_front_line():
    """Everolimus is for "progressive and refractory" G3 NET: not a front-line item."""
    path = pathway(primary_site="pancreas")
    assert not offered(path, "everolimus")
    assert not offered(path, "sunitinib")


def test_prrt_for_progressive_g3_net_with_homogeneously_high_sstr_by_consensus():
    """Paper: "Based on consensus, it is reasonable to consider PRRT in patients with progressive G3 NET
    showing homogeneously high (avidity greater than liver) SSTR expression by imaging"."""
    rec = item(pathway(sstr_imaging="high_homogeneous", **AFTER_CAPTEM), "prrt")
    assert rec.status == "consider"
    assert rec.strength == "consensus"
    assert rec.line == 2


@pytest.mark.parametrize("sstr", ["low_or_heterogeneous", "negative"])
def test_no_prrt_without_homogeneously_high_uptake(sstr):
    """PRRT needs "homogeneously high (avidity greater than liver) SSTR expression"."""
    assert not offered(pathway(sstr_imaging=sstr, **AFTER_CAPTEM), "prrt")


def test_no_prrt_before_progression():
    """PRRT is for "patients with progressive G3 NET": not front line, even with high uptake."""
    assert not offered(pathway(sstr_imaging="high_homogeneous"), "prrt")


# --- Immunotherapy and debulking ---------------------------------------------------------------------------


@pytest.mark.parametrize("decision", [{}, AFTER_CAPTEM], ids=["front_line", "later_line"])
def test_immunotherapy_not_supported_for_g3_net(decision):
    """Paper: "The role of immunotherapy in G3 NET is not supported by data at this time"."""
    path = pathway(**decision)
    assert status(path, "ici_single_agent") == "not_recommended"
    assert status(path, "ici_dual") == "not_recommended"


def test_surgical_debulking_may_be_appropriate_majority():
    """Paper: "the majority of the panel felt that surgical debulking for patients with a metastatic G3 NET
    was appropriate, particularly for those with favorable biology, but that this should be determined within
    the context of a multidisciplinary discussion"."""
    path = pathway()
    rec = item(path, "surgical_debulking")
    assert rec.status in ("recommended", "consider")
    assert rec.strength == "majority"
    assert status(path, "mdt_review") == "recommended"


def test_g3_net_knowledge_from_g1_g2_not_nec_regimens_after_progression():
    """Later lines for G3 NET are CAPTEM, FOLFOX, FOLFIRI, everolimus, sunitinib and PRRT; the NEC-only
    options are not offered."""
    path = pathway(**AFTER_CAPTEM)
    for code in ("platinum_rechallenge", "topotecan_or_anthracycline", "ici_dual"):
        assert not offered(path, code)
