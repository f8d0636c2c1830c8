"""Initial assessment (Table 1), biomarkers, re-biopsy, cardiac and hereditary work-up."""

from __future__ import annotations

from guidelines.engine import sections
from guidelines.engine.classification import G3_NET, INDETERMINATE, NEC
from guidelines.engine.context import GASTROINTESTINAL_SITES, Context
from guidelines.engine.pathway import Plan

SSTR_RESULTS = ("negative", "low_or_heterogeneous", "high_homogeneous")
# Sites an EGD or colonoscopy can reach ("known or suspected GI primaries", Table 1).
ENDOSCOPY_SITES = GASTROINTESTINAL_SITES - {"liver"}


def _unclear_type(ctx: Context) -> bool:
    """G3 NET vs NEC is not settled, or the findings disagree."""
    return ctx.classification.code == INDETERMINATE or "discordant" in ctx.classification.flags


def _net_in_gynecologic_tract(ctx: Context) -> bool:
    """A (well-differentiated) NET in the gynecologic tract, where a GI primary is suspected."""
    well = ctx.classification.code == G3_NET or ctx.facts.differentiation == "well"
    return ctx.site_group == "gynecologic" and well


def add_workup(ctx: Context, plan: Plan) -> None:
    """Add the work-up items for this decision point."""
    facts = ctx.facts
    if ctx.new_case:
        _pathology(ctx, plan)
        _imaging(ctx, plan)
        _molecular(ctx, plan, sections.BIOMARKERS)
        _biomarkers(ctx, plan)
        plan.add(
            "germline_testing",
            "not_recommended",
            "not_voted",
            sections.HEREDITARY,
            ["The panel does not recommend routine genetic evaluation based solely on a G3 NEN diagnosis"],
        )
        # "Blood collection for ctDNA and CTCs remains investigational and should be encouraged in the
        # context of clinical trials": not part of the routine work-up (clinical_trial names it).
        plan.add(
            "ctdna_ctc",
            "not_recommended",
            "not_voted",
            sections.BIOMARKERS,
            [
                "Not routine work-up: ctDNA and CTCs remain investigational",
                "Blood collection is encouraged only in the context of clinical trials",
            ],
        )
    else:
        _at_progression(ctx, plan)
        if facts.hormonal_syndrome:
            plan.add(
                "hormone_levels",
                "recommended",
                "consensus",
                sections.BIOMARKERS,
                ["Hormone-mediated syndrome: levels checked throughout the treatment course"],
            )
    _brain_imaging(ctx, plan)
    _cardiac(ctx, plan)


def _pathology(ctx: Context, plan: Plan) -> None:
    facts = ctx.facts
    code = ctx.classification.code
    ki67_why = (
        ["Ki-67 IHC is predictive and prognostic in NEC"]
        if code == NEC
        else ["Ki-67 IHC is mandatory for grading a NET (Ki-67 > 20% defines G3)"]
    )
    plan.add(
        "ki67_ihc",
        "recommended",
        "not_voted",
        sections.PATHOLOGY,
        [*ki67_why, ctx.ki67_text()],
        done=facts.ki67_percent is not None,
    )
    p53_rb_done = facts.p53_ihc in ("wild_type", "aberrant") and facts.rb_ihc in ("retained", "lost")
    if _unclear_type(ctx):
        plan.add(
            "ihc_p53_rb",
            "recommended",
            "not_voted",
            sections.PATHOLOGY_MOLECULAR,
            ["G3 NET vs NEC unclear: mutant-pattern p53 and/or Rb loss support NEC"],
            done=p53_rb_done,
        )
        plan.add(
            "expert_pathology_review",
            "recommended",
            "not_voted",
            sections.PATHOLOGY_MOLECULAR,
            ["Differentiation unresolved or findings contradictory; the distinction changes management"],
        )
    else:
        plan.add(
            "ihc_p53_rb",
            "consider",
            "not_voted",
            sections.PATHOLOGY_MOLECULAR,
            ["Useful where morphology is ambiguous; mutant-pattern p53 and/or Rb loss support NEC"],
            done=p53_rb_done,
        )
    if _net_in_gynecologic_tract(ctx):
        plan.add(
            "rule_out_gi_primary",
            "recommended",
            "not_voted",
            sections.GYNECOLOGIC_LOCALIZED,
            ["Well-differentiated NET found in the gynecologic tract: rule out metastasis from a GI primary"],
        )


def _imaging(ctx: Context, plan: Plan) -> None:
    facts = ctx.facts
    code = ctx.classification.code
    plan.add(
        "ct_mri_multiphase",
        "recommended",
        "not_voted",
        sections.TABLE_1,
        ["Every patient with a G3 NET or NEC needs anatomical imaging at diagnosis"],
        done=facts.ct_mri_done,
    )
    sstr_done = facts.sstr_imaging in SSTR_RESULTS
    if code == G3_NET:
        plan.add(
            "sstr_pet",
            "recommended",
            "consensus",
            sections.IMAGING_FUNCTIONAL,
            ["G3 NET: SSTR imaging at baseline for all (needed before SSA or 177Lu-DOTATATE)"],
            done=sstr_done,
        )
    elif code == NEC:
        plan.add(
            "sstr_pet",
            "not_recommended",
            "consensus",
            sections.IMAGING_FUNCTIONAL,
            ["NEC: baseline SSTR imaging should not be obtained for a newly diagnosed NEC"],
            done=sstr_done,
        )
    else:
        plan.add(
            "sstr_pet",
            "consider",
            "not_voted",
            sections.IMAGING_FUNCTIONAL,
            ["G3 NET vs NEC unclear: SSTR and FDG imaging give complementary information"],
            done=sstr_done,
        )
    fdg_done = facts.fdg_pet in ("negative", "positive")
    if _unclear_type(ctx):
        plan.add(
            "fdg_pet",
            "recommended",
            "not_voted",
            sections.IMAGING_FUNCTIONAL,
            ["FDG-PET is indicated when it is unclear whether the tumour is a G3 NET or a NEC"],
            done=fdg_done,
        )
    elif facts.disease_pace == "rapid":
        plan.add(
            "fdg_pet",
            "recommended",
            "not_voted",
            sections.IMAGING_FUNCTIONAL,
            ["Disease disproportionately aggressive: FDG-PET is indicated"],
            done=fdg_done,
        )
    else:
        plan.add(
            "fdg_pet",
            "consider",
            "lack_of_consensus",
            sections.IMAGING_FUNCTIONAL,
            ["If indicated; no consensus on FDG-PET at baseline for every G3 NET or NEC"],
            done=fdg_done,
        )
    if facts.primary_site in ENDOSCOPY_SITES:
        why = [f"Known GI primary ({ctx.site_label})"]
        if code == NEC:
            why.append("Finding the primary should not delay treatment")
        plan.add("endoscopy", "recommended", "not_voted", sections.TABLE_1, why, done=facts.endoscopy_done)
    elif _net_in_gynecologic_tract(ctx):
        plan.add(
            "endoscopy",
            "recommended",
            "not_voted",
            sections.TABLE_1,
            [
                "NET found in the gynecologic tract: metastatic disease from a GI primary should be ruled out",
                "Table 1: endoscopic evaluation (EGD, colonoscopy) for known or suspected GI primaries",
            ],
            done=facts.endoscopy_done,
        )
    elif facts.primary_site == "unknown_primary":
        plan.add(
            "endoscopy",
            "consider",
            "not_voted",
            sections.TABLE_1,
            ["Unknown primary: endoscopy if a GI primary is suspected; it should not delay treatment"],
            done=facts.endoscopy_done,
        )


def _molecular(ctx: Context, plan: Plan, source: str) -> None:
    facts = ctx.facts
    code = ctx.classification.code
    mmr_done = facts.mmr in ("proficient", "deficient")
    ngs_done = facts.ngs == "done"
    pending = ["NGS result pending"] if facts.ngs == "pending" else []
    if code == NEC:
        why = ["NEC: NGS and MMR testing routinely (targets for disease-agnostic therapy)"]
        why.append("Should not delay the start of treatment")
        plan.add("mmr_msi_testing", "recommended", "consensus", source, why, done=mmr_done)
        plan.add("ngs", "recommended", "consensus", source, [*why, *pending], done=ngs_done)
        return
    if code == G3_NET and not ctx.new_case:
        plan.add(
            "ngs",
            "recommended",
            "not_voted",
            sections.NET_TARGETED,
            [
                "Progressive G3 NET: the panel encourages NGS to guide therapy in the refractory setting",
                *pending,
            ],
            done=ngs_done,
        )
        return
    label = "G3 NET" if code == G3_NET else "G3 NET vs NEC unclear"
    why = [f"{label}: no consensus on routine NGS/MMR testing (routine for NEC)"]
    if not ctx.metastatic:
        why.append("Table 1 lists these tests when metastatic disease is present")
    strength = "lack_of_consensus" if code == G3_NET else "not_voted"
    plan.add("mmr_msi_testing", "consider", strength, source, why, done=mmr_done)
    plan.add("ngs", "consider", strength, source, [*why, *pending], done=ngs_done)


def _biomarkers(ctx: Context, plan: Plan) -> None:
    facts = ctx.facts
    if facts.hormonal_syndrome:
        plan.add(
            "hormone_levels",
            "recommended",
            "consensus",
            sections.BIOMARKERS,
            [
                "Hormone-mediated clinical syndrome: levels tailored to the symptoms, at diagnosis and during treatment"
            ],
        )
    elif facts.hormonal_syndrome is None:
        plan.need("hormonal_syndrome", "Hormone levels are checked only when a hormonal syndrome is present")
        plan.add(
            "hormone_levels",
            "consider",
            "consensus",
            sections.BIOMARKERS,
            ["Only if a hormone-mediated syndrome is present (not recorded)"],
        )
    if ctx.classification.code == NEC:
        plan.add(
            "chromogranin_a",
            "not_recommended",
            "consensus",
            sections.BIOMARKERS,
            ["NEC: no role for biomarker evaluation at diagnosis"],
        )
    elif facts.hormonal_syndrome:
        plan.add(
            "chromogranin_a",
            "consider",
            "not_voted",
            sections.BIOMARKERS,
            ["Biomarkers are assessed only with a hormone-mediated syndrome, and never used alone"],
        )
    else:
        plan.add(
            "chromogranin_a",
            "not_recommended",
            "lack_of_consensus",
            sections.BIOMARKERS,
            [
                "No hormone-mediated syndrome recorded: biomarkers only with a syndrome",
                "No consensus to evaluate biomarkers at initial assessment of a G3 NET",
            ],
        )


def _at_progression(ctx: Context, plan: Plan) -> None:
    facts = ctx.facts
    code = ctx.classification.code
    if code == NEC:
        plan.add(
            "rebiopsy",
            "not_recommended",
            "majority",
            sections.BIOPSY,
            ["NEC: re-biopsy at progression does not generally change management"],
        )
        _molecular(ctx, plan, sections.BIOMARKERS)
        return
    if _unclear_type(ctx):
        # The distinction "changes management" at every decision point, not only at diagnosis.
        plan.add(
            "expert_pathology_review",
            "recommended",
            "not_voted",
            sections.PATHOLOGY_MOLECULAR,
            ["Differentiation unresolved or findings contradictory; the distinction changes management"],
        )
        plan.add(
            "fdg_pet",
            "recommended",
            "not_voted",
            sections.IMAGING_FUNCTIONAL,
            ["FDG-PET is indicated when it is unclear whether the tumour is a G3 NET or a NEC"],
            done=facts.fdg_pet in ("negative", "positive"),
        )
    if code != G3_NET:
        return
    triggers = []
    if facts.disease_pace == "rapid":
        triggers.append("Escalation in the pace of disease")
    if facts.discordant_lesion_growth:
        triggers.append("One lesion growing faster than the others")
    plan.add(
        "rebiopsy",
        "recommended" if triggers else "consider",
        "majority",
        sections.BIOPSY,
        [
            *triggers,
            "G3 NET: re-biopsy is reasonable and may change treatment (transformation to NEC would)",
        ],
    )
    _molecular(ctx, plan, sections.NET_TARGETED)
    if facts.sstr_imaging not in SSTR_RESULTS:
        plan.add(
            "sstr_pet",
            "recommended",
            "consensus",
            sections.IMAGING_FUNCTIONAL,
            ["No SSTR imaging recorded: required before 177Lu-DOTATATE (PRRT) is considered"],
            done=False,
        )
    if triggers and not plan.has("fdg_pet"):
        plan.add(
            "fdg_pet",
            "consider",
            "not_voted",
            sections.MONITORING,
            [*triggers, "FDG-PET as indicated; the more aggressive element should guide treatment"],
            done=facts.fdg_pet in ("negative", "positive"),
        )


def _brain_imaging(ctx: Context, plan: Plan) -> None:
    facts = ctx.facts
    code = ctx.classification.code
    done = True if ctx.brain_metastases else None
    if facts.cns_symptoms:
        plan.add(
            "brain_mri",
            "recommended",
            "not_voted",
            sections.IMAGING_CNS,
            ["CNS symptoms: CNS imaging is indicated in symptomatic patients"],
            done=done,
        )
    elif ctx.brain_metastases:
        plan.add(
            "brain_mri",
            "recommended",
            "not_voted",
            sections.BRAIN,
            ["Brain metastases known: MRI defines their number for SRS vs whole-brain radiation"],
            done=done,
        )
    elif not ctx.new_case:
        if code == NEC and facts.high_systemic_burden:
            plan.add(
                "brain_mri",
                "consider",
                "not_voted",
                sections.MONITORING,
                ["NEC with a high systemic disease burden (Table 3)"],
            )
    else:
        _brain_imaging_at_diagnosis(ctx, plan)


def _brain_imaging_at_diagnosis(ctx: Context, plan: Plan) -> None:
    """Table 1 (NEC): "MRI brain for high systemic burden and/or if symptomatic"; symptoms handled before."""
    facts = ctx.facts
    code = ctx.classification.code
    # Without distant disease the systemic burden is low whatever the record says about it.
    burden = facts.high_systemic_burden if ctx.metastatic else False
    burden_basis = (
        "Low volume of systemic disease"
        if facts.high_systemic_burden is False
        else f"No distant metastases (extent {facts.extent.replace('_', ' ')}): low volume of systemic disease"
    )
    symptoms_unknown = facts.cns_symptoms is None
    if burden:
        plan.add(
            "brain_mri",
            "consider",
            "not_voted",
            sections.TABLE_1 if code == NEC else sections.IMAGING_CNS,
            [
                "High systemic disease burden: CNS imaging may be considered",
                *(["Table 1 (NEC): MRI brain for high systemic burden"] if code == NEC else []),
            ],
        )
    elif code == G3_NET:
        plan.add(
            "brain_mri",
            "not_recommended",
            "majority",
            sections.IMAGING_CNS,
            ["G3 NET: baseline CNS imaging is not indicated"],
        )
    elif burden is False:
        why = [
            burden_basis,
            "Routine brain imaging is not indicated without symptoms or with a low volume of systemic disease",
        ]
        if symptoms_unknown:
            plan.need("cns_symptoms", "CNS imaging is indicated in symptomatic patients")
            why.append("Indicated if CNS symptoms are present (not recorded)")
        plan.add("brain_mri", "not_recommended", "consensus", sections.IMAGING_CNS, why)
    else:
        plan.need(
            "high_systemic_burden", "Table 1: MRI brain for a high systemic burden and/or if symptomatic"
        )
        if symptoms_unknown:
            plan.need("cns_symptoms", "CNS imaging is indicated in symptomatic patients")
        plan.add(
            "brain_mri",
            "consider",
            "not_voted",
            sections.TABLE_1,
            [
                "Table 1 (NEC): MRI brain for high systemic burden and/or if symptomatic",
                "Metastatic disease with the systemic burden not recorded"
                + ("; CNS symptoms not recorded either" if symptoms_unknown else ""),
            ],
        )


def _cardiac(ctx: Context, plan: Plan) -> None:
    facts = ctx.facts
    if facts.carcinoid_syndrome_suspected:
        plan.add(
            "hiaa_5",
            "recommended",
            "not_voted",
            sections.CARDIAC,
            ["Suspected carcinoid syndrome: investigate serotonin production"],
            done=facts.hiaa_5_elevated is not None,
        )
    if facts.hiaa_5_elevated:
        plan.add(
            "echocardiogram",
            "recommended",
            "not_voted",
            sections.CARDIAC,
            ["5-HIAA elevated: echocardiogram for carcinoid heart disease"],
        )
    elif facts.carcinoid_syndrome_suspected and facts.hiaa_5_elevated is None:
        plan.add(
            "echocardiogram",
            "consider",
            "not_voted",
            sections.CARDIAC,
            ["Perform if 5-HIAA is elevated (result not recorded)"],
        )
    elif ctx.new_case:
        plan.add(
            "echocardiogram",
            "not_recommended",
            "not_voted",
            sections.CARDIAC,
            ["Carcinoid heart disease is rare in G3 NEN: routine cardiac evaluation is not recommended"],
        )
