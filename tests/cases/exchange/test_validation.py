"""The app's own checks on an imported case: contradictory facts, and a 'ready' its record lacks."""

import json

import pytest

from cases.models import Case
from tests.cases.exchange.files import (
    counts,
    import_from,
    localized_with_distant_sites,
    ready_case_without_findings,
    wipe_clinical_records,
)

pytestmark = pytest.mark.django_db


def test_contradictory_case_is_refused_naming_the_case_and_both_fields(export_file):
    """The engine's consistency check runs on import: the record is named, nothing is written."""
    document = json.loads(export_file.read_text(encoding="utf-8"))
    localized_with_distant_sites(document)
    index = next(
        i
        for i, c in enumerate(document["cases"])
        if c["staging_assessments"]
        and c["staging_assessments"][0]["extent"] == "localized"
        and any(s["metastatic_sites"] for s in c["imaging_studies"])
    )
    wipe_clinical_records()
    export_file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    out, err, status = import_from(export_file)
    assert status == 2
    assert f"cases[{index}]: contradictory facts: extent: localized contradicts metastatic_sites: " in err
    assert counts() == {name: 0 for name in counts()}


def test_a_case_said_to_be_ready_without_the_facts_for_it_is_refused(tmp_path):
    path = ready_case_without_findings(tmp_path)
    out, err, status = import_from(path)
    assert status == 2
    assert "cases[0].status: ready for board, but the record lacks: " in err
    assert not Case.objects.exists()
