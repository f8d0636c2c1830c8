"""Disease-agnostic therapies (guidelines/engine/rules/targeted.py): dMMR/TMB-high immunotherapy, NTRK,
RET and BRAF.

Source: Treatment of metastatic GI NEC > Immunotherapy; PRRT and targeted therapies; Treatment of
metastatic G3 NET > Targeted therapies.
"""

import pytest

from tests.guidelines.factories import NEC, codes, item, offered, pathway, prior

AFTER_EP = {"prior_systemic_therapy": [prior("platinum_etoposide", best_response="SD")]}
AFTER_CAPTEM = {"prior_systemic_therapy": [prior("captem")]}


@pytest.mark.parametrize("finding", [{"mmr": "deficient"}, {"tmb_high": True}], ids=["dmmr", "tmb_high"])
@pytest.mark.parametrize("decision", [{}, AFTER_EP], ids=["front_line", "later_line"])
def test_nec_dmmr_or_tmb_high_immunotherapy_by_consensus(finding, decision):
    """Paper: "There was consensus that single- or dual-agent immunotherapy is appropriate in patients with
    DNA MMR deficiency or high tumor mutational burden, given the agnostic drug approvals of pembrolizumab ...
    and dostarlimab-gxly"."""
    rec = item(pathway(NEC, **finding, **decision), "ici_dmmr_tmb")
    assert rec.status in ("recommended", "consider")
    assert rec.strength == "consensus"


def test_nec_mmr_proficient_no_agnostic_immunotherapy():
    """The agnostic immunotherapy is for "DNA MMR deficiency or high tumor mutational burden" only."""
    path = pathway(NEC, mmr="proficient", tmb_high=False, **AFTER_EP)
    assert "ici_dmmr_tmb" not in codes(path)


def test_mmr_unknown_is_asked_for():
    """MMR testing should be "routinely conducted for patients with an NEC as this may identify targets
    for disease-agnostic treatments"."""
    path = pathway(NEC, mmr=None)
    assert "mmr" in {missing.field for missing in path.missing}


@pytest.mark.parametrize(
    ("finding", "code"),
    [({"ntrk_fusion": True}, "ntrk_inhibitor"), ({"ret_fusion": True}, "ret_inhibitor")],
)
def test_nec_ntrk_and_ret_fusions(finding, code):
    """Paper: "larotrectinib or entrectinib for tumors with NTRK fusions; selpercatinib or pralsetinib for
    tumors with RET fusions) are a reasonable consideration for NEC patients harboring the appropriate
    molecular abnormalities"."""
    assert offered(pathway(NEC, **finding), code)
    assert code not in codes(pathway(NEC, **{key: False for key in finding}))


def test_nec_braf_v600e_never_offered():
    """Paper: "Reports about BRAF inhibitors (+/- MEK inhibitors) in BRAF-mutated colorectal NECs are
    available; however, the use of BRAF inhibitors, MEK inhibitors ... are not approved for treatment of
    NEC"."""
    rec = item(pathway(NEC, braf_v600e=True, **AFTER_EP), "braf_inhibitor")
    assert rec.status == "not_recommended"
    assert "braf_inhibitor" not in codes(pathway(NEC, braf_v600e=False, **AFTER_EP))


@pytest.mark.parametrize(
    ("finding", "code"),
    [
        ({"mmr": "deficient"}, "ici_dmmr_tmb"),
        ({"ntrk_fusion": True}, "ntrk_inhibitor"),
        ({"ret_fusion": True}, "ret_inhibitor"),
    ],
)
def test_refractory_g3_net_agnostic_therapies(finding, code):
    """Paper: "in light of the availability of agnostic targeted therapies ... the panel encourages the use of
    NGS for patients with G3 NETs as another tool to guide therapy in the refractory setting"."""
    rec = item(pathway(**finding, **AFTER_CAPTEM), code)
    assert rec.status in ("recommended", "consider")
    assert rec.line == 2


def test_agnostic_therapy_not_repeated_after_failure():
    """An agnostic option the disease already progressed on is not offered again."""
    path = pathway(
        NEC, ntrk_fusion=True, prior_systemic_therapy=[prior("platinum_etoposide"), prior("ntrk_inhibitor")]
    )
    assert not offered(path, "ntrk_inhibitor")
