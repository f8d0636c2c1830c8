"""One case as a FHIR R4 collection Bundle following mCODE STU3 as far as the record goes."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from cases.audit import record_reads
from cases.facts import SITE_ORDER, with_record
from cases.models import (
    AccessEvent,
    Case,
    ClinicalStatus,
    Finding,
    ImagingStudy,
    MolecularResult,
    PathologyReport,
    Resection,
    StagingAssessment,
    TreatmentLine,
)
from interop.fhir import codes
from interop.fhir import resources as build
from interop.fhir.resources import Resource
from meetings.models import Decision

logger = logging.getLogger(__name__)
# The read trail's event of a FHIR export (download or command): the whole record was read.
EXPORT_ACTION = AccessEvent.Action.EXPORT_FHIR


def export_bundles(*, user: AbstractBaseUser | AnonymousUser, cases: QuerySet[Case]) -> list[dict[str, Any]]:
    """The FHIR Bundle of each case, the reads recorded (one access event per case)."""
    chosen = list(cases_for_export(cases.order_by("pk")))
    record_reads(user=user, action=EXPORT_ACTION, cases=chosen)
    logger.info("export_fhir: exported %d case(s)", len(chosen))
    return [bundle_for_case(case) for case in chosen]


def cases_for_export(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with everything the export reads."""
    return with_record(cases)


def records_of(case: Case, model: type[Finding]) -> list[Any]:
    """A case's (prefetched) records of one kind in the order they were entered.

    An import creates them in this order, so the same record is the latest one again.
    """
    rows: Iterable[Finding] = getattr(case, model.related_name()).all()
    return sorted(rows, key=lambda row: (row.created_at, row.pk))


def bundle_for_case(case: Case) -> dict[str, Any]:
    """The case's record as a FHIR collection Bundle (plain JSON), every resource referenced by urn:uuid."""
    patient = build.patient_resource(case.patient)
    pathology = records_of(case, PathologyReport)
    staging = records_of(case, StagingAssessment)
    studies = records_of(case, ImagingStudy)
    latest_pathology = max(pathology, key=lambda row: (row.specimen_date, row.created_at), default=None)
    staged = [row for row in staging if row.figo_stage]
    latest_figo = max(staged, key=lambda row: (row.assessed_on, row.created_at), default=None)

    resources: list[Resource] = [patient]
    # The primary's stage points at the FIGO observation of the latest staging that has one.
    figo_id = build.resource_id("stagingassessment", latest_figo.pk, "figo_stage") if latest_figo else None
    primary = build.primary_condition(case, patient, latest_pathology, {"id": figo_id} if figo_id else None)
    resources.append(primary)

    imaging = {study.pk: build.imaging_procedure(study, patient) for study in studies}
    sites = sorted(
        {site for study in studies if study.performed for site in study.metastatic_sites},
        key=SITE_ORDER.__getitem__,
    )
    for site in sites:
        seen_by = [imaging[s.pk] for s in studies if s.performed and site in s.metastatic_sites]
        resources.append(build.secondary_condition(case, site, patient, primary, seen_by))

    for report in pathology:
        resources += _panel(report, build.fhir_date(report.specimen_date), patient, primary)
    for study in studies:
        resources.append(imaging[study.pk])
        resources += _members_of(
            imaging[study.pk], study, build.fhir_date(study.study_date), patient, primary
        )
    for result in records_of(case, MolecularResult):
        when = build.fhir_date(result.result_date)
        members = _facts(result, when, patient, primary)
        resources += [build.genomics_report(result, patient, members), *members]
    for assessment in staging:
        resources += _panel(assessment, build.fhir_date(assessment.assessed_on), patient, primary)
    for status in records_of(case, ClinicalStatus):
        resources += _panel(status, build.fhir_date(status.assessed_on), patient, primary)
    for resection in records_of(case, Resection):
        procedure = build.resection_procedure(resection, patient, primary)
        resources.append(procedure)
        when = build.fhir_date(resection.resected_on)
        resources += _members_of(procedure, resection, when, patient, primary)
    for line in records_of(case, TreatmentLine):
        administration = build.medication_administration(line, patient, primary)
        resources.append(administration)
        when = build.fhir_date(line.started_on)
        resources += _members_of(administration, line, when, patient, primary)
    for decision in decisions_of(case):
        resources.append(build.board_review(decision, patient, primary))

    return {
        "resourceType": "Bundle",
        "id": build.resource_id("bundle", case.pk),
        "identifier": {"system": codes.CASE_IDENTIFIER_SYSTEM, "value": str(case.pk)},
        "type": "collection",
        "timestamp": build.fhir_instant(timezone.now()),
        "entry": [{"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource} for resource in resources],
    }


def decisions_of(case: Case) -> list[Decision]:
    """The board's decisions about the case, oldest meeting first."""
    rows = Decision.objects.filter(agenda_item__case=case).select_related("agenda_item__meeting")
    return list(rows.order_by("agenda_item__meeting__starts_at", "pk"))


def _facts(record: Finding, when: str | None, patient: Resource, primary: Resource) -> list[Resource]:
    return [build.fact_observation(record, name, patient, primary, when) for name in build.fact_names(record)]


def _panel(record: Finding, when: str | None, patient: Resource, primary: Resource) -> list[Resource]:
    members = _facts(record, when, patient, primary)
    return [build.panel(record, when, patient, members), *members]


def _members_of(
    group: Resource, record: Finding, when: str | None, patient: Resource, primary: Resource
) -> list[Resource]:
    return [build.part_of(member, group) for member in _facts(record, when, patient, primary)]
