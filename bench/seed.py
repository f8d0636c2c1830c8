"""Synthetic cases for the benchmark: the demo vignettes as templates, varied, written with bulk_create.

Every case is one of the twelve demo specs (cases.demo.DEMO_CASES, which reproduce the public
vignettes) with its primary site swapped within sites the spec's findings allow, Ki-67 and ECOG
jittered within the spec's grade, all dates moved back by up to two years, a few cases made
indeterminate or left without staging, and a status drawn from a realistic mix. Writing them takes
a fixed number of queries whatever the count (one bulk insert per table, then one prefetched read
to set each case's classification through the real adapter and engine, and one bulk update).

No change history is written for these rows (bulk inserts bypass django-simple-history): the
benchmark reads cases, pathways and PDFs, never the History tab.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cases import roles
from cases.demo import DEMO_CASES, DemoCase
from cases.facts import with_record
from cases.models import (
    FINDING_MODELS,
    Case,
    ClinicalStatus,
    Finding,
    ImagingStudy,
    MolecularResult,
    PathologyReport,
    Patient,
    Resection,
    StagingAssessment,
    TreatmentLine,
)
from cases.pathway import pathway_for_case
from cases.workup import readiness_gaps

MRN_PREFIX = "BENCH-"
BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - throwaway users of a throwaway database
CLINICIAN_NAME = "bench-clinician-{:02d}"
COORDINATOR_NAME = "bench-coordinator"

# How often each vignette is the template: metastatic NEC is the commonest board question.
TEMPLATE_WEIGHTS = {
    "P01": 10,  # metastatic pancreatic G3 NET, untreated
    "P02": 14,  # metastatic colorectal small-cell NEC, first line
    "P03": 6,  # localized pancreatic G3 NET, resectable
    "P04": 6,  # localized rectal NEC after R1 resection
    "P05": 4,  # cervical NEC, FIGO IB2
    "P06": 3,  # cervical NEC, FIGO IIA2
    "P07": 12,  # metastatic NEC, early progression on platinum/etoposide
    "P08": 6,  # dMMR NEC after platinum
    "P09": 8,  # SSTR-avid small-bowel G3 NET, third line
    "P10": 5,  # Ki-67 12%: not high grade
    "P11": 4,  # ovarian G3 NET
    "P12": 8,  # gastric NEC with brain metastases
}
# Primary sites each template may take without breaking its findings' site rules (FIGO for the
# cervix, pancreatic location for the pancreas, LVSI for gynecologic sites).
SITE_VARIANTS = {
    "P01": ("pancreas", "small_bowel", "stomach", "rectum", "unknown_primary"),
    "P02": ("colon", "esophagus", "stomach", "rectum", "pancreas", "ampulla_biliary", "unknown_primary"),
    "P03": ("pancreas",),
    "P04": ("rectum", "colon", "esophagus", "stomach", "anal_canal"),
    "P05": ("cervix",),
    "P06": ("cervix",),
    "P07": ("pancreas", "colon", "esophagus", "stomach", "unknown_primary"),
    "P08": ("colon", "rectum", "stomach", "small_bowel"),
    "P09": ("small_bowel", "pancreas", "duodenum", "rectum"),
    "P10": ("pancreas", "small_bowel", "stomach"),
    "P11": ("ovary",),
    "P12": ("stomach", "esophagus", "colon", "unknown_primary"),
}
STATUS_WEIGHTS = {"draft": 25, "ready": 35, "discussed": 30, "closed": 10}
INDETERMINATE_SHARE = 0.04  # differentiation left unresolved by pathology
UNSTAGED_SHARE = 0.04  # a draft still waiting for its staging (the pathway lists what is missing)
GIVEN_NAMES = ("Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Jordan", "Kendall", "Logan")
MAX_SHIFT_DAYS = 730


@dataclass
class SeedResult:
    """What was written: the case ids and how they are spread."""

    case_ids: list[int]
    classifications: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    templates: Counter[str] = field(default_factory=Counter)


def existing_cases() -> SeedResult:
    """The synthetic cases already in the database (a re-run with --reuse)."""
    cases = Case.objects.filter(patient__mrn__startswith=MRN_PREFIX)
    result = SeedResult(case_ids=list(cases.order_by("pk").values_list("pk", flat=True)))
    for classification, status in cases.values_list("classification", "status"):
        result.classifications[classification or "incomplete"] += 1
        result.statuses[status] += 1
    return result


def bench_users(count: int = 20) -> tuple[list[Any], Any]:
    """Clinicians bench-clinician-01.. and one coordinator, all with BENCH_PASSWORD (idempotent)."""
    user_model = get_user_model()
    hashed = make_password(BENCH_PASSWORD)  # hashed once: PBKDF2 per user would cost seconds
    clinician_group = Group.objects.get(name=roles.CLINICIAN)
    coordinator_group = Group.objects.get(name=roles.COORDINATOR)
    clinicians = []
    for number in range(1, count + 1):
        user, _ = user_model.objects.get_or_create(
            username=CLINICIAN_NAME.format(number),
            defaults={"password": hashed, "first_name": "Bench", "last_name": f"Clinician {number}"},
        )
        user.groups.add(clinician_group)
        clinicians.append(user)
    coordinator, _ = user_model.objects.get_or_create(
        username=COORDINATOR_NAME,
        defaults={"password": hashed, "first_name": "Bench", "last_name": "Coordinator"},
    )
    coordinator.groups.add(coordinator_group)
    return clinicians, coordinator


def _shift(value: Any, days: int) -> Any:
    return value - timedelta(days=days) if isinstance(value, date) else value


def _shifted(record: dict[str, Any] | None, days: int) -> dict[str, Any] | None:
    if record is None:
        return None
    return {key: _shift(value, days) for key, value in record.items()}


def _one_decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 1)))


@dataclass
class Plan:
    """One synthetic case before it is written."""

    spec: DemoCase
    site: str
    status: str
    pathology: dict[str, Any]
    staging: dict[str, Any] | None
    imaging: list[dict[str, Any]]
    molecular: dict[str, Any] | None
    clinical: dict[str, Any] | None
    resection: dict[str, Any] | None
    lines: list[dict[str, Any]]


def plan_case(spec: DemoCase, rng: random.Random) -> Plan:
    """Vary one template within what keeps its records valid."""
    days = rng.randint(30, MAX_SHIFT_DAYS)
    pathology = _shifted(spec.pathology, days) or {}
    well = pathology["differentiation"] == "well"
    if spec.vignette == "P10":  # stays below the high-grade threshold
        pathology["ki67_percent"] = _one_decimal(rng.uniform(5, 19))
    elif well:
        pathology["ki67_percent"] = _one_decimal(rng.uniform(21, 54))
    else:
        pathology["ki67_percent"] = _one_decimal(rng.uniform(55, 95))
    if not well and rng.random() < INDETERMINATE_SHARE / 0.6:  # NEC templates are ~60% of cases
        pathology["differentiation"] = "indeterminate"
        pathology["morphology"] = None
    clinical = _shifted(spec.clinical, days)
    if clinical is not None and clinical.get("ecog") is not None:
        clinical["ecog"] = rng.choice((0, 1, 1, 2))
    staging = _shifted(spec.staging, days)
    status = (
        spec.status
        if spec.status == "draft"
        else rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
    )
    if rng.random() < UNSTAGED_SHARE:
        staging, status = None, "draft"
    return Plan(
        spec=spec,
        site=rng.choice(SITE_VARIANTS[spec.vignette]),
        status=status,
        pathology=pathology,
        staging=staging,
        imaging=[_shifted(study, days) or {} for study in spec.imaging],
        molecular=_shifted(spec.molecular, days),
        clinical=clinical,
        resection=_shifted(spec.resection, days),
        lines=[_shifted(line, days) or {} for line in spec.lines],
    )


def plan_cases(count: int, seed: int = 2023) -> list[Plan]:
    """`count` varied cases, the same ones for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    by_name = {spec.vignette: spec for spec in DEMO_CASES}
    names = list(TEMPLATE_WEIGHTS)
    weights = [TEMPLATE_WEIGHTS[name] for name in names]
    return [plan_case(by_name[name], rng) for name in rng.choices(names, weights, k=count)]


@transaction.atomic
def seed_cases(count: int, author: Any, clinicians: list[Any] | None = None, seed: int = 2023) -> SeedResult:
    """Write `count` synthetic cases in a fixed number of queries; returns their ids and spread."""
    plans = plan_cases(count, seed)
    rng = random.Random(seed + 1)  # noqa: S311 - synthetic data, not security
    stamp = {"created_by": author, "updated_by": author}
    start = Patient.objects.filter(mrn__startswith=MRN_PREFIX).count()
    patients = Patient.objects.bulk_create(
        [
            Patient(
                mrn=f"{MRN_PREFIX}{start + index + 1:05d}",
                family_name=f"Benchpatient{start + index + 1}",
                given_name=rng.choice(GIVEN_NAMES),
                sex=plan.spec.sex,
                date_of_birth=plan.spec.date_of_birth - timedelta(days=rng.randint(-3000, 3000)),
                **stamp,
            )
            for index, plan in enumerate(plans)
        ]
    )
    owners = clinicians or [author]
    cases = Case.objects.bulk_create(
        [
            Case(
                patient=patient,
                primary_site=plan.site,
                status="draft",
                responsible_clinician=owners[index % len(owners)],
                board_question=plan.spec.question,
                **stamp,
            )
            for index, (patient, plan) in enumerate(zip(patients, plans, strict=True))
        ]
    )
    rows: dict[type[Finding], list[Finding]] = {model: [] for model in FINDING_MODELS}
    for case, plan in zip(cases, plans, strict=True):
        rows[PathologyReport].append(PathologyReport(case=case, **plan.pathology, **stamp))
        if plan.staging:
            rows[StagingAssessment].append(StagingAssessment(case=case, **plan.staging, **stamp))
        rows[ImagingStudy] += [ImagingStudy(case=case, **study, **stamp) for study in plan.imaging]
        if plan.molecular:
            rows[MolecularResult].append(MolecularResult(case=case, **plan.molecular, **stamp))
        if plan.clinical:
            rows[ClinicalStatus].append(ClinicalStatus(case=case, **plan.clinical, **stamp))
        if plan.resection:
            rows[Resection].append(Resection(case=case, **plan.resection, **stamp))
        rows[TreatmentLine] += [TreatmentLine(case=case, **line, **stamp) for line in plan.lines]
    for model, objects in rows.items():
        model._default_manager.bulk_create(objects)
    return _classify(cases, plans, rng)


def _classify(cases: list[Case], plans: list[Plan], rng: random.Random) -> SeedResult:
    """Set each case's classification and status through the real adapter and engine, in bulk."""
    wanted = {case.pk: plan for case, plan in zip(cases, plans, strict=True)}
    now = timezone.now()
    result = SeedResult(case_ids=[case.pk for case in cases])
    changed = []
    for case in with_record(Case.objects.filter(pk__in=list(wanted))):
        plan = wanted[case.pk]
        case_pathway = pathway_for_case(case)
        case.classification = case_pathway.pathway.classification.code if case_pathway.pathway else ""
        # Only a case with nothing missing can have gone to the board.
        case.status = "draft" if readiness_gaps(case_pathway, case) else plan.status
        case.created_at = now - timedelta(days=rng.randint(30, 400))
        case.updated_at = case.created_at + timedelta(minutes=rng.randint(5, 30 * 24 * 60))
        changed.append(case)
        result.classifications[case.classification or "incomplete"] += 1
        result.statuses[case.status] += 1
        result.templates[plan.spec.vignette] += 1
    Case.objects.bulk_update(
        changed, ["classification", "status", "created_at", "updated_at"], batch_size=500
    )
    return result
