"""Departures from the paper found in review (issue 12, part 3, items a-h), each checked against its words.

Every docstring quotes the NANETS 2023 paper exactly (whitespace aside); docs/traceability.md section 15
maps each item to its rule.
"""

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

OVARY_NET = {"primary_site": "ovary", **LOCALIZED_NET}
AFTER_EP = {"prior_systemic_therapy": [prior("platinum_etoposide", best_response="SD")]}
AFTER_CAPTEM = {"prior_systemic_therapy": [prior("captem", best_response="PR")]}


def missing_fields(path):
    """Names of the facts the pathway asks for."""
    return {entry.field for entry in path.missing}


def all_text(path):
    """Every note and reason line of a pathway, lower-cased, for wording checks."""
    lines = [*path.notes, *path.classification.notes]
    for rec in path.recommendations:
        lines.extend(rec.why)
        lines.append(rec.evidence or "")
    return " ".join(lines).lower()


# --- a. Well-differentiated morphology with NEC features ----------------------------------------------------


@pytest.mark.parametrize(
    ("p53", "rb"), [("aberrant", "retained"), ("wild_type", "lost"), ("aberrant", "lost")]
)
def test_a_well_differentiated_with_mutant_p53_or_rb_loss_is_unresolved(p53, rb):
    """Paper: "Mutant-pattern p53 staining and/or Rb loss generally support a diagnosis of NEC over G3 NET";
    "FDG-PET is indicated if there is a lack of clarity between G3 NET and NEC". The G3 NET-only advice ("the
    majority of the panel felt that this was not an appropriate front-line chemotherapy regimen") is never
    shown for a tumour that may be a NEC."""
    path = pathway(ki67_percent=30, p53_ihc=p53, rb_ihc=rb)
    assert path.classification.code == "high_grade_indeterminate"
    assert "discordant" in path.classification.flags
    assert "platinum_etoposide" not in codes(path)
    assert status(path, "fdg_pet") == "recommended"
    assert status(path, "expert_pathology_review") == "recommended"


@pytest.mark.parametrize("morphology", ["small_cell", "large_cell"])
@pytest.mark.parametrize("ki67", [15, 30, 70])
def test_a_well_differentiated_with_small_or_large_cell_morphology_is_unresolved(morphology, ki67):
    """Paper: "G3 NETs are well-differentiated while NECs are poorly differentiated and include small-cell and
    large-cell variants": a record with both is contradictory, high grade or not, and gets review and FDG-PET
    rather than a G3 NET plan (or a low-grade one)."""
    path = pathway(ki67_percent=ki67, morphology=morphology)
    assert path.classification.code == "high_grade_indeterminate"
    assert "discordant" in path.classification.flags
    assert not {"platinum_etoposide", "captem", "ssa"} & set(codes(path))
    assert status(path, "fdg_pet") == "recommended"
    assert status(path, "expert_pathology_review") == "recommended"


def test_a_confirmed_g3_net_with_nec_pattern_ihc_gets_no_advice_against_platinum():
    """Paper: "The presence of a lower grade (i.e. G1/2) NET component confirms the diagnosis of G3 NET",
    while p53/Rb are "supportive of but not diagnostic for the diagnosis of NEC": the G3 NET stands, flagged,
    with FDG-PET and review, and no "not an appropriate front-line chemotherapy regimen" line for platinum."""
    path = pathway(ki67_percent=30, p53_ihc="aberrant", rb_ihc="lost", lower_grade_component=True)
    assert path.classification.code == "g3_net"
    assert "discordant" in path.classification.flags
    assert "platinum_etoposide" not in codes(path)
    assert any("platinum" in note for note in path.notes)
    assert status(path, "fdg_pet") == "recommended"
    assert status(path, "expert_pathology_review") == "recommended"


def test_a_discordant_case_after_progression_still_gets_fdg_pet_and_review():
    """Paper: "FDG-PET is indicated if there is a lack of clarity between G3 NET and NEC": the lack of clarity
    does not end with the first line of treatment."""
    path = pathway(ki67_percent=30, p53_ihc="aberrant", **AFTER_CAPTEM)
    assert path.decision_point.code == "after_progression"
    assert status(path, "fdg_pet") == "recommended"
    assert status(path, "expert_pathology_review") == "recommended"


# --- b. NET in the gynecologic tract ------------------------------------------------------------------------


@pytest.mark.parametrize("site", ["ovary", "cervix", "endometrium"])
def test_b_net_in_the_gynecologic_tract_gets_endoscopy(site):
    """Paper: "If a NET is found in the gynecologic tract, metastatic disease from a gastrointestinal primary
    should be ruled out"; Table 1: "Endoscopic evaluation (EGD, colonoscopy) for known or suspected GI
    primaries"."""
    rec = item(pathway(OVARY_NET, primary_site=site), "endoscopy")
    assert rec.status == "recommended"
    assert rec.done is None
    assert item(pathway(OVARY_NET, primary_site=site, endoscopy_done=True), "endoscopy").done is True


def test_b_nec_in_the_gynecologic_tract_gets_no_endoscopy():
    """Paper: "When it comes to the gynecologic tract, the vast majority will be NEC as opposed to NETs": the
    GI primary is to be ruled out only "If a NET is found in the gynecologic tract"."""
    path = pathway(NEC, primary_site="cervix", extent="localized", metastatic_sites=(), figo_stage="IB1")
    assert "endoscopy" not in codes(path)


# --- c. BRAF inhibitors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", [{}, AFTER_EP], ids=["front_line", "later_line"])
def test_c_braf_inhibitor_never_offered_for_nec(decision):
    """Paper: "Reports about BRAF inhibitors (+/− MEK inhibitors) in BRAF-mutated colorectal NECs are
    available (Klempner et al. 2016, Burkart et al. 2018); however, the use of BRAF inhibitors, MEK
    inhibitors, everolimus, and sunitinib are not approved for treatment of NEC"."""
    path = pathway(NEC, braf_v600e=True, **decision)
    rec = item(path, "braf_inhibitor")
    assert rec.status == "not_recommended"
    assert any("colorectal" in note for note in path.notes)


def test_c_braf_inhibitor_for_g3_net_is_left_out_as_the_paper_is_silent():
    """Paper, G3 NET targeted therapies name only "everolimus and sunitinib" and "agnostic targeted therapies
    (Drilon et al. 2018)": no BRAF inhibitor for G3 NET, and the pathway says the paper is silent."""
    path = pathway(braf_v600e=True, **AFTER_CAPTEM)
    assert "braf_inhibitor" not in codes(path)
    assert any("silent on braf" in note.lower() for note in path.notes)


# --- d. Liver-directed therapy in NEC -----------------------------------------------------------------------


@pytest.mark.parametrize("decision", [{}, AFTER_EP], ids=["front_line", "later_line"])
def test_d_liver_directed_therapy_in_nec_is_not_an_option(decision):
    """Paper: "No data exist that would justify the use of liver-directed therapy in NEC. However, there was a
    lack of consensus from the group in regard to its role in this patient population": listed with the vote,
    never as an option to consider."""
    rec = item(pathway(NEC, metastatic_sites=["liver"], **decision), "liver_directed_therapy")
    assert rec.status == "not_recommended"
    assert rec.strength == "lack_of_consensus"
    assert "no data exist that would justify" in " ".join(rec.why).lower()


# --- e. G3 NET with extrahepatic metastases -----------------------------------------------------------------


@pytest.mark.parametrize("other", ["bone", "lung", "peritoneum", "distant_lymph_nodes", "other"])
def test_e_any_extrahepatic_metastasis_is_handled_like_bone(other):
    """Paper: "In G3 NET with Ki-67 >55%, and in patients with extrahepatic metastases, especially bone, a
    systemic treatment is preferred": every extrahepatic site gets the same item; "preferred" ranks the
    options, so liver-directed therapy stays an option (not recommended, not ruled out) and the reason says
    the systemic treatment is preferred."""
    rec = item(
        pathway(ki67_percent=30, metastatic_sites=["liver", other], liver_dominant=True),
        "liver_directed_therapy",
    )
    bone = item(
        pathway(ki67_percent=30, metastatic_sites=["liver", "bone"], liver_dominant=True),
        "liver_directed_therapy",
    )
    assert (rec.status, rec.strength) == (bone.status, bone.strength) == ("consider", "not_voted")
    assert "a systemic treatment is preferred" in rec.why[0]


def test_e_liver_only_disease_keeps_the_consensus():
    """Paper: "liver-directed therapy for metastatic G3 NET is considered a valid therapy similar to G2 NET if
    Ki-67 is <55%"; "There was consensus that the use of liver-directed therapy in G3 NET is warranted"."""
    rec = item(pathway(ki67_percent=30, metastatic_sites=["liver"]), "liver_directed_therapy")
    assert (rec.status, rec.strength) == ("consider", "consensus")
    assert "preferred" not in " ".join(rec.why)


# --- f. Platinum re-treatment in NEC ------------------------------------------------------------------------


def _after_platinum(**line):
    return pathway(NEC, prior_systemic_therapy=[prior("platinum_etoposide", **line)])


@pytest.mark.parametrize("months", [1, 3, 5.9])
def test_f_short_response_gets_no_consensus_rechallenge(months):
    """Paper: "There was consensus from the group that retreatment with platinum-based therapy can be
    considered in patients who experience a durable response to therapy and progression during a break from
    treatment": a partial response with progression after a month or a few is not durable."""
    path = _after_platinum(best_response="PR", months_to_progression=months, progressed_off_treatment=True)
    assert "platinum_rechallenge" not in codes(path)
    assert any("durable" in note for note in path.notes)


def test_f_durable_response_with_progression_during_a_break_gets_rechallenge():
    """Paper: "Depending on the timeline, re-treatment with platinum and etoposide is an option"."""
    path = _after_platinum(best_response="PR", months_to_progression=9, progressed_off_treatment=True)
    rec = item(path, "platinum_rechallenge")
    assert (rec.status, rec.strength, rec.line) == ("consider", "consensus", 2)


def test_f_unknown_duration_is_asked_for():
    """Paper: re-treatment needs "a durable response to therapy": without the time to progression the engine
    cannot tell, so it asks for it and lists no re-challenge."""
    path = _after_platinum(best_response="CR", months_to_progression=None, progressed_off_treatment=True)
    assert "platinum_rechallenge" not in codes(path)
    assert "prior_systemic_therapy.months_to_progression" in missing_fields(path)


def test_f_the_last_platinum_course_decides():
    """Paper: "a durable response to therapy and progression during a break from treatment": a first durable
    response does not carry over once a platinum re-challenge has itself failed."""
    path = pathway(
        NEC,
        prior_systemic_therapy=[
            prior(
                "platinum_etoposide",
                best_response="PR",
                months_to_progression=9,
                progressed_off_treatment=True,
            ),
            prior(
                "platinum_rechallenge",
                best_response="PD",
                months_to_progression=2,
                progressed_off_treatment=False,
            ),
        ],
    )
    assert "platinum_rechallenge" not in codes(path)


# --- g. Smaller departures ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "strength"),
    [("pancreas", "majority"), ("small_bowel", "majority"), ("rectum", "majority"), ("stomach", "not_voted")],
)
def test_g_captem_strength_by_site(site, strength):
    """Paper: "The majority of the group felt that CAPTEM was an appropriate front-line option particularly
    for patients with pancreatic primaries although patients with a G3 NET of the bowel may also benefit
    (despite data for this regimen in bowel primaries being less strong)"."""
    rec = item(pathway(primary_site=site), "captem")
    assert (rec.status, rec.strength) == ("consider", strength)
    if site == "small_bowel":
        assert "less strong" in " ".join(rec.why)


@pytest.mark.parametrize("preset", [{}, NEC, LOCALIZED_NEC], ids=["g3_net", "nec", "localized_nec"])
def test_g_ctdna_ctc_only_in_clinical_trials(preset):
    """Paper: "Blood collection for ctDNA and CTCs remains investigational and should be encouraged in the
    context of clinical trials": not a routine work-up item, named with the trials."""
    path = pathway(preset)
    assert status(path, "ctdna_ctc") == "not_recommended"
    assert any("ctdna" in reason.lower() for reason in item(path, "clinical_trial").why)


def test_g_brain_mri_for_metastatic_nec_with_unknown_burden_asks_for_it():
    """Table 1 (NEC): "MRI brain for high systemic burden and/or if symptomatic": an asymptomatic patient with
    distant disease of unrecorded burden may still need it, so the burden is asked for."""
    path = pathway(NEC, cns_symptoms=False, high_systemic_burden=None)
    assert status(path, "brain_mri") == "consider"
    assert "high_systemic_burden" in missing_fields(path)


def test_g_brain_mri_for_localized_nec_uses_the_extent():
    """Paper: "routine brain imaging is not indicated for asymptomatic patients with NEC or in those with a
    low volume of systemic disease (consensus)": without distant disease the burden is low even when
    unrecorded."""
    rec = item(pathway(LOCALIZED_NEC, cns_symptoms=False, high_systemic_burden=None), "brain_mri")
    assert (rec.status, rec.strength) == ("not_recommended", "consensus")
    unknown_symptoms = pathway(LOCALIZED_NEC, cns_symptoms=None, high_systemic_burden=None)
    assert status(unknown_symptoms, "brain_mri") == "not_recommended"
    assert "cns_symptoms" in missing_fields(unknown_symptoms)


def test_g_brain_mri_for_nec_with_high_burden_or_symptoms():
    """Table 1 (NEC): "MRI brain for high systemic burden and/or if symptomatic"; "CNS imaging is indicated in
    symptomatic patients and may be considered in patients with high disease burden"."""
    assert status(pathway(NEC, cns_symptoms=True), "brain_mri") == "recommended"
    assert status(pathway(NEC, cns_symptoms=False, high_systemic_burden=True), "brain_mri") == "consider"


def test_g_netter2_is_not_an_enrollable_trial():
    """Paper: "The randomized clinical trial NETTER-2 evaluated the role of PRRT in G2/3
    gastroenteropancreatic NETs with a Ki-67 index of ≥10 to ≤55% and completed accrual in late 2022
    (NCT03972488). The COMPOSE trial is investigating 177Lu-Edotreotide vs best standard of care"."""
    path = pathway(sstr_imaging="high_homogeneous", **AFTER_CAPTEM)
    trials = " ".join(item(path, "clinical_trial").why)
    assert "NETTER-2" not in trials
    assert "COMPOSE" in trials
    assert "completed accrual in late 2022" in (item(path, "prrt").evidence or "")


@pytest.mark.parametrize(
    "case",
    [
        dict(NEC),
        dict(LOCALIZED_NEC),
        {**NEC, "prior_systemic_therapy": [prior("folfiri", best_response="SD")]},
        {
            **NEC,
            "prior_systemic_therapy": [
                prior(
                    "platinum_etoposide",
                    best_response="PR",
                    months_to_progression=9,
                    progressed_off_treatment=True,
                )
            ],
        },
        {"ki67_percent": 70},
        {**NEC, "primary_site": "cervix", "figo_stage": "IVB"},
    ],
    ids=[
        "metastatic_nec",
        "localized_nec",
        "nec_after_folfiri",
        "nec_rechallenge",
        "g3_net_ki67_70",
        "cervix_ivb",
    ],
)
def test_g_etoposide_unsuitable_means_no_platinum_etoposide(case):
    """Paper: "If the ability to deliver etoposide is hampered, carboplatin and paclitaxel is an acceptable
    alternative"; "There was consensus that platinum plus irinotecan is a reasonable alternative front-line
    chemotherapy option for NEC": a patient who cannot have etoposide is never offered it."""
    path = pathway(case, etoposide_unsuitable=True)
    assert not offered(path, "platinum_etoposide")
    assert not offered(path, "platinum_rechallenge")


def test_g_etoposide_unsuitable_metastatic_nec_keeps_platinum_irinotecan():
    """Paper: "There was consensus that platinum plus irinotecan is a reasonable alternative front-line
    chemotherapy option for NEC"."""
    for decision in ({}, {"prior_systemic_therapy": [prior("folfiri", best_response="SD")]}):
        rec = item(pathway(NEC, etoposide_unsuitable=True, **decision), "platinum_irinotecan")
        assert (rec.status, rec.strength) == ("consider", "consensus")


@pytest.mark.parametrize("finding", [{"mmr": "deficient"}, {"tmb_high": True}], ids=["dmmr", "tmb_high"])
def test_g_dmmr_g3_net_immunotherapy_items_agree(finding):
    """Paper: "There was consensus that single- or dual-agent immunotherapy is appropriate in patients with
    DNA MMR deficiency or high tumor mutational burden"; "The role of immunotherapy in G3 NET is not supported
    by data at this time" concerns unselected G3 NET, so it is not shown against the agnostic item."""
    for decision in ({}, AFTER_CAPTEM):
        path = pathway(**finding, **decision)
        assert status(path, "ici_single_agent") != "not_recommended"
        assert status(path, "ici_dual") != "not_recommended"
    assert offered(pathway(**finding, **AFTER_CAPTEM), "ici_dmmr_tmb")
    unselected = pathway(mmr="proficient", **AFTER_CAPTEM)
    assert status(unselected, "ici_single_agent") == status(unselected, "ici_dual") == "not_recommended"


def test_g_dmmr_nec_single_agent_immunotherapy_is_not_advised_against():
    """Paper: "Current data do not support the use of single-agent immune checkpoint inhibitors in G3 NECs"
    but "single- or dual-agent immunotherapy is appropriate in patients with DNA MMR deficiency"."""
    path = pathway(NEC, mmr="deficient", **AFTER_EP)
    assert offered(path, "ici_dmmr_tmb")
    assert status(path, "ici_single_agent") != "not_recommended"


@pytest.mark.parametrize("preset", [LOCALIZED_NEC, LOCALIZED_NET], ids=["nec", "g3_net"])
def test_g_table3_monitoring_after_any_progression(preset):
    """Table 3: "Monitoring assessments for patients being treated for a metastatic G3 neuroendocrine
    neoplasm": progression on systemic therapy is managed with the metastatic options, and monitored so."""
    regimen = "platinum_etoposide" if preset is LOCALIZED_NEC else "captem"
    path = pathway(preset, prior_systemic_therapy=[prior(regimen, best_response="SD")])
    assert path.decision_point.code == "after_progression"
    assert path.followup.kind == "monitoring"


# --- h. Evidence lines --------------------------------------------------------------------------------------


def test_h_ea2142_evidence_is_a_mixed_cohort_where_platinum_etoposide_had_the_longer_pfs():
    """Paper: "63 patients with a non-small-cell gastroenteropancreatic G3 NEN (21 G3 NET, 36 NEC, 5 unknown)
    received either platinum and etoposide or CAPTEM. PFS with CAPTEM was not superior to platinum and
    etoposide at 3.45 vs 5.36 months. OS with CAPTEM was slightly better than platinum and etoposide at 12.6
    vs 10.6 months"."""
    evidence = item(pathway(), "captem").evidence or ""
    for figure in (
        "21 G3 NET, 36 NEC, 5 unknown",
        "3.45 months with CAPTEM vs 5.36 months with",
        "12.6 vs 10.6",
    ):
        assert figure in evidence


def test_h_dual_immunotherapy_evidence_includes_nipinec_and_the_dart_high_grade_cohort():
    """Paper: "In a cohort of 18 patients with non-pancreatic NENs, a response rate of 44% and a median PFS of
    4 months were observed. In a cohort of DART patients with high-grade NENs ... the response rate was 26%";
    NIPINEC: "The overall response rate at 8 weeks and the median OS in the nivo vs combination therapy group
    were 7.5% and 7.2 months vs 14.9% and 5.8 months, respectively"."""
    evidence = item(pathway(NEC, **AFTER_EP), "ici_dual").evidence or ""
    for figure in ("44%", "26%", "NIPINEC", "14.9%", "7.5%", "5.8 vs 7.2 months", "13-15%"):
        assert figure in evidence


def test_h_no_evidence_line_names_netter2_as_open():
    """Paper: NETTER-2 "completed accrual in late 2022"."""
    for case in ({}, {"sstr_imaging": "high_homogeneous", **AFTER_CAPTEM}):
        text = all_text(pathway(**case))
        assert "netter-2" not in text or "completed accrual" in text
