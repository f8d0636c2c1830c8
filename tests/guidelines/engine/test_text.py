"""The plain-text summary (guidelines/engine/text.py, manage.py pathway --format text)."""

from guidelines.engine import GUIDELINE, pathway_as_text
from tests.guidelines.factories import LOCALIZED_NET, NEC, pathway, prior


def test_header_classification_and_decision_point():
    """The summary names the guideline, the classification with its grade basis and the decision point."""
    text = pathway_as_text(
        pathway(ki67_percent=30, mitoses_per_2mm2=25, prior_systemic_therapy=[prior("captem")])
    )
    lines = text.splitlines()
    assert lines[0] == GUIDELINE
    assert "Classification: Well-differentiated G3 NET (grade basis: ki67, mitoses)" in lines
    assert "Site group: pancreatic; setting: metastatic" in lines
    assert "Decision point: after progression (line 2)" in lines


def test_nec_classification_line():
    """A NEC reads as poorly differentiated."""
    assert (
        "Classification: Poorly differentiated NEC (grade basis: ki67)"
        in pathway_as_text(pathway(NEC)).splitlines()
    )


def test_every_item_is_listed_with_status_and_strength():
    """Each item appears once with its status, text, category, strength and source; reasons follow."""
    path = pathway(NEC)
    text = pathway_as_text(path)
    for rec in path.recommendations:
        matching = [line for line in text.splitlines() if f" {rec.text}" in line and rec.source in line]
        assert len(matching) == 1, rec.code
        assert matching[0].startswith(
            {"recommended": "RECOMMENDED", "consider": "CONSIDER"}.get(rec.status, "NOT")
        )
        for reason in rec.why:
            assert f"why: {reason}" in text
    ep = next(line for line in text.splitlines() if line.startswith("RECOMMENDED") and "+ etoposide" in line)
    assert "(treatment line 1; consensus;" in ep


def test_done_and_outstanding_workup():
    """Work-up items show whether the facts record them as done."""
    text = pathway_as_text(pathway(ct_mri_done=True, sstr_imaging="not_done"))
    assert "Multiphase high-resolution CT or MRI with contrast [done]" in text
    assert "Somatostatin-receptor PET (68Ga/64Cu-DOTATATE or DOTATOC) [outstanding]" in text


def test_surveillance_schedule_lines():
    """Table 2 G3 NET schedule reads "every 3 months until month 24-36, then every 6-12 months"."""
    text = pathway_as_text(pathway(LOCALIZED_NET))
    assert "  imaging every 3 months until month 24-36" in text
    assert "  imaging every 6-12 months until month 120-open-ended" in text
    assert "Follow-up (surveillance;" in text


def test_missing_facts_and_notes_sections():
    """Missing facts are listed by field; notes for the board appear when there are any."""
    text = pathway_as_text(pathway(sstr_imaging=None, ki67_percent=None, mitoses_per_2mm2=30))
    assert "Missing facts:" in text
    assert "  - ki67_percent: " in text
    assert "Notes for the board:" in text


def test_not_high_grade_summary():
    """A G1/G2 NET reads as outside these recommendations, with no treatment line."""
    text = pathway_as_text(pathway(ki67_percent=12, mitoses_per_2mm2=2))
    assert "Classification: Not high grade (outside these recommendations) (grade basis: none)" in text
    assert "(treatment" not in text
