"""Reading a FHIR Bundle into what the workup forms take: a patient, a case and its records.

Pure reading, nothing saved (interop.fhir.import_ saves through the workup forms and services). What maps
becomes form data with the resource it came from; what does not map is listed with the reason, never
dropped silently. A Bundle that is not valid FHIR, or holds no patient or several, is refused whole.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from pydantic import ValidationError as PydanticValidationError

from cases.exchange.errors import Problem  # where (a resource, a field) and what is wrong
from cases.models import (
    FINDING_MODELS,
    ClinicalStatus,
    ImagingStudy,
    MolecularResult,
    PathologyReport,
    Resection,
    StagingAssessment,
    TreatmentLine,
)
from cases.models.choices import MetastaticSite, PrimarySite
from interop.drafts import Draft, DraftRefused
from interop.fhir import codes
from interop.fhir.datatypes import Resource, code_in, codings, day, has_code, label, profiles, text_of
from interop.fhir.facts import (
    Unmappable,
    fact_model,
    fact_of,
    metastatic_site,
    sequenced,
)

# The first problems of a Bundle that is not valid FHIR are enough to find the fault.
SHOWN_VALIDATION_ERRORS = 20
# The date a record of each kind is dated by (its group's effective or performed date).
RECORD_DATE: dict[type[models.Model], str] = {
    PathologyReport: "specimen_date",
    MolecularResult: "result_date",
    StagingAssessment: "assessed_on",
    ClinicalStatus: "assessed_on",
}
# A Bundle about a cancer the app does not cover brings the patient and these facts only.
NOT_COVERED_FACTS: dict[type[models.Model], tuple[str, ...]] = {ClinicalStatus: ("assessed_on", "ecog")}
NOT_COVERED = "not imported: the Bundle's condition is not a high-grade GEP or gynecologic NEN"
# Why the resources the app does not read stay out (what to do instead, where there is something).
MEDICATIONS = (
    "medications are read as lines of therapy with the app's regimen codes only: enter the line on "
    "the Treatment history step"
)
UNREAD = {
    "MedicationRequest": MEDICATIONS,
    "MedicationAdministration": MEDICATIONS,
    "MedicationStatement": MEDICATIONS,
    "Procedure": (
        "procedures are read as the app's imaging studies and resections only: enter a resection of the "
        "primary (with its margin) on the Treatment history step, an imaging study on the Imaging step"
    ),
    "Practitioner": "people and organisations are not part of the case record",
    "PractitionerRole": "people and organisations are not part of the case record",
    "Organization": "people and organisations are not part of the case record",
}
# Sequencing alterations: the molecular form shows them once sequencing is Done.
ALTERATIONS = ("tmb_high", "ntrk_fusion", "ret_fusion", "braf_v600e")
# Form fields of the patient step and where a Bundle holds them.
PATIENT_PATHS = {
    "mrn": "Patient.identifier",
    "family_name": "Patient.name.family",
    "given_name": "Patient.name.given",
    "date_of_birth": "Patient.birthDate",
    "sex": "Patient.gender",
}
FHIR_GENDERS = {"female", "male", "other", "unknown"}


@dataclass(frozen=True)
class Unmapped:
    """Something of the Bundle the app did not take in, and why."""

    source: str
    what: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source} ({self.what}): {self.reason}"


@dataclass
class Reading:
    """What a Bundle holds for the app: the patient step's data, the records, what did not map."""

    patient: dict[str, str]
    patient_source: str
    primary_site: str
    condition_source: str
    covered: bool
    drafts: list[Draft] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    bundle_identifier: str = ""


# A Bundle refused whole (nothing saved): the draft path's refusal, named for the FHIR import.
BundleRefused = DraftRefused


# --- the Bundle ----------------------------------------------------------------------------------


class BundleIndex:
    """The Bundle's resources in order, found by full URL or Type/id."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self.resources: list[Resource] = []
        self.by_url: dict[str, int] = {}
        for index, entry in enumerate(entries):
            resource = entry.get("resource") or {}
            self.resources.append(resource)
            if entry.get("fullUrl"):
                self.by_url[str(entry["fullUrl"])] = index
            if resource.get("id"):
                self.by_url.setdefault(f"{resource.get('resourceType')}/{resource['id']}", index)

    def resolve(self, ref: Any) -> int | None:
        """The index of the resource a Reference points to, when it is in the Bundle."""
        target = ref.get("reference") if isinstance(ref, dict) else None
        if not isinstance(target, str):
            return None
        if target in self.by_url:
            return self.by_url[target]
        parts = target.rstrip("/").split("/")
        return self.by_url.get("/".join(parts[-2:])) if len(parts) >= 2 else None

    def label(self, index: int) -> str:
        return label(self.resources[index], index)


def validated_bundle(document: Any) -> list[dict[str, Any]]:
    """The entries of a document that parses as a FHIR R4B Bundle; BundleRefused names the faults."""
    # Imported on first use: the R4B models take a quarter of a second to load, which no page should pay.
    from fhir.resources.R4B.bundle import Bundle

    if not isinstance(document, dict) or document.get("resourceType") != "Bundle":
        got = document.get("resourceType") if isinstance(document, dict) else type(document).__name__
        raise BundleRefused([Problem("file", f"expected a FHIR Bundle, got {got or 'no resourceType'}")])
    try:
        Bundle.model_validate(document)
    except PydanticValidationError as error:
        found = error.errors()
        problems = [
            Problem(".".join(str(part) for part in item["loc"]) or "Bundle", item["msg"])
            for item in found[:SHOWN_VALIDATION_ERRORS]
        ]
        if len(found) > SHOWN_VALIDATION_ERRORS:
            problems.append(Problem("Bundle", f"... and {len(found) - SHOWN_VALIDATION_ERRORS} more"))
        raise BundleRefused(problems) from None
    entries = document.get("entry") or []
    if not entries:
        raise BundleRefused([Problem("Bundle.entry", "the Bundle holds no resources")])
    return list(entries)


def bundle_identifier(document: dict[str, Any]) -> str:
    """Bundle.identifier as system|value, else Bundle.id."""
    identifier = document.get("identifier") or {}
    if identifier.get("value"):
        return f"{identifier.get('system', '')}|{identifier['value']}"[:300]
    return str(document.get("id", ""))[:300]


def read_bundle(document: Any) -> Reading:
    """What the Bundle holds for a new draft case (BundleRefused when it cannot be read at all)."""
    index = BundleIndex(validated_bundle(document))
    reader = _Reader(index)
    reading = reader.read()
    reading.bundle_identifier = bundle_identifier(document)
    return reading


# --- reading the resources -------------------------------------------------------------------------


@dataclass
class _Cancer:
    """The primary cancer as the Bundle codes it."""

    index: int
    site: str | None
    pancreatic_location: str | None
    facts: tuple[str | None, str | None, bool | None]
    recognised: bool
    description: str


class _Reader:
    """Reads one Bundle; every resource ends up mapped, used as context, or listed as unmapped."""

    def __init__(self, index: BundleIndex) -> None:
        self.index = index
        self.used: set[int] = set()
        self.unmapped: list[Unmapped] = []
        self.notices: list[str] = []

    def skip(self, position: int, what: str, reason: str) -> None:
        self.used.add(position)
        self.unmapped.append(Unmapped(self.index.label(position), what, reason))

    def of_type(self, kind: str) -> list[int]:
        return [i for i, resource in enumerate(self.index.resources) if resource.get("resourceType") == kind]

    def read(self) -> Reading:
        patient_at, patient = self.read_patient()
        cancer = self.read_primary()
        covered = cancer is not None and cancer.recognised
        drafts = self.read_groups()
        drafts += self.read_loose_observations(cancer if covered else None)
        self.read_metastases(drafts)
        self.read_decisions()
        if cancer is not None and cancer.pancreatic_location:
            self.place_pancreatic_location(cancer, drafts)
        if not covered:
            drafts = self.keep_demographics_and_ecog(drafts)
        for position, resource in enumerate(self.index.resources):
            if position not in self.used:
                kind = str(resource.get("resourceType", "resource"))
                what = text_of(resource.get("code") or resource.get("medicationCodeableConcept")) or kind
                self.skip(position, what, UNREAD.get(kind, f"{kind} resources are not read by the app"))
        return Reading(
            patient=patient,
            patient_source=self.index.label(patient_at),
            primary_site=cancer.site if covered and cancer and cancer.site else PrimarySite.UNKNOWN_PRIMARY,
            condition_source=self.index.label(cancer.index) if cancer else "",
            covered=covered,
            drafts=[draft for draft in drafts if draft.data],
            unmapped=self.unmapped,
            notices=self.notices,
        )

    # -- the patient --

    def read_patient(self) -> tuple[int, dict[str, str]]:
        found = self.of_type("Patient")
        if len(found) != 1:
            detail = "no Patient" if not found else f"{len(found)} Patients"
            raise BundleRefused(
                [Problem("Bundle.entry", f"the Bundle holds {detail}; import one patient's Bundle")]
            )
        position = found[0]
        self.used.add(position)
        resource = self.index.resources[position]
        return position, {
            "mrn": self.medical_record_number(resource),
            "family_name": self.name(resource)[0],
            "given_name": self.name(resource)[1],
            "date_of_birth": str(resource.get("birthDate", "")),
            "sex": str(resource["gender"]) if resource.get("gender") in FHIR_GENDERS else "unknown",
        }

    @staticmethod
    def medical_record_number(resource: Resource) -> str:
        identifiers = [item for item in resource.get("identifier", []) if item.get("value")]
        ours = [
            item
            for item in identifiers
            if item.get("system") == codes.mrn_system()
            or has_code(item.get("type"), codes.MEDICAL_RECORD_NUMBER)
        ]
        chosen = (ours or identifiers or [{}])[0]
        return str(chosen.get("value", ""))

    @staticmethod
    def name(resource: Resource) -> tuple[str, str]:
        names = resource.get("name", [])
        preferred = [n for n in names if n.get("use") in ("official", "usual")] or names
        chosen = preferred[0] if preferred else {}
        return str(chosen.get("family", "")), " ".join(str(part) for part in chosen.get("given", []))

    # -- the cancer --

    def read_primary(self) -> _Cancer | None:
        candidates = []
        for position in self.of_type("Condition"):
            resource = self.index.resources[position]
            if not self.is_secondary(resource):
                candidates.append(self.cancer(position, resource))
        if not candidates:
            self.notices.append(
                "The Bundle holds no cancer condition, so it is not a high-grade gastroenteropancreatic or "
                "gynecologic NEN this app covers: only the patient's demographics and ECOG were imported."
            )
            return None
        chosen = next((cancer for cancer in candidates if cancer.recognised), candidates[0])
        self.used.add(chosen.index)
        for other in candidates:
            if other is not chosen:
                self.skip(other.index, other.description, "another condition than the case's primary cancer")
        if not chosen.recognised:
            self.notices.append(
                f"The Bundle's condition ({chosen.description}) is not a high-grade "
                "gastroenteropancreatic or gynecologic neuroendocrine neoplasm as far as its codes tell "
                "(the app reads the ICD-O-3 morphology and the primary site): only the patient's "
                "demographics and ECOG were imported. "
                "The primary site is set to Unknown primary: correct it, or close the draft."
            )
        return chosen

    @staticmethod
    def is_secondary(resource: Resource) -> bool:
        code = resource.get("code")
        secondary_icd = any(
            c.get("system") == codes.ICD_10_CM
            and str(c.get("code", "")).startswith(("C77", "C78", "C79", "C7B"))
            for c in codings(code)
        )
        return (
            codes.SECONDARY_CANCER_CONDITION in profiles(resource)
            or has_code(code, codes.SECONDARY_MALIGNANT_NEOPLASM)
            or secondary_icd
        )

    def cancer(self, position: int, resource: Resource) -> _Cancer:
        morphology = None
        for extension in resource.get("extension", []):
            if extension.get("url") == codes.HISTOLOGY_MORPHOLOGY_BEHAVIOR:
                morphology = code_in(extension.get("valueCodeableConcept"), codes.ICD_O_3)
        morphology = morphology or code_in(resource.get("code"), codes.ICD_O_3)
        histology = codes.MORPHOLOGY_PATTERN.search(morphology or "")
        facts = codes.HISTOLOGY_FACTS.get(histology.group(1), None) if histology else None
        site, location = self.primary_site(resource.get("bodySite"))
        # The app's own export: its primary-site code means a NEN the app covers, whatever the morphology.
        own = code_in(resource.get("bodySite"), codes.value_system("primary_site")) in PrimarySite.values
        described = text_of(resource.get("code")) or "no code"
        if morphology:
            described += f", ICD-O-3 {morphology}"
        return _Cancer(
            index=position,
            site=site,
            pancreatic_location=location,
            facts=facts or (None, None, None),
            recognised=site is not None and (facts is not None or own),
            description=described,
        )

    @staticmethod
    def primary_site(body_site: Any) -> tuple[str | None, str | None]:
        """The app's primary site (and pancreatic location) from Condition.bodySite."""
        local = code_in(body_site, codes.value_system("primary_site"))
        if local in PrimarySite.values:
            return local, None
        topography = code_in(body_site, codes.ICD_O_3)
        if topography:
            normal = codes.normal_topography(topography)
            return codes.topography_site(topography), codes.PANCREATIC_LOCATIONS.get(normal)
        snomed = code_in(body_site, codes.SNOMED)
        return (codes.SNOMED_SITES.get(snomed or ""), None)

    # -- the records the app exported: a group resource and its facts --

    def read_groups(self) -> list[Draft]:
        drafts = []
        for position, resource in enumerate(self.index.resources):
            model = self.record_kind(resource)
            if model is None:
                continue
            self.used.add(position)
            members = self.members(position, resource)
            try:
                draft = self.group_draft(model, position, resource)
            except Unmappable as refused:
                self.unmapped.append(
                    Unmapped(self.index.label(position), text_of(resource.get("code")), str(refused))
                )
                for member in members:
                    self.skip(
                        member, text_of(self.index.resources[member].get("code")), "its record did not map"
                    )
                continue
            for member in members:
                self.used.add(member)
                self.read_fact(draft, member)
            drafts.append(draft)
        return drafts

    @staticmethod
    def record_kind(resource: Resource) -> type[models.Model] | None:
        """The kind of record a group resource holds (the app's record code in its code or category)."""
        names = {
            str(c.get("code"))
            for c in codings(resource.get("code")) + codings(resource.get("category"))
            if c.get("system") == codes.RECORD_SYSTEM
        }
        return next((model for model in FINDING_MODELS if model._meta.model_name in names), None)

    def members(self, position: int, resource: Resource) -> list[int]:
        refs = resource.get("hasMember", []) + resource.get("result", [])
        found = [self.index.resolve(ref) for ref in refs]
        for other, candidate in enumerate(self.index.resources):
            if any(self.index.resolve(ref) == position for ref in candidate.get("partOf", [])):
                found.append(other)
        return [item for item in dict.fromkeys(found) if item is not None]

    def group_draft(self, model: type[models.Model], position: int, resource: Resource) -> Draft:
        source = self.index.label(position)
        draft = Draft(model, {}, {}, [source])
        if model in RECORD_DATE:
            when = day(resource.get("effectiveDateTime"))
            if when:
                draft.set(RECORD_DATE[model], when, source)
        elif model is ImagingStudy:
            modality = code_in(resource.get("code"), codes.value_system("modality"))
            if modality is None:
                raise Unmappable("no imaging modality of the app")
            draft.set("modality", modality, source)
            draft.set("study_date", day(resource.get("performedDateTime")) or "", source)
            draft.set("performed", "on" if resource.get("status") != "not-done" else "", source)
            draft.data["metastatic_sites"] = []
        elif model is Resection:
            draft.set("resected_on", day(resource.get("performedDateTime")) or "", source)
        elif model is TreatmentLine:
            regimen = code_in(resource.get("medicationCodeableConcept"), codes.value_system("regimen"))
            if regimen is None:
                raise Unmappable("no regimen of the app")
            period = resource.get("effectivePeriod") or {}
            draft.set("regimen", regimen, source)
            draft.set(
                "started_on", day(period.get("start") or resource.get("effectiveDateTime")) or "", source
            )
            draft.set("ended_on", day(period.get("end")) or "", source)
        return draft

    def read_fact(self, draft: Draft, position: int) -> None:
        resource = self.index.resources[position]
        source = self.index.label(position)
        try:
            name, value = fact_of(resource, draft.model)
        except Unmappable as refused:
            self.unmapped.append(Unmapped(source, text_of(resource.get("code")), str(refused)))
            return
        if draft.model is not fact_model(resource, draft.model):
            self.unmapped.append(Unmapped(source, name, "not a fact of this record"))
            return
        draft.set(name, value, source)

    # -- observations from other systems: one record per kind and date --

    def read_loose_observations(self, cancer: _Cancer | None) -> list[Draft]:
        groups: dict[tuple[type[models.Model], str], Draft] = {}
        order: list[tuple[type[models.Model], str]] = []
        for position in self.of_type("Observation"):
            if position in self.used:
                continue
            resource = self.index.resources[position]
            source = self.index.label(position)
            self.used.add(position)
            try:
                model = fact_model(resource, None)
                name, value = fact_of(resource, model)
            except Unmappable as refused:
                self.unmapped.append(
                    Unmapped(source, text_of(resource.get("code")) or "Observation", str(refused))
                )
                continue
            when = day(resource.get("effectiveDateTime")) or day(
                (resource.get("effectivePeriod") or {}).get("start")
            )
            if when is None:
                self.unmapped.append(Unmapped(source, text_of(resource.get("code")), "no date of the result"))
                continue
            if name == "tmb_high" and has_code(resource.get("code"), codes.TMB):
                self.notices.append(
                    f"{source}: tumour mutational burden read as TMB-high "
                    f"{'yes' if value == 'true' else 'no'} "
                    f"(TMB-high from {codes.TMB_HIGH_MUTATIONS_PER_MB} mutations per megabase)."
                )
            key = (model, when)
            if key not in groups:
                groups[key] = Draft(model, {}, {}, [])
                order.append(key)
                if model in RECORD_DATE:
                    groups[key].set(RECORD_DATE[model], when, source)
            groups[key].set(name, value, source)
            if sequenced(resource):
                groups[key].set("ngs", "done", source)
        drafts = []
        for key in order:
            draft = groups[key]
            try:
                self.complete(draft, cancer)
            except Unmappable as refused:
                for name, source in draft.sources.items():
                    if name != RECORD_DATE.get(draft.model):
                        self.unmapped.append(
                            Unmapped(source, codes.field_label(draft.model, name), str(refused))
                        )
                continue
            drafts.append(draft)
        return drafts

    def complete(self, draft: Draft, cancer: _Cancer | None) -> None:
        """Fill what a record needs from the Bundle's other resources, or say why it cannot be.

        cancer is None when the Bundle's condition is not one the app covers: only ECOG is kept then.
        """
        if cancer is None and draft.model is not ClinicalStatus:
            raise Unmappable(NOT_COVERED)
        if draft.model is PathologyReport:
            differentiation, morphology, non_neuroendocrine = cancer.facts if cancer else (None, None, None)
            if cancer is not None:
                condition = self.index.label(cancer.index)
                if differentiation:
                    draft.set("differentiation", differentiation, condition)
                if morphology:
                    draft.set("morphology", morphology, condition)
                if non_neuroendocrine is not None:
                    draft.set(
                        "non_neuroendocrine_component", "true" if non_neuroendocrine else "false", condition
                    )
            if "differentiation" not in draft.data:
                raise Unmappable(
                    "a pathology report needs the differentiation, which the Bundle's condition does not code"
                )
            draft.data["specimen"] = "other"
            self.notices.append(
                f"The pathology report of {draft.data['specimen_date']} was created with specimen “Other”: "
                "the Bundle does not say whether it came from the primary or a metastasis; correct it on the "
                "Pathology step."
            )
        elif draft.model is MolecularResult and "ngs" not in draft.data:
            found = [codes.field_label(MolecularResult, name) for name in ALTERATIONS if name in draft.data]
            if found:
                self.notices.append(
                    f"{', '.join(found)} imported without the sequencing status: set next-generation "
                    "sequencing on the Molecular step (the alterations show once it is Done)."
                )
        elif draft.model is StagingAssessment:
            raise Unmappable(
                "a staging assessment needs the extent of disease, which the Bundle does not give"
            )

    # -- metastatic sites: with the imaging studies that showed them --

    def read_metastases(self, drafts: list[Draft]) -> None:
        studies = {draft.origin[0]: draft for draft in drafts if draft.model is ImagingStudy}
        for position in self.of_type("Condition"):
            resource = self.index.resources[position]
            if position in self.used or not self.is_secondary(resource):
                continue
            self.used.add(position)
            source = self.index.label(position)
            what = text_of(resource.get("code")) or "metastasis"
            site = metastatic_site(resource)
            if site is None:
                self.unmapped.append(Unmapped(source, what, "the metastatic site is not one the app records"))
                continue
            seen_by = [
                studies[self.index.label(target)]
                for evidence in resource.get("evidence", [])
                for ref in evidence.get("detail", [])
                if (target := self.index.resolve(ref)) is not None and self.index.label(target) in studies
            ]
            if not seen_by:
                self.unmapped.append(
                    Unmapped(
                        source,
                        f"metastasis: {MetastaticSite(site).label}",
                        "the app records metastatic sites with the imaging study that showed them; the "
                        "Bundle names none: add the site on the Imaging step",
                    )
                )
                continue
            for study in seen_by:
                sites = study.data["metastatic_sites"]
                assert isinstance(sites, list)  # noqa: S101 - set as a list by group_draft
                if site not in sites:
                    sites.append(site)
                    study.sources["metastatic_sites"] = source
                    study.origin.append(source)

    def read_decisions(self) -> None:
        for position in self.of_type("Procedure"):
            resource = self.index.resources[position]
            if position not in self.used and has_code(resource.get("code"), codes.TUMOR_BOARD_REVIEW):
                when = day(resource.get("performedDateTime")) or "undated"
                self.skip(
                    position,
                    f"tumor board review of {when}",
                    "board decisions are not imported: the board records its own at a meeting",
                )

    def place_pancreatic_location(self, cancer: _Cancer, drafts: list[Draft]) -> None:
        staging = [draft for draft in drafts if draft.model is StagingAssessment]
        source = self.index.label(cancer.index)
        if cancer.site != PrimarySite.PANCREAS:
            return
        if staging and all("pancreatic_location" not in draft.data for draft in staging):
            assert cancer.pancreatic_location is not None  # noqa: S101 - checked by the caller
            staging[-1].set("pancreatic_location", cancer.pancreatic_location, source)
        elif not staging:
            self.unmapped.append(
                Unmapped(
                    source,
                    f"pancreatic location: {cancer.pancreatic_location}",
                    "recorded with the staging, which the Bundle does not give: enter it on the Staging step",
                )
            )

    def keep_demographics_and_ecog(self, drafts: list[Draft]) -> list[Draft]:
        """A cancer the app does not cover: keep the ECOG of the clinical statuses, list all else."""
        kept = []
        for draft in drafts:
            allowed = NOT_COVERED_FACTS.get(draft.model, ())
            dropped = [name for name in draft.data if name not in allowed]
            by_source: dict[str, list[str]] = defaultdict(list)
            for name in dropped:
                source = draft.sources.get(name) or (draft.origin[0] if draft.origin else "Bundle")
                by_source[source].append(codes.field_label(draft.model, name))
                del draft.data[name]
            for source, labels in by_source.items():
                self.unmapped.append(Unmapped(source, ", ".join(labels), NOT_COVERED))
            if "ecog" in draft.data:
                kept.append(draft)
        return kept


def patient_form_data(reading: Reading) -> dict[str, str]:
    """The patient step's form data (prefixes as the workup's patient step uses them)."""
    data = {f"patient-{name}": value for name, value in reading.patient.items()}
    data["case-primary_site"] = reading.primary_site
    return data


def patient_problem_path(name: str) -> str:
    """Where a patient-step field comes from in the Bundle."""
    return PATIENT_PATHS.get(name, "Patient")
