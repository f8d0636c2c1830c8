"""Work-up (guidelines/engine/rules/workup.py): Table 1, imaging, biomarkers, molecular testing,
re-biopsy, CNS imaging, cardiac and hereditary evaluation."""

import pytest

from tests.guidelines.factories import (
    LOCALIZED_NEC,
    LOCALIZED_NET,
    NEC,
    codes,
    item,
    offered,
    pathway,
    prior,
    status,
)

PROGRESSED = {"prior_systemic_therapy": [prior("captem")]}
NEC_PROGRESSED = {"prior_systemic_therapy": [prior("platinum_etoposide", best_response="SD")]}


# --- Table 1 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", [{}, NEC], ids=["g3_net", "nec"])
def test_table1_anatomical_imaging_for_every_new_case(preset):
    """Table 1 and the imaging summary: "all patients with a G3 NET or NEC should have some form of
    anatomical imaging at the time of diagnosis" (multiphase, high-resolution CT or MRI with contrast)."""
    path = pathway(preset, ct_mri_done=None)
    assert status(path, "ct_mri_multiphase") == "recommended"
    assert item(path, "ct_mri_multiphase").done is None
    assert item(pathway(preset, ct_mri_done=True), "ct_mri_multiphase").done is True
    assert item(pathway(preset, ct_mri_done=False), "ct_mri_multiphase").done is False


def test_table1_ki67_is_mandatory_and_done_when_recorded():
    """Paper: "Ki-67 IHC is mandatory for the grading of extra-pulmonary NET"; `done` reflects whether the
    facts hold a Ki-67."""
    rec = item(pathway(ki67_percent=30), "ki67_ihc")
    assert rec.status == "recommended"
    assert rec.done is True
    assert item(pathway(ki67_percent=None, mitoses_per_2mm2=30), "ki67_ihc").done is False


def test_table1_g3_net_sstr_pet_at_baseline_by_consensus():
    """Paper: "There was consensus among panelists that SSTR imaging should be obtained at baseline for all
    patients with a G3 NET as this will be required if 177Lu-DOTATATE is being considered"."""
    for extent in ("metastatic", "localized"):
        sites = ("liver",) if extent == "metastatic" else ()
        rec = item(pathway(extent=extent, metastatic_sites=sites, sstr_imaging="not_done"), "sstr_pet")
        assert rec.status == "recommended"
        assert rec.strength == "consensus"
        assert rec.done is False
    assert item(pathway(sstr_imaging="low_or_heterogeneous"), "sstr_pet").done is True


def test_table1_nec_no_baseline_sstr_imaging_by_consensus():
    """Paper: "there was consensus that baseline SSTR imaging should not be obtained for patients with a newly
    diagnosed NEC"."""
    rec = item(pathway(NEC), "sstr_pet")
    assert rec.status == "not_recommended"
    assert rec.strength == "consensus"


@pytest.mark.parametrize("preset", [{}, NEC], ids=["g3_net", "nec"])
def test_table1_fdg_pet_if_indicated_without_consensus_at_baseline(preset):
    """Table 1 "FDG-PET if indicated"; "there was lack of consensus that an 18F-FDG PET should be
    obtained at baseline for either patient with an NEC or a G3 NET"."""
    rec = item(pathway(preset, fdg_pet="not_done"), "fdg_pet")
    assert rec.status == "consider"
    assert rec.strength == "lack_of_consensus"
    assert rec.done is False
    assert item(pathway(preset, fdg_pet="positive"), "fdg_pet").done is True


def test_fdg_pet_indicated_when_disease_is_disproportionately_aggressive():
    """Paper: "FDG-PET is indicated ... in cases where the tumor appears disproportionately aggressive"."""
    assert status(pathway(disease_pace="rapid"), "fdg_pet") == "recommended"


def test_fdg_pet_indicated_when_g3_net_vs_nec_is_unclear():
    """Paper: "FDG-PET is indicated if there is a lack of clarity between G3 NET and NEC"."""
    assert status(pathway(differentiation="indeterminate", ki67_percent=60), "fdg_pet") == "recommended"


@pytest.mark.parametrize("site", ["small_bowel", "stomach", "rectum", "duodenum", "colon"])
@pytest.mark.parametrize("preset", [{}, NEC], ids=["g3_net", "nec"])
def test_table1_endoscopy_for_known_gi_primaries(preset, site):
    """Table 1: "Endoscopic evaluation (EGD, colonoscopy) for known or suspected GI primaries"."""
    rec = item(pathway(preset, primary_site=site, endoscopy_done=True), "endoscopy")
    assert rec.status == "recommended"
    assert rec.done is True


def test_table1_endoscopy_for_nec_should_not_delay_treatment():
    """Table 1, NEC: endoscopy "if possible ... identification of primary should not delay treatment"."""
    assert "delay" in " ".join(item(pathway(NEC), "endoscopy").why).lower()


def test_endoscopy_only_considered_for_an_unknown_primary():
    """Table 1: endoscopy for "known or suspected GI primaries": an unknown primary is at most suspected."""
    assert status(pathway(NEC, primary_site="unknown_primary"), "endoscopy") == "consider"


def test_table1_g3_net_molecular_testing_may_be_considered_lack_of_consensus():
    """Table 1, G3 NET: "MSI/MMR testing may be considered", "Next-generation sequencing may be
    considered"; "there was lack of consensus in regard to its use for G3 NETs"."""
    path = pathway(mmr="proficient", ngs="not_done")
    for code in ("mmr_msi_testing", "ngs"):
        assert item(path, code).status == "consider"
        assert item(path, code).strength == "lack_of_consensus"
    assert item(path, "mmr_msi_testing").done is True
    assert item(path, "ngs").done is False


@pytest.mark.parametrize("extent", ["metastatic", "localized"])
def test_nec_ngs_and_mmr_routinely_by_consensus(extent):
    """Paper: "There was consensus from the group that NGS and MMR testing should be routinely conducted for
    patients with an NEC as this may identify targets for disease-agnostic treatments"; Table 1: "should
    not delay initiation of treatment"."""
    sites = ("liver",) if extent == "metastatic" else ()
    path = pathway(NEC, extent=extent, metastatic_sites=sites, mmr="not_done", ngs="pending")
    for code in ("mmr_msi_testing", "ngs"):
        rec = item(path, code)
        assert rec.status == "recommended"
        assert rec.strength == "consensus"
        assert rec.done is False
        assert "delay" in " ".join(rec.why).lower()
    assert item(pathway(NEC, ngs="done"), "ngs").done is True


# --- Biomarkers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", [{}, NEC], ids=["g3_net", "nec"])
def test_hormone_levels_with_a_clinical_syndrome_by_consensus(preset):
    """Paper: "For patients with a clinical hormonal syndrome, there was consensus that hormone levels
    tailored to the patient's symptoms should be checked at diagnosis and throughout their treatment
    course"."""
    rec = item(pathway(preset, hormonal_syndrome=True), "hormone_levels")
    assert rec.status == "recommended"
    assert rec.strength == "consensus"


def test_no_biomarkers_without_a_syndrome_for_g3_net():
    """Paper: "Initial and subsequent biomarker assessments should only be conducted for patients with a
    hormone-mediated clinical syndrome"."""
    path = pathway(hormonal_syndrome=False)
    assert not offered(path, "hormone_levels")
    assert not offered(path, "chromogranin_a")


def test_no_biomarkers_at_nec_diagnosis_by_consensus():
    """Paper: "there is no role for biomarker evaluation at the time of diagnosis for NEC" (consensus)."""
    rec = item(pathway(NEC), "chromogranin_a")
    assert rec.status == "not_recommended"
    assert rec.strength == "consensus"


def test_hormone_levels_when_syndrome_unknown_are_conditional():
    """Biomarkers "only ... for patients with a hormone-mediated clinical syndrome": when the syndrome is
    not recorded, hormone levels are not recommended outright and the missing fact is named."""
    path = pathway(hormonal_syndrome=None)
    assert status(path, "hormone_levels") == "consider"
    assert "hormonal_syndrome" in {missing.field for missing in path.missing}


def test_ctdna_ctc_is_investigational():
    """Paper: "Blood collection for ctDNA and CTCs remains investigational and should be encouraged in the
    context of clinical trials": never a routine recommendation."""
    for preset in ({}, NEC):
        assert status(pathway(preset), "ctdna_ctc") == "not_recommended"


# --- Pathology -------------------------------------------------------------------------------------------


def test_p53_rb_ihc_is_optional_when_morphology_is_clear():
    """Paper: "Immunohistochemistry (IHC) is useful in these latter cases" (ambiguous morphology); p53/Rb
    "generally support a diagnosis of NEC over G3 NET"."""
    assert status(pathway(), "ihc_p53_rb") == "consider"
    assert status(pathway(differentiation="indeterminate", ki67_percent=60), "ihc_p53_rb") == "recommended"
    assert item(pathway(p53_ihc="wild_type", rb_ihc="retained"), "ihc_p53_rb").done is True
    assert item(pathway(p53_ihc="wild_type", rb_ihc="not_done"), "ihc_p53_rb").done is False


@pytest.mark.parametrize("site", ["ovary", "cervix", "endometrium", "vulva_vagina"])
def test_net_in_the_gynecologic_tract_rules_out_a_gi_primary(site):
    """Paper: "If a NET is found in the gynecologic tract, metastatic disease from a gastrointestinal primary
    should be ruled out"."""
    assert status(pathway(LOCALIZED_NET, primary_site=site), "rule_out_gi_primary") == "recommended"


def test_nec_in_the_gynecologic_tract_does_not_need_a_gi_primary_ruled_out():
    """The rule-out concerns a NET found in the gynecologic tract ("the vast majority will be NEC")."""
    assert "rule_out_gi_primary" not in codes(pathway(LOCALIZED_NEC, primary_site="cervix"))


# --- Re-biopsy at progression -----------------------------------------------------------------------------


def test_no_rebiopsy_of_nec_at_progression_majority():
    """Paper: "In general, there is no reason to re-biopsy NEC on disease progression as this does not
    generally change management (majority)"; Table 3: biopsy "Not indicated" for NEC."""
    rec = item(pathway(NEC, **NEC_PROGRESSED), "rebiopsy")
    assert rec.status == "not_recommended"
    assert rec.strength == "majority"


@pytest.mark.parametrize(
    "trigger", [{"disease_pace": "rapid"}, {"discordant_lesion_growth": True}], ids=["pace", "one_lesion"]
)
def test_rebiopsy_of_g3_net_when_pace_escalates_or_one_lesion_outgrows(trigger):
    """Paper: "It is reasonable to re-biopsy G3 NET patients, particularly if there is an escalation in the
    pace of the disease or if one lesion seems to be growing faster than others and the majority of the group
    agreed"."""
    rec = item(pathway(**PROGRESSED, **trigger), "rebiopsy")
    assert rec.status == "recommended"
    assert rec.strength == "majority"


def test_rebiopsy_of_g3_net_is_reasonable_without_a_trigger():
    """Paper: "It is reasonable to re-biopsy G3 NET patients" (majority): an option, not a must, without a
    trigger."""
    rec = item(pathway(**PROGRESSED), "rebiopsy")
    assert rec.status == "consider"
    assert rec.strength == "majority"


def test_rebiopsy_is_not_a_baseline_item():
    """Re-biopsy concerns "disease progression"; a new case has no re-biopsy item."""
    assert "rebiopsy" not in codes(pathway())
    assert "rebiopsy" not in codes(pathway(NEC))


def test_progressive_g3_net_ngs_encouraged_in_the_refractory_setting():
    """Paper: "the panel encourages the use of NGS for patients with G3 NETs as another tool to guide therapy
    in the refractory setting"."""
    rec = item(pathway(ngs="not_done", **PROGRESSED), "ngs")
    assert rec.status == "recommended"
    assert rec.done is False


def test_progressive_g3_net_without_sstr_imaging_needs_it_before_prrt():
    """SSTR imaging "will be required if 177Lu-DOTATATE is being considered as a treatment option"."""
    assert status(pathway(sstr_imaging=None, **PROGRESSED), "sstr_pet") == "recommended"


# --- CNS imaging -------------------------------------------------------------------------------------------


def test_no_routine_brain_imaging_for_asymptomatic_nec_with_low_burden():
    """Paper: "routine brain imaging is not indicated for asymptomatic patients with NEC or in those with a
    low volume of systemic disease (consensus)"."""
    rec = item(pathway(NEC, cns_symptoms=False, high_systemic_burden=False), "brain_mri")
    assert rec.status == "not_recommended"
    assert rec.strength == "consensus"


@pytest.mark.parametrize("preset", [{}, NEC], ids=["g3_net", "nec"])
def test_brain_imaging_indicated_when_symptomatic(preset):
    """Paper: "CNS imaging is indicated in symptomatic patients"."""
    assert status(pathway(preset, cns_symptoms=True), "brain_mri") == "recommended"


@pytest.mark.parametrize("preset", [{}, NEC], ids=["g3_net", "nec"])
def test_brain_imaging_may_be_considered_with_high_burden(preset):
    """CNS imaging "may be considered in patients with high disease burden"; Table 1 NEC: "MRI brain for
    high systemic burden"."""
    assert status(pathway(preset, cns_symptoms=False, high_systemic_burden=True), "brain_mri") == "consider"


def test_no_baseline_brain_imaging_for_g3_net_majority():
    """Paper: "For patients with a G3 NET, the majority of the panel felt that baseline CNS imaging was not
    indicated"."""
    rec = item(pathway(cns_symptoms=False, high_systemic_burden=False), "brain_mri")
    assert rec.status == "not_recommended"
    assert rec.strength == "majority"


def test_nec_monitoring_brain_mri_with_high_burden():
    """Table 3, NEC: "MRI brain if high systemic disease burden or if symptomatic"."""
    path = pathway(NEC, high_systemic_burden=True, **NEC_PROGRESSED)
    assert offered(path, "brain_mri")


# --- Cardiac and hereditary --------------------------------------------------------------------------------


def test_suspected_carcinoid_syndrome_5hiaa_then_echo_if_elevated():
    """Paper: "In cases of suspected carcinoid syndrome, tumor production of serotonin should be investigated,
    either with plasma or urinary 5-HIAA and if elevated, an echocardiogram should be performed"."""
    path = pathway(primary_site="small_bowel", carcinoid_syndrome_suspected=True, hiaa_5_elevated=True)
    assert status(path, "hiaa_5") == "recommended"
    assert item(path, "hiaa_5").done is True
    assert status(path, "echocardiogram") == "recommended"
    normal = pathway(primary_site="small_bowel", carcinoid_syndrome_suspected=True, hiaa_5_elevated=False)
    assert not offered(normal, "echocardiogram")
    pending = pathway(primary_site="small_bowel", carcinoid_syndrome_suspected=True, hiaa_5_elevated=None)
    assert item(pending, "hiaa_5").done is False
    assert status(pending, "echocardiogram") != "recommended"


@pytest.mark.parametrize("preset", [{}, NEC], ids=["g3_net", "nec"])
def test_no_routine_cardiac_evaluation(preset):
    """Paper: "carcinoid heart disease among all patients with G3 NENs is expected to be rare. Routine cardiac
    evaluation and/or monitoring is therefore not recommended"."""
    path = pathway(preset, carcinoid_syndrome_suspected=False)
    assert status(path, "echocardiogram") == "not_recommended"
    assert not offered(path, "hiaa_5")


@pytest.mark.parametrize("preset", [{}, NEC, LOCALIZED_NET], ids=["g3_net", "nec", "localized"])
def test_no_routine_germline_testing(preset):
    """Paper: "the panel does not recommend routine genetic evaluation based solely on the diagnosis of a G3
    NEN"."""
    assert status(pathway(preset), "germline_testing") == "not_recommended"
