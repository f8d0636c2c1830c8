"""Obviously fictitious demo patients whose records reproduce the public clinical vignettes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from cases.models import (
    Case,
    ClinicalStatus,
    ImagingStudy,
    MolecularResult,
    PathologyReport,
    Patient,
    Resection,
    StagingAssessment,
    TreatmentLine,
)
from cases.services import account, refresh_classification


def days_after(start: date, days: int) -> date:
    """A date a number of days after another."""
    return start + timedelta(days=days)


@dataclass(frozen=True)
class DemoCase:
    """One demo patient, one case, and the records of that case."""

    vignette: str
    mrn: str
    given_name: str
    sex: str
    date_of_birth: date
    primary_site: str
    question: str
    pathology: dict[str, Any]
    staging: dict[str, Any]
    imaging: list[dict[str, Any]] = field(default_factory=list)
    molecular: dict[str, Any] | None = None
    clinical: dict[str, Any] | None = None
    resection: dict[str, Any] | None = None
    lines: list[dict[str, Any]] = field(default_factory=list)
    status: str = "ready"


def _ct(on: date, *sites: str) -> dict[str, Any]:
    return {"modality": "ct", "study_date": on, "metastatic_sites": list(sites)}


def _not_done(modality: str, on: date) -> dict[str, Any]:
    return {"modality": modality, "study_date": on, "performed": False}


D = date  # short alias keeps the table readable
DEMO_CASES: tuple[DemoCase, ...] = (
    DemoCase(
        "P01",
        "DEMO-0001",
        "Alpha",
        "male",
        D(1961, 4, 12),
        "pancreas",
        "Front-line therapy for liver-dominant metastatic pancreatic G3 NET?",
        pathology={
            "specimen": "metastasis",
            "specimen_date": D(2026, 9, 8),
            "differentiation": "well",
            "ki67_percent": 30,
            "mitoses_per_2mm2": 8,
        },
        staging={"assessed_on": D(2026, 9, 20), "extent": "metastatic", "liver_dominant": True},
        imaging=[
            _ct(D(2026, 9, 1), "liver"),
            {"modality": "sstr_pet", "study_date": D(2026, 9, 15), "sstr_uptake": "high_homogeneous"},
            _not_done("fdg_pet", D(2026, 9, 15)),
        ],
        clinical={
            "assessed_on": D(2026, 9, 20),
            "hormonal_syndrome": False,
            "ecog": 1,
            "disease_pace": "typical",
        },
    ),
    DemoCase(
        "P02",
        "DEMO-0002",
        "Bravo",
        "female",
        D(1958, 11, 3),
        "colon",
        "First-line treatment of metastatic small-cell NEC of the colon?",
        pathology={
            "specimen": "metastasis",
            "specimen_date": D(2026, 10, 2),
            "differentiation": "poor",
            "morphology": "small_cell",
            "ki67_percent": 85,
            "p53_ihc": "aberrant",
            "rb_ihc": "lost",
        },
        staging={"assessed_on": D(2026, 10, 6), "extent": "metastatic", "high_systemic_burden": False},
        imaging=[
            _ct(D(2026, 9, 28), "liver", "peritoneum"),
            _not_done("sstr_pet", D(2026, 10, 6)),
            _not_done("fdg_pet", D(2026, 10, 6)),
        ],
        molecular={"result_date": D(2026, 10, 6), "mmr": "not_done", "ngs": "not_done"},
        clinical={
            "assessed_on": D(2026, 10, 6),
            "cns_symptoms": False,
            "hormonal_syndrome": False,
            "ecog": 1,
        },
    ),
    DemoCase(
        "P03",
        "DEMO-0003",
        "Charlie",
        "male",
        D(1970, 2, 19),
        "pancreas",
        "Resection of a localized pancreatic-tail G3 NET?",
        pathology={
            "specimen": "primary",
            "specimen_date": D(2026, 8, 14),
            "differentiation": "well",
            "ki67_percent": 25,
            "lower_grade_component": True,
        },
        staging={
            "assessed_on": D(2026, 8, 25),
            "extent": "localized",
            "pancreatic_location": "body_tail",
            "resectable": True,
        },
        imaging=[_ct(D(2026, 8, 5)), _not_done("sstr_pet", D(2026, 8, 25))],
        resection={"margin": "not_resected"},
    ),
    DemoCase(
        "P04",
        "DEMO-0004",
        "Delta",
        "male",
        D(1966, 7, 30),
        "rectum",
        "Adjuvant therapy after R1 resection of a rectal large-cell NEC?",
        pathology={
            "specimen": "primary",
            "specimen_date": D(2026, 7, 21),
            "differentiation": "poor",
            "morphology": "large_cell",
            "ki67_percent": 70,
        },
        staging={"assessed_on": D(2026, 7, 28), "extent": "localized"},
        imaging=[_ct(D(2026, 6, 30))],
        resection={"resected_on": D(2026, 7, 21), "margin": "R1", "radiation_amenable": True},
        status="discussed",
    ),
    DemoCase(
        "P05",
        "DEMO-0005",
        "Echo",
        "female",
        D(1984, 5, 9),
        "cervix",
        "Surgery and adjuvant therapy for FIGO IB2 small-cell NEC of the cervix?",
        pathology={
            "specimen": "primary",
            "specimen_date": D(2026, 10, 13),
            "differentiation": "poor",
            "morphology": "small_cell",
            "ki67_percent": 90,
        },
        staging={
            "assessed_on": D(2026, 10, 20),
            "extent": "localized",
            "figo_stage": "IB2",
            "tumor_size_cm": 2.5,
            "lvsi": True,
            "deep_stromal_invasion": False,
        },
        resection={"margin": "not_resected"},
    ),
    DemoCase(
        "P06",
        "DEMO-0006",
        "Foxtrot",
        "female",
        D(1979, 1, 25),
        "cervix",
        "Primary treatment of FIGO IIA2 small-cell NEC of the cervix?",
        pathology={
            "specimen": "primary",
            "specimen_date": D(2026, 10, 1),
            "differentiation": "poor",
            "morphology": "small_cell",
            "ki67_percent": 80,
        },
        staging={
            "assessed_on": D(2026, 10, 9),
            "extent": "locally_advanced",
            "figo_stage": "IIA2",
            "tumor_size_cm": 5,
        },
        resection={"margin": "not_resected"},
    ),
    DemoCase(
        "P07",
        "DEMO-0007",
        "Golf",
        "male",
        D(1955, 9, 14),
        "pancreas",
        "Second-line options after early progression on platinum/etoposide?",
        pathology={
            "specimen": "metastasis",
            "specimen_date": D(2026, 2, 20),
            "differentiation": "poor",
            "morphology": "large_cell",
            "ki67_percent": 75,
        },
        staging={"assessed_on": D(2026, 7, 6), "extent": "metastatic"},
        imaging=[_ct(D(2026, 7, 2), "liver", "distant_lymph_nodes")],
        molecular={
            "result_date": D(2026, 3, 20),
            "mmr": "proficient",
            "ngs": "done",
            "tmb_high": False,
            "ntrk_fusion": False,
            "ret_fusion": False,
        },
        lines=[
            {
                "regimen": "platinum_etoposide",
                "started_on": D(2026, 3, 2),
                "ended_on": days_after(D(2026, 3, 2), 122),
                "cycles": 6,
                "best_response": "SD",
                "progressed": True,
                "progression_date": days_after(D(2026, 3, 2), 122),
                "progressed_during_break": False,
            }
        ],
    ),
    DemoCase(
        "P08",
        "DEMO-0008",
        "Hotel",
        "female",
        D(1962, 12, 1),
        "colon",
        "Immunotherapy for MMR-deficient colon NEC after platinum/etoposide?",
        pathology={
            "specimen": "primary",
            "specimen_date": D(2025, 12, 2),
            "differentiation": "poor",
            "morphology": "large_cell",
            "ki67_percent": 90,
        },
        staging={"assessed_on": D(2026, 7, 10), "extent": "metastatic"},
        imaging=[_ct(D(2026, 7, 8), "liver")],
        molecular={"result_date": D(2026, 1, 5), "mmr": "deficient", "ngs": "done"},
        lines=[
            {
                "regimen": "platinum_etoposide",
                "started_on": D(2026, 1, 12),
                "ended_on": D(2026, 5, 4),
                "cycles": 6,
                "best_response": "PR",
                "progressed": True,
                "progression_date": days_after(D(2026, 1, 12), 183),
                "progressed_during_break": False,
            }
        ],
    ),
    DemoCase(
        "P09",
        "DEMO-0009",
        "India",
        "male",
        D(1959, 3, 22),
        "small_bowel",
        "Third-line options for SSTR-avid small-bowel G3 NET?",
        pathology={
            "specimen": "metastasis",
            "specimen_date": D(2024, 10, 1),
            "differentiation": "well",
            "ki67_percent": 28,
        },
        staging={"assessed_on": D(2026, 9, 30), "extent": "metastatic"},
        imaging=[
            _ct(D(2026, 9, 28), "liver", "distant_lymph_nodes"),
            {"modality": "sstr_pet", "study_date": D(2024, 10, 20), "sstr_uptake": "high_homogeneous"},
        ],
        clinical={"assessed_on": D(2026, 9, 30), "disease_pace": "typical"},
        lines=[
            {
                "regimen": "ssa",
                "started_on": D(2024, 11, 4),
                "best_response": "SD",
                "progressed": True,
                "progression_date": days_after(D(2024, 11, 4), 213),
            },
            {
                "regimen": "captem",
                "started_on": D(2025, 6, 16),
                "ended_on": D(2026, 5, 1),
                "cycles": 10,
                "best_response": "PR",
                "progressed": True,
                "progression_date": days_after(D(2025, 6, 16), 335),
            },
        ],
    ),
    DemoCase(
        "P10",
        "DEMO-0010",
        "Juliett",
        "female",
        D(1972, 6, 6),
        "pancreas",
        "Is this pancreatic NET high grade?",
        pathology={
            "specimen": "metastasis",
            "specimen_date": D(2026, 10, 27),
            "differentiation": "well",
            "ki67_percent": 12,
            "mitoses_per_2mm2": 4,
        },
        staging={"assessed_on": D(2026, 10, 30), "extent": "metastatic"},
        imaging=[{"modality": "ultrasound", "study_date": D(2026, 10, 20), "metastatic_sites": ["liver"]}],
        status="draft",
    ),
    DemoCase(
        "P11",
        "DEMO-0011",
        "Kilo",
        "female",
        D(1968, 8, 17),
        "ovary",
        "Well-differentiated high-grade NET in the ovary: primary or metastasis?",
        pathology={
            "specimen": "primary",
            "specimen_date": D(2026, 11, 2),
            "differentiation": "well",
            "ki67_percent": 35,
        },
        staging={"assessed_on": D(2026, 11, 5), "extent": "localized"},
        resection={"margin": "not_resected"},
        status="draft",
    ),
    DemoCase(
        "P12",
        "DEMO-0012",
        "Lima",
        "male",
        D(1957, 10, 30),
        "stomach",
        "Brain metastases and first-line therapy for gastric small-cell NEC?",
        pathology={
            "specimen": "primary",
            "specimen_date": D(2026, 11, 3),
            "differentiation": "poor",
            "morphology": "small_cell",
            "ki67_percent": 80,
        },
        staging={"assessed_on": D(2026, 11, 10), "extent": "metastatic"},
        imaging=[
            _ct(D(2026, 11, 2), "liver"),
            {
                "modality": "brain_mri",
                "study_date": D(2026, 11, 9),
                "metastatic_sites": ["brain"],
                "brain_metastases_count": 3,
            },
        ],
        clinical={"assessed_on": D(2026, 11, 10), "cns_symptoms": True},
    ),
)


@transaction.atomic
def create_demo_case(spec: DemoCase, author: AbstractBaseUser) -> Case:
    """Create the patient, the case and its records of one demo case."""
    clinician = account(user=author)
    stamp = {"created_by": author, "updated_by": author}
    patient = Patient.objects.create(
        mrn=spec.mrn,
        family_name="Demopatient",
        given_name=spec.given_name,
        sex=spec.sex,
        date_of_birth=spec.date_of_birth,
        **stamp,
    )
    case = Case.objects.create(
        patient=patient,
        primary_site=spec.primary_site,
        status=spec.status,
        responsible_clinician=clinician,
        board_question=spec.question,
        **stamp,
    )
    rows: list[Any] = [
        PathologyReport(case=case, **spec.pathology, **stamp),
        StagingAssessment(case=case, **spec.staging, **stamp),
    ]
    rows += [ImagingStudy(case=case, **study, **stamp) for study in spec.imaging]
    if spec.molecular:
        rows.append(MolecularResult(case=case, **spec.molecular, **stamp))
    if spec.clinical:
        rows.append(ClinicalStatus(case=case, **spec.clinical, **stamp))
    if spec.resection:
        rows.append(Resection(case=case, **spec.resection, **stamp))
    rows += [TreatmentLine(case=case, **line, **stamp) for line in spec.lines]
    for row in rows:
        row.full_clean()
        row.save()
    refresh_classification(case=case)
    return case


def seed_demo_cases(author: AbstractBaseUser) -> list[str]:
    """Create the demo cases that do not exist yet; return the MRNs created."""
    existing = set(
        Patient.objects.filter(mrn__in=[spec.mrn for spec in DEMO_CASES]).values_list("mrn", flat=True)
    )
    return [create_demo_case(spec, author).patient.mrn for spec in DEMO_CASES if spec.mrn not in existing]
