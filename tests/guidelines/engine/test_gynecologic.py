"""Gynecologic NEC (guidelines/engine/rules/gynecologic.py): cervix by FIGO 2018 stage, metastatic and
recurrent disease.

Source: Localized gynecologic G3 neuroendocrine carcinoma; Treatment of metastatic gynecologic G3 NEC.
"""

import pytest

from tests.guidelines.factories import CERVIX_NEC, codes, item, offered, pathway, prior, status

EARLY = ["IA1", "IA2", "IB1", "IB2"]
BULKY = ["IB3", "IIA1", "IIA2"]
PELVIC_ADVANCED = ["IIB", "IIIA", "IIIB", "IIIC1", "IIIC2", "IVA"]
NO_RISK = {"tumor_size_cm": 1.5, "deep_stromal_invasion": False, "lvsi": False}
# FIGO IB2 is 2 to < 4 cm: its size is the ">2 cm" risk factor itself.
SIZE_OF_STAGE = {"IB2": 3.0}


def no_risk(stage: str) -> dict[str, object]:
    """No high-risk factor beyond what the stage itself implies (IB2 is > 2 cm)."""
    return {**NO_RISK, "tumor_size_cm": SIZE_OF_STAGE.get(stage, NO_RISK["tumor_size_cm"])}


@pytest.mark.parametrize("stage", EARLY)
def test_early_stage_radical_hysterectomy_first(stage):
    """Paper: "For patients with disease confined to the cervix and <4 cm in size (FIGO stage IA1-IB2),
    surgery remains the first line of treatment. Standard surgery includes a radical hysterectomy and either
    sentinel lymph node biopsies or complete pelvic lymphadenectomy"."""
    path = pathway(CERVIX_NEC, figo_stage=stage, **no_risk(stage))
    assert status(path, "radical_hysterectomy") == "recommended"
    assert not offered(path, "definitive_chemoradiation")
    assert not offered(path, "neoadjuvant_chemotherapy_surgery")


@pytest.mark.parametrize("stage", EARLY)
def test_early_stage_open_not_minimally_invasive_and_no_fertility_sparing(stage):
    """Paper: "we recommend an open surgery as opposed to a minimally invasive approach"; "Fertility-sparing
    surgeries such as cone biopsy or radical trachlectomy should not be performed"."""
    path = pathway(CERVIX_NEC, figo_stage=stage, **no_risk(stage))
    assert status(path, "minimally_invasive_hysterectomy") == "not_recommended"
    assert status(path, "fertility_sparing_surgery") == "not_recommended"


@pytest.mark.parametrize("stage", EARLY)
@pytest.mark.parametrize("decision", [{}, {"resection_margin": "R0"}], ids=["initial", "after_resection"])
def test_early_stage_six_cycles_adjuvant_cisplatin_etoposide_by_consensus(stage, decision):
    """Paper: "By consensus, we, therefore, recommend six cycles of adjuvant cisplatin and etoposide for
    patients with early stage disease who undergo surgery as primary therapy"."""
    rec = item(pathway(CERVIX_NEC, figo_stage=stage, **no_risk(stage), **decision), "adjuvant_chemotherapy")
    assert rec.status == "recommended"
    assert rec.strength == "consensus"


@pytest.mark.parametrize(
    "risk",
    [{"figo_stage": "IB2", "tumor_size_cm": 2.5}, {"deep_stromal_invasion": True}, {"lvsi": True}],
    ids=["over_2cm", "deep_stromal_invasion", "lvsi"],
)
def test_early_stage_high_risk_factor_adds_pelvic_radiation_by_consensus(risk):
    """Paper: "we recommend postoperative radiation in addition to chemotherapy as adjuvant therapy in
    patients with high-risk factors such as tumors >2 cm, deep stromal invasion and/or lymphovascular space
    invasion (consensus)"."""
    rec = item(pathway(CERVIX_NEC, **{"figo_stage": "IB1", **NO_RISK, **risk}), "adjuvant_pelvic_radiation")
    assert rec.status == "recommended"
    assert rec.strength == "consensus"


def test_ib2_is_over_2cm_by_definition():
    """FIGO 2018 IB2 is a tumour of 2-4 cm, so the ">2 cm" risk factor applies even when the size is not
    recorded."""
    path = pathway(CERVIX_NEC, figo_stage="IB2", tumor_size_cm=None, deep_stromal_invasion=False, lvsi=False)
    assert status(path, "adjuvant_pelvic_radiation") == "recommended"


def test_early_stage_without_risk_factors_pelvic_radiation_not_mandatory():
    """Paper: "As there are no definitive data showing a survival benefit for postoperative pelvic radiation,
    we recommend postoperative radiation ... in patients with high-risk factors": without them it is not a
    recommendation."""
    path = pathway(CERVIX_NEC, figo_stage="IB1", **NO_RISK)
    assert status(path, "adjuvant_pelvic_radiation") != "recommended"


def test_early_stage_unknown_risk_factors_are_asked_for():
    """Pelvic radiation depends on size, deep stromal invasion and LVSI, which must then be recorded."""
    path = pathway(CERVIX_NEC, figo_stage="IA2", tumor_size_cm=None, deep_stromal_invasion=None, lvsi=None)
    assert status(path, "adjuvant_pelvic_radiation") != "recommended"
    assert path.missing


@pytest.mark.parametrize("stage", BULKY)
def test_ib3_to_iia2_chemoradiation_not_surgery_by_consensus(stage):
    """Paper: "by consensus, we recommend chemoradiation followed by chemotherapy and not surgery for patients
    with stage IB3-IIA2 disease"; neoadjuvant chemotherapy and surgery has no "sound rationale"."""
    path = pathway(CERVIX_NEC, figo_stage=stage, extent="locally_advanced")
    rec = item(path, "definitive_chemoradiation")
    assert rec.status == "recommended"
    assert rec.strength == "consensus"
    assert status(path, "radical_hysterectomy") == "not_recommended"
    assert status(path, "neoadjuvant_chemotherapy_surgery") == "not_recommended"
    assert not offered(path, "surgical_resection")


@pytest.mark.parametrize("stage", PELVIC_ADVANCED)
def test_iib_to_iva_chemoradiation_with_curative_intent(stage):
    """Paper: "Locally advanced disease, defined as a disease limited to the pelvis +/- aortocaval nodal
    disease (FIGO stages IB3-IVA) may be treated with intent to cure"; concurrent cisplatin/etoposide with
    radiation "has become the standard of care"."""
    path = pathway(CERVIX_NEC, figo_stage=stage, extent="locally_advanced")
    assert status(path, "definitive_chemoradiation") == "recommended"
    assert not offered(path, "radical_hysterectomy")
    assert not offered(path, "fertility_sparing_surgery")


def test_ivb_palliative_cisplatin_etoposide():
    """Paper: "For metastatic disease to liver, lungs, or peritoneum (stage IVB), palliative chemotherapy with
    cisplatin and etoposide is recommended"."""
    path = pathway(CERVIX_NEC, figo_stage="IVB", extent="metastatic", metastatic_sites=["lung"])
    rec = item(path, "platinum_etoposide")
    assert rec.status == "recommended"
    assert rec.line == 1
    assert path.followup.kind == "monitoring"
    for code in ("radical_hysterectomy", "definitive_chemoradiation"):
        assert not offered(path, code)


def test_small_cell_cervix_later_lines_topotecan_paclitaxel_bevacizumab():
    """Paper: "For patients with small-cell carcinoma of the cervix ... the combination of topotecan,
    paclitaxel, and bevacizumab (median PFS 8 vs 4 months for other regimens)"."""
    path = pathway(
        CERVIX_NEC,
        figo_stage="IVB",
        extent="metastatic",
        metastatic_sites=["lung"],
        prior_systemic_therapy=[
            prior("platinum_etoposide", best_response="PR", progressed_off_treatment=False)
        ],
    )
    rec = item(path, "topotecan_paclitaxel_bevacizumab")
    assert rec.status == "consider"
    assert rec.line == 2


def test_topotecan_combination_not_offered_for_large_cell_or_front_line():
    """The topotecan/paclitaxel/bevacizumab data concern "small-cell carcinoma of the cervix", "second-line
    and beyond"."""
    large_cell = pathway(
        CERVIX_NEC,
        morphology="large_cell",
        figo_stage="IVB",
        extent="metastatic",
        prior_systemic_therapy=[prior("platinum_etoposide")],
    )
    assert "topotecan_paclitaxel_bevacizumab" not in codes(large_cell)
    front_line = pathway(CERVIX_NEC, figo_stage="IVB", extent="metastatic")
    assert "topotecan_paclitaxel_bevacizumab" not in codes(front_line)


def test_cervical_nec_without_stage_asks_for_figo():
    """The cervical recommendations are by FIGO stage (IA1-IB2, IB3-IIA2, IB3-IVA, IVB)."""
    path = pathway(CERVIX_NEC, figo_stage=None)
    assert "figo_stage" in {missing.field for missing in path.missing}
    assert not offered(path, "radical_hysterectomy")
    assert not offered(path, "definitive_chemoradiation")


def test_metastatic_gynecologic_nec_gets_no_net_therapies():
    """NEC-wide statements apply: "we do not recommend SSAs for tumor control in NEC"; "no role for
    surgical debulking of patients with metastatic NEC"."""
    path = pathway(CERVIX_NEC, figo_stage="IVB", extent="metastatic", sstr_imaging="high_homogeneous")
    for code in ("ssa", "prrt", "everolimus", "sunitinib", "surgical_debulking"):
        assert status(path, code) == "not_recommended"
