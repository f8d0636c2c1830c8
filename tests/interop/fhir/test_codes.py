"""The code tables: every coded value of the record has its code, and reading a code gives it back."""

from cases.models.choices import FigoStage, MetastaticSite, PrimarySite
from interop.fhir import codes


def test_every_figo_stage_has_its_nci_thesaurus_code():
    assert set(codes.FIGO_STAGES) == set(FigoStage.values)
    assert codes.FIGO_STAGES["IB2"].code == "C96250"


def test_every_primary_site_but_vulva_vagina_has_an_icd_o_3_topography_that_reads_back():
    assert set(PrimarySite.values) - set(codes.PRIMARY_TOPOGRAPHY) == {"vulva_vagina"}
    for site, code in codes.PRIMARY_TOPOGRAPHY.items():
        assert codes.topography_site(code.code) == site


def test_topography_is_read_in_its_written_forms():
    assert codes.topography_site("C25.1") == codes.topography_site("c251") == "pancreas"
    assert codes.topography_site("C17.0") == "duodenum" and codes.topography_site("C17.2") == "small_bowel"
    assert codes.topography_site("C34.9") is None


def test_every_metastatic_site_but_other_has_a_topography_that_reads_back():
    assert set(MetastaticSite.values) - set(codes.METASTATIC_TOPOGRAPHY) == {"other"}
    for site, code in codes.METASTATIC_TOPOGRAPHY.items():
        if site != "distant_lymph_nodes":
            assert codes.metastasis_site(code.system, code.code) == site


def test_lymph_nodes_are_read_as_distant_only_where_the_code_says_so():
    assert codes.metastasis_site(codes.ICD_O_3, "C77.9") is None
    assert codes.metastasis_site(codes.ICD_10_CM, "C7B.01") == "distant_lymph_nodes"


def test_morphology_follows_differentiation_morphology_and_grade():
    assert codes.morphology_for("poor", "small_cell", None, 80, None).code == "8041/3"
    assert codes.morphology_for("poor", "large_cell", None, 70, None).code == "8013/3"
    assert codes.morphology_for("poor", None, None, 70, None).code == "8246/3"
    assert codes.morphology_for("poor", "small_cell", True, 70, None).code == "8154/3"
    assert codes.morphology_for("well", None, None, 30, None).code == "8249/3"
    assert codes.morphology_for("well", None, None, None, 2).code == "8249/3"
    assert codes.morphology_for("well", None, None, 2, 1).code == "8240/3"
    assert codes.morphology_for("indeterminate", None, None, 50, None) is None


def test_docs_fhir_lists_every_standard_code_the_exchange_uses():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "docs" / "fhir.md").read_text()
    standard = [value for value in vars(codes).values() if isinstance(value, codes.Code)]
    standard += [
        *codes.FIGO_STAGES.values(),
        *codes.PRIMARY_TOPOGRAPHY.values(),
        *codes.METASTATIC_TOPOGRAPHY.values(),
    ]
    missing = [
        f"{code.system} {code.code}"
        for code in standard
        if code.system not in (codes.CONDITION_CLINICAL, codes.CONDITION_VERIFICATION)
        and code.system not in (codes.CONDITION_CATEGORY, codes.OBSERVATION_CATEGORY)
        and code.code not in text
    ]
    assert missing == []
