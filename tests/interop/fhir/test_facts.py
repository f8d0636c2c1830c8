"""One fact from one resource of another system: the clinically delicate readings, one by one."""

import pytest

from cases.models import MolecularResult, PathologyReport, StagingAssessment
from interop.fhir import codes
from interop.fhir.facts import Unmappable, fact_of, figo_stage, genomic_variant, microsatellite_status


def observation(code: codes.Code, **value) -> dict:
    return {"resourceType": "Observation", "status": "final", "code": codes.concept(code), **value}


def variant(value: codes.Code, *components: dict, method: codes.Code | None = None) -> dict:
    resource = observation(codes.GENETIC_VARIANT_ASSESSMENT, valueCodeableConcept=codes.concept(value))
    resource["component"] = list(components)
    if method:
        resource["method"] = codes.concept(method)
    return resource


def gene(symbol: str) -> dict:
    return {
        "code": codes.concept(codes.GENE_STUDIED),
        "valueCodeableConcept": {
            "coding": [{"system": codes.HGNC, "code": f"HGNC:{symbol}", "display": symbol}]
        },
    }


def words(text: str) -> dict:
    return {"code": {"text": "detail"}, "valueCodeableConcept": {"text": text}}


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("MSI-H", "deficient"),
        ("Microsatellite instability-high", "deficient"),
        ("MSI-L", "proficient"),
        ("Microsatellite stable", "proficient"),
        ("MSS", "proficient"),
    ],
)
def test_msi_in_words(said, read):
    assert microsatellite_status({"text": said}) == read


def test_msi_without_a_level_is_not_guessed():
    with pytest.raises(Unmappable):
        microsatellite_status({"text": "Microsatellite instability"})


@pytest.mark.parametrize(
    ("said", "read"), [("FIGO Stage IB2", "IB2"), ("Stage IVB", "IVB"), ("IIIC1", "IIIC1")]
)
def test_figo_stage_in_words(said, read):
    assert figo_stage({"text": said}) == read


def test_a_figo_stage_the_2018_staging_does_not_have_is_not_read():
    with pytest.raises(Unmappable):
        figo_stage({"text": "FIGO Stage IC1"})  # an ovarian stage: not one of the cervix stages recorded


def test_a_fusion_needs_the_word_or_two_genes():
    assert genomic_variant(variant(codes.PRESENT, gene("RET"), gene("KIF5B"))) == ("ret_fusion", "true")
    assert genomic_variant(variant(codes.ABSENT, gene("NTRK3"), words("gene fusion"))) == (
        "ntrk_fusion",
        "false",
    )
    with pytest.raises(Unmappable):
        genomic_variant(variant(codes.PRESENT, gene("RET"), words("p.Met918Thr")))  # a RET mutation


def test_braf_present_needs_v600e_absent_means_none():
    assert genomic_variant(variant(codes.PRESENT, gene("BRAF"), words("p.Val600Glu"))) == (
        "braf_v600e",
        "true",
    )
    assert genomic_variant(variant(codes.ABSENT, gene("BRAF"))) == ("braf_v600e", "false")
    with pytest.raises(Unmappable):
        genomic_variant(variant(codes.PRESENT, gene("BRAF"), words("p.Gly469Ala")))  # not V600E


def test_tmb_reads_high_from_ten_mutations_per_megabase():
    for burden, high in ((9.9, "false"), (10, "true"), (23.5, "true")):
        tmb = observation(codes.TMB, valueQuantity={"value": burden, "unit": "/1e6{Base}"})
        assert fact_of(tmb, MolecularResult) == ("tmb_high", high)


def test_tumour_size_in_mm_is_read_in_cm_other_units_are_not():
    def size(value, unit):
        component = {
            "code": codes.concept(codes.TUMOR_LONGEST_DIMENSION),
            "valueQuantity": {"value": value, "code": unit},
        }
        return observation(codes.TUMOR_SIZE_CODE, component=[component])

    assert fact_of(size(25, "mm"), StagingAssessment) == ("tumor_size_cm", "2.5")
    with pytest.raises(Unmappable):
        fact_of(size(1, "[in_i]"), StagingAssessment)


def test_a_ki67_not_in_percent_or_a_cancelled_result_is_not_read():
    with pytest.raises(Unmappable, match="expected a percentage"):
        fact_of(observation(codes.KI67, valueQuantity={"value": 0.3, "unit": "1"}), PathologyReport)
    cancelled = {**observation(codes.KI67, valueQuantity={"value": 30, "code": "%"}), "status": "cancelled"}
    with pytest.raises(Unmappable, match="cancelled"):
        fact_of(cancelled, PathologyReport)
