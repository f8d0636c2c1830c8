"""Follow-up imaging (guidelines/engine/rules/followup.py): Table 2 surveillance after localized
disease, Table 3 monitoring of metastatic disease."""

import pytest

from tests.guidelines.factories import CERVIX_NEC, LOCALIZED_NEC, LOCALIZED_NET, NEC, pathway, prior


def _phases(path):
    return [(phase.every_months, phase.until_month) for phase in path.followup.imaging]


@pytest.mark.parametrize("decision", [{}, {"resection_margin": "R0"}], ids=["initial", "after_resection"])
def test_table2_g3_net_surveillance(decision):
    """Table 2, G3 NET: "Multiphase, high-resolution CT or MRI with contrast every 3 months for 2-3 years,
    then every 6-12 months for at least 10 years" (majority)."""
    path = pathway(LOCALIZED_NET, **decision)
    assert path.followup.kind == "surveillance"
    assert _phases(path) == [((3, 3), (24, 36)), ((6, 12), (120, None))]
    assert path.followup.strength == "majority"


@pytest.mark.parametrize("preset", [LOCALIZED_NEC, {**CERVIX_NEC, "figo_stage": "IB3"}], ids=["gi", "cervix"])
def test_table2_nec_surveillance(preset):
    """Table 2, NEC: "every 3 months for 3 years, then every 6 months for years 4-5" (majority)."""
    path = pathway(preset)
    assert path.followup.kind == "surveillance"
    assert _phases(path) == [((3, 3), (36, 36)), ((6, 6), (60, 60))]
    assert path.followup.strength == "majority"


def test_table2_nec_biopsy_only_to_confirm_recurrence():
    """Table 2, NEC: "Biopsy as indicated to confirm recurrence"; "MRI brain as indicated based on
    symptoms"."""
    notes = " ".join(pathway(LOCALIZED_NEC).followup.notes).lower()
    assert "confirm recurrence" in notes
    assert "mri brain" in notes


def test_table2_g3_net_biopsy_to_reestablish_grade():
    """Table 2, G3 NET: "Biopsy as indicated to confirm recurrence and/or to re-establish grade"."""
    assert "grade" in " ".join(pathway(LOCALIZED_NET).followup.notes).lower()


def test_table3_g3_net_monitoring_every_3_months():
    """Table 3, G3 NET: "Multiphase, high-resolution CT or MRI with contrast every 3 months" (majority)."""
    path = pathway(disease_pace="typical")
    assert path.followup.kind == "monitoring"
    assert [phase.every_months for phase in path.followup.imaging] == [(3, 3)]
    assert path.followup.strength == "majority"


def test_table3_g3_net_indolent_every_6_months():
    """Table 3, G3 NET: "(every 6 months if more indolent disease)"."""
    path = pathway(disease_pace="indolent")
    assert [phase.every_months for phase in path.followup.imaging] == [(6, 6)]


@pytest.mark.parametrize("decision", [{}, {"prior_systemic_therapy": [prior("platinum_etoposide")]}])
def test_table3_nec_monitoring_every_2_to_3_months(decision):
    """Table 3, NEC: "Multiphase, high-resolution CT or MRI with contrast every 2-3 months"; biopsy "Not
    indicated"."""
    path = pathway(NEC, **decision)
    assert path.followup.kind == "monitoring"
    assert [phase.every_months for phase in path.followup.imaging] == [(2, 3)]
    assert "biopsy not indicated" in " ".join(path.followup.notes).lower()


def test_monitoring_is_open_ended():
    """Table 3 applies "for patients receiving treatment for a metastatic grade 3 NEN": no end month."""
    for preset in ({}, NEC):
        assert all(phase.until_month == (None, None) for phase in pathway(preset).followup.imaging)


def test_unresolved_type_has_no_schedule_yet():
    """Tables 2 and 3 differ for G3 NET and NEC; with the type unresolved no schedule is chosen."""
    path = pathway(differentiation="indeterminate", ki67_percent=60)
    assert path.followup.imaging == ()
    assert path.followup.notes
