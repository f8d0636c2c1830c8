"""Request bodies of the API's writes, valid unless changed."""

from typing import Any

# A metastatic poorly differentiated (small-cell) pancreatic NEC (NANETS 2023, "Diagnosis and pathology").
FACTS = {
    "primary_site": "pancreas",
    "differentiation": "poor",
    "morphology": "small_cell",
    "ki67_percent": 82.5,
    "extent": "metastatic",
    "metastatic_sites": ["liver", "bone"],
    "ct_mri_done": True,
    "ecog": 1,
    "mmr": "proficient",
}


def new_case_body(*, mrn: str = "API-0001", **changes: Any) -> dict[str, Any]:
    """A valid body of POST /api/cases, with changes (facts=... replaces the facts)."""
    return {
        "patient": {
            "mrn": mrn,
            "family_name": "Testperson",
            "given_name": "Ada",
            "date_of_birth": "1961-04-02",
            "sex": "female",
        },
        "facts": dict(FACTS),
        "recorded_on": "2026-10-01",
        "specimen": "primary",
        "imaging_modality": "ct",
        **changes,
    }
