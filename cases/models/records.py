"""Patients, cases and the dated, attributed findings a tumour board decides on."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models import choices
from cases.models.text import BOARD_QUESTION_LENGTH, identifier_text, name_text

# No patient of this board was born before 1900; an earlier year is a typing slip (0001, 1500, ...).
EARLIEST_DATE = date(1900, 1, 1)


def not_in_future(value: date) -> None:
    """Reject a date after today (in the project's time zone)."""
    if value and value > timezone.localdate():
        raise ValidationError("%(value)s is in the future.", params={"value": value}, code="future_date")


def not_before_1900(value: date) -> None:
    """Reject a date before 1900: no birth or clinical date of a living patient lies there."""
    if value and value < EARLIEST_DATE:
        raise ValidationError(
            "%(value)s is before 1900: check the year.", params={"value": value}, code="implausible_date"
        )


# Every date of the record: not before 1900 and not in the future.
PLAUSIBLE_DATE = [not_before_1900, not_in_future]


# A finding whose value may be unknown is `null=True, blank=True` (null in the contract), spelled out
# on each field so that the type checker knows the field may hold None.


class Authored(models.Model):
    """Who created and last changed a record, and when; its version and full change history."""

    # The record's bookkeeping: kept by the app, never entered, never shown as a clinical change.
    BOOKKEEPING_FIELDS = ("version", "created_at", "created_by", "updated_at", "updated_by")

    # Incremented on every save; edit forms carry the version they loaded so a stale save is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(inherit=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


class Patient(Authored):
    """A person whose cases come to the board."""

    mrn = models.CharField("medical record number", max_length=32, unique=True, validators=[identifier_text])
    family_name = models.CharField(max_length=100, validators=[name_text])
    given_name = models.CharField(max_length=100, validators=[name_text])
    date_of_birth = models.DateField(validators=PLAUSIBLE_DATE)
    sex = models.CharField(max_length=10, choices=choices.Sex.choices)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.mrn})"

    @property
    def display_name(self) -> str:
        """How pages name the patient: "FAMILY, Given"."""
        return f"{self.family_name.upper()}, {self.given_name}"

    def clean(self) -> None:
        if self.pk and self.date_of_birth:
            earliest = earliest_clinical_date(self)
            if earliest and earliest[0] < self.date_of_birth:
                day, label = earliest
                raise ValidationError(
                    {"date_of_birth": f"The record holds {label} of {day}, before this date of birth."}
                )


class Case(Authored):
    """One question about one patient's high-grade NEN for the tumour board."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cases")
    primary_site = models.CharField(max_length=20, choices=choices.PrimarySite.choices)
    status = models.CharField(
        max_length=10, choices=choices.CaseStatus.choices, default=choices.CaseStatus.DRAFT
    )
    responsible_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="responsible_cases",
        null=True,
        blank=True,
    )
    board_question = models.TextField(
        "question for the board",
        blank=True,
        max_length=BOARD_QUESTION_LENGTH,
        validators=[MaxLengthValidator(BOARD_QUESTION_LENGTH)],
    )
    # Why a clinician closed the case (a closed case keeps its record; nothing is deleted).
    close_reason = models.CharField("reason for closing", max_length=300, blank=True)
    # Kept in step with the record by cases.services so that lists can filter without running the engine.
    classification = models.CharField(max_length=24, choices=choices.Classification.choices, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["status", "-updated_at"]),
            models.Index(fields=["classification"]),
            # The case list's order: its first page reads 25 index entries instead of sorting every case.
            models.Index(fields=["-updated_at", "-id"], name="case_list_order_idx"),
        ]
        permissions = [
            ("mark_ready", "Can mark a case ready for the board"),
            ("export_cohort", "Can export the cohort of cases as CSV"),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk}: {self.patient} — {self.get_primary_site_display()}"

    @property
    def is_gynecologic(self) -> bool:
        """The primary is in the gynecologic tract (FIGO staging, stromal invasion, LVSI apply)."""
        return self.primary_site in choices.GYNECOLOGIC_SITES


class Finding(Authored):
    """A dated entry of a case's record; the latest relevant one feeds the pathway."""

    # PROTECT: a case with findings is never deleted (closed instead), so its record and history stay whole.
    case = models.ForeignKey(Case, on_delete=models.PROTECT)

    class Meta:
        abstract = True

    @classmethod
    def related_name(cls) -> str:
        """Where a case holds its findings of this kind (its default_related_name: case.pathology_reports)."""
        return str(cls._meta.default_related_name)

    @classmethod
    def clinical_date_fields(cls) -> list[models.DateField[Any, Any]]:
        """The finding's clinical dates (its bookkeeping timestamps are date-times, not dates)."""
        return [
            f
            for f in cls._meta.concrete_fields
            if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
        ]

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """The fields' own checks, then: no clinical date before the patient's date of birth."""
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        born = _birth_date(self)
        skipped = set(exclude or ()) | set(errors)
        for field in self.clinical_date_fields():
            value = getattr(self, field.name)
            if born and value and field.name not in skipped and value < born:
                errors[field.name] = [
                    ValidationError(f"{value} is before the patient's date of birth ({born}).")
                ]
        if errors:
            raise ValidationError(errors)


def _birth_date(finding: Finding) -> date | None:
    """The date of birth of the finding's patient, when the finding already belongs to a case."""
    case = getattr(finding, "case", None)  # unset: RelatedObjectDoesNotExist is an AttributeError
    patient = getattr(case, "patient", None)
    born = getattr(patient, "date_of_birth", None)
    return born if isinstance(born, date) else None


def earliest_clinical_date(patient: Patient) -> tuple[date, str] | None:
    """The patient's earliest clinical date in any case, with what it is (e.g. "a specimen date")."""
    found: list[tuple[date, str]] = []
    for model in FINDING_MODELS:
        for field in model.clinical_date_fields():
            rows = model._default_manager.filter(case__patient=patient, **{f"{field.name}__isnull": False})
            first = rows.order_by(field.name).values_list(field.name, flat=True).first()
            if first:
                found.append((first, f"a {field.verbose_name} ({model._meta.verbose_name})"))
    return min(found, default=None)


class PathologyReport(Finding):
    """Histology, grade and immunohistochemistry of one specimen."""

    specimen = models.CharField(max_length=12, choices=choices.Specimen.choices)
    specimen_date = models.DateField(validators=PLAUSIBLE_DATE)
    differentiation = models.CharField(max_length=14, choices=choices.Differentiation.choices)
    morphology = models.CharField(max_length=14, choices=choices.Morphology.choices, null=True, blank=True)
    ki67_percent = models.DecimalField(
        "Ki-67 (%)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        null=True,
        blank=True,
    )
    mitoses_per_2mm2 = models.DecimalField(
        "mitoses per 2 mm²",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0))],
        null=True,
        blank=True,
    )
    lower_grade_component = models.BooleanField("lower-grade (G1/G2) NET component", null=True, blank=True)
    non_neuroendocrine_component = models.BooleanField(
        "non-neuroendocrine component (MiNEN)", null=True, blank=True
    )
    p53_ihc = models.CharField("p53 IHC", max_length=10, choices=choices.P53.choices, null=True, blank=True)
    rb_ihc = models.CharField("Rb IHC", max_length=10, choices=choices.Rb.choices, null=True, blank=True)
    sstr2a_ihc = models.CharField(
        "SSTR2A IHC", max_length=16, choices=choices.Sstr2a.choices, null=True, blank=True
    )

    class Meta:
        default_related_name = "pathology_reports"
        ordering = ["-specimen_date", "-created_at"]
        get_latest_by = ["specimen_date", "created_at"]

    def __str__(self) -> str:
        return f"Pathology {self.specimen_date} ({self.get_specimen_display()})"

    def clean(self) -> None:
        if self.morphology in ("small_cell", "large_cell") and self.differentiation == "well":
            message = "Small-cell or large-cell morphology applies to poorly differentiated NEC only."
            raise ValidationError({"morphology": message})


class ImagingStudy(Finding):
    """One imaging study or endoscopy, or the record that it was not done."""

    modality = models.CharField(max_length=10, choices=choices.Modality.choices)
    study_date = models.DateField(
        validators=PLAUSIBLE_DATE, help_text="Required for a study that was done.", null=True, blank=True
    )
    performed = models.BooleanField(default=True, help_text="Untick to record that this study was not done.")
    sstr_uptake = models.CharField(
        "SSTR uptake", max_length=20, choices=choices.SstrUptake.choices, null=True, blank=True
    )
    fdg_avidity = models.CharField(
        "FDG avidity", max_length=8, choices=choices.FdgAvidity.choices, null=True, blank=True
    )
    metastatic_sites = models.JSONField("metastatic sites seen", default=list, blank=True)
    brain_metastases_count = models.PositiveSmallIntegerField(
        "number of brain metastases", null=True, blank=True
    )

    class Meta:
        default_related_name = "imaging_studies"
        # Undated rows (studies not done) after the dated ones, on every database.
        ordering = [models.F("study_date").desc(nulls_last=True), "-created_at"]
        verbose_name_plural = "imaging studies"

    def __str__(self) -> str:
        return f"{self.get_modality_display()} {self.study_date or 'not done'}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        sites = self.metastatic_sites or []
        unknown = [site for site in sites if site not in choices.MetastaticSite.values]
        if not isinstance(sites, list) or unknown:
            errors["metastatic_sites"] = f"Unknown metastatic site(s): {', '.join(map(str, unknown))}."
        if self.sstr_uptake and self.modality != choices.Modality.SSTR_PET:
            errors["sstr_uptake"] = "SSTR uptake is a result of an SSTR PET."
        if self.fdg_avidity and self.modality != choices.Modality.FDG_PET:
            errors["fdg_avidity"] = "FDG avidity is a result of an FDG PET."
        if not self.performed and (
            self.sstr_uptake or self.fdg_avidity or sites or self.brain_metastases_count
        ):
            errors["performed"] = "A study that was not done has no results."
        if self.performed and not self.study_date:
            errors["study_date"] = "Give the date of the study (or untick Performed if it was not done)."
        if self.brain_metastases_count and "brain" not in sites:
            errors["brain_metastases_count"] = (
                "Brain metastases counted, but the brain is not among the sites."
            )
        if errors:
            raise ValidationError(errors)


class MolecularResult(Finding):
    """MMR/MSI and sequencing results."""

    result_date = models.DateField(
        validators=PLAUSIBLE_DATE,
        help_text="Required once a result is recorded; empty while tests are pending or not done.",
        null=True,
        blank=True,
    )
    ordered_on = models.DateField(
        "ordered on",
        validators=PLAUSIBLE_DATE,
        help_text="When the tests were requested.",
        null=True,
        blank=True,
    )
    mmr = models.CharField("MMR / MSI", max_length=10, choices=choices.Mmr.choices, null=True, blank=True)
    ngs = models.CharField(
        "next-generation sequencing", max_length=8, choices=choices.NgsStatus.choices, null=True, blank=True
    )
    tmb_high = models.BooleanField("TMB-high", null=True, blank=True)
    ntrk_fusion = models.BooleanField("NTRK fusion", null=True, blank=True)
    ret_fusion = models.BooleanField("RET fusion", null=True, blank=True)
    braf_v600e = models.BooleanField("BRAF V600E", null=True, blank=True)

    class Meta:
        default_related_name = "molecular_results"
        # Undated rows (tests pending or not done) after the dated ones, on every database.
        ordering = [models.F("result_date").desc(nulls_last=True), "-created_at"]

    def __str__(self) -> str:
        if self.result_date:
            return f"Molecular {self.result_date}"
        return f"Molecular, ordered {self.ordered_on}" if self.ordered_on else "Molecular, no result yet"

    @property
    def has_result(self) -> bool:
        """An MMR/MSI result or a sequencing result is recorded (so the record has a result date)."""
        alterations = (self.tmb_high, self.ntrk_fusion, self.ret_fusion, self.braf_v600e)
        return self.mmr in (choices.Mmr.PROFICIENT, choices.Mmr.DEFICIENT) or (
            self.ngs == choices.NgsStatus.DONE or any(value is not None for value in alterations)
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        alterations = (self.tmb_high, self.ntrk_fusion, self.ret_fusion, self.braf_v600e)
        if self.ngs in ("not_done", "pending") and any(value is not None for value in alterations):
            errors["ngs"] = (
                "Sequencing alterations are recorded, so sequencing cannot be pending or not done."
            )
        if self.has_result and not self.result_date:
            errors["result_date"] = "Give the date of the result."
        if self.ordered_on and self.result_date and self.ordered_on > self.result_date:
            errors["ordered_on"] = "The tests are ordered after their result date."
        if errors:
            raise ValidationError(errors)


class StagingAssessment(Finding):
    """Extent of disease and the staging details the pathway needs."""

    assessed_on = models.DateField(validators=PLAUSIBLE_DATE)
    extent = models.CharField(max_length=16, choices=choices.Extent.choices)
    figo_stage = models.CharField(
        "FIGO 2018 stage", max_length=5, choices=choices.FigoStage.choices, null=True, blank=True
    )
    tumor_size_cm = models.DecimalField(
        "tumour size (cm)",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
        null=True,
        blank=True,
    )
    deep_stromal_invasion = models.BooleanField(null=True, blank=True)
    lvsi = models.BooleanField("lymphovascular space invasion (LVSI)", null=True, blank=True)
    pancreatic_location = models.CharField(
        max_length=10, choices=choices.PancreaticLocation.choices, null=True, blank=True
    )
    resectable = models.BooleanField(null=True, blank=True)
    liver_dominant = models.BooleanField("liver-dominant disease", null=True, blank=True)
    high_systemic_burden = models.BooleanField("high systemic disease burden", null=True, blank=True)

    class Meta:
        default_related_name = "staging_assessments"
        ordering = ["-assessed_on", "-created_at"]

    def __str__(self) -> str:
        return f"Staging {self.assessed_on}: {self.get_extent_display()}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        case = getattr(self, "case", None) if self.case_id else None
        site = case.primary_site if case else None
        if self.figo_stage and site != choices.PrimarySite.CERVIX:
            errors["figo_stage"] = "FIGO 2018 staging applies to a cervical primary only."
        if site and site not in choices.GYNECOLOGIC_SITES:
            if self.deep_stromal_invasion is not None:
                errors["deep_stromal_invasion"] = (
                    "Deep stromal invasion applies to a gynecologic primary only."
                )
            if self.lvsi is not None:
                errors["lvsi"] = "LVSI applies to a gynecologic primary only."
        if self.pancreatic_location and site != choices.PrimarySite.PANCREAS:
            errors["pancreatic_location"] = "Pancreatic location applies to a pancreatic primary only."
        if self.extent != choices.Extent.METASTATIC and (self.liver_dominant or self.high_systemic_burden):
            errors["extent"] = "Liver dominance and systemic burden describe metastatic disease."
        if self.figo_stage == choices.FigoStage.IVB and self.extent != choices.Extent.METASTATIC:
            errors["figo_stage"] = "FIGO IVB means distant metastases: set the extent to metastatic."
        if errors:
            raise ValidationError(errors)


class ClinicalStatus(Finding):
    """Performance status, syndromes and pace of disease at one date."""

    assessed_on = models.DateField(validators=PLAUSIBLE_DATE)
    ecog = models.PositiveSmallIntegerField(
        "ECOG performance status", validators=[MaxValueValidator(4)], null=True, blank=True
    )
    hormonal_syndrome = models.BooleanField("hormone-mediated clinical syndrome", null=True, blank=True)
    carcinoid_syndrome_suspected = models.BooleanField(null=True, blank=True)
    hiaa_5_elevated = models.BooleanField("5-HIAA elevated", null=True, blank=True)
    cns_symptoms = models.BooleanField("CNS symptoms", null=True, blank=True)
    disease_pace = models.CharField(max_length=10, choices=choices.DiseasePace.choices, null=True, blank=True)
    discordant_lesion_growth = models.BooleanField("one lesion outpacing the others", null=True, blank=True)
    etoposide_unsuitable = models.BooleanField("etoposide cannot be given", null=True, blank=True)

    class Meta:
        default_related_name = "clinical_statuses"
        ordering = ["-assessed_on", "-created_at"]
        verbose_name_plural = "clinical statuses"

    def __str__(self) -> str:
        return f"Clinical status {self.assessed_on}"


class Resection(Finding):
    """Surgery of the primary (or the record that none was done) and its margin."""

    resected_on = models.DateField(validators=PLAUSIBLE_DATE, null=True, blank=True)
    margin = models.CharField(max_length=12, choices=choices.Margin.choices)
    radiation_amenable = models.BooleanField("tumour bed amenable to radiation", null=True, blank=True)

    class Meta:
        default_related_name = "resections"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Resection {self.resected_on or ''} {self.get_margin_display()}".strip()

    def clean(self) -> None:
        if self.margin != choices.Margin.NOT_RESECTED and not self.resected_on:
            raise ValidationError({"resected_on": "Give the date of the resection."})
        if self.margin == choices.Margin.NOT_RESECTED and self.resected_on:
            raise ValidationError({"resected_on": "No date for a resection that was not done."})


class TreatmentLine(Finding):
    """One line of systemic therapy."""

    regimen = models.CharField(max_length=40, choices=choices.Regimen.choices)
    started_on = models.DateField(validators=PLAUSIBLE_DATE)
    ended_on = models.DateField(validators=PLAUSIBLE_DATE, null=True, blank=True)
    cycles = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)], null=True, blank=True)
    best_response = models.CharField(
        "best response (RECIST)", max_length=2, choices=choices.Response.choices, null=True, blank=True
    )
    progressed = models.BooleanField(null=True, blank=True)
    progression_date = models.DateField(validators=PLAUSIBLE_DATE, null=True, blank=True)
    progressed_during_break = models.BooleanField(
        "progressed during a planned break (after the course ended)", null=True, blank=True
    )

    class Meta:
        default_related_name = "treatment_lines"
        ordering = ["started_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_regimen_display()} from {self.started_on}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = "The end date is before the start date."
        if self.progression_date and self.started_on and self.progression_date < self.started_on:
            errors["progression_date"] = "Progression is dated before the start of this line."
        if self.progression_date and self.progressed is False:
            errors["progressed"] = "A progression date is given, so the disease progressed."
        if self.progressed_during_break and self.progressed is False:
            errors["progressed_during_break"] = "Progression during a break needs a progression."
        if errors:
            raise ValidationError(errors)

    @property
    def has_progressed(self) -> bool | None:
        """Progression as the contract sees it: explicit, or implied by a progression date."""
        if self.progressed is not None:
            return self.progressed
        return True if self.progression_date else None

    @property
    def months_to_progression(self) -> float | None:
        """Months from the start of the line to progression, one decimal."""
        if not self.progression_date:
            return None
        return round((self.progression_date - self.started_on).days / DAYS_PER_MONTH, 1)


DAYS_PER_MONTH = 365.25 / 12


# The seven kinds of finding, in the order the workup enters them: declared once, read everywhere.
FINDING_MODELS: tuple[type[Finding], ...] = (
    PathologyReport,
    ImagingStudy,
    MolecularResult,
    StagingAssessment,
    ClinicalStatus,
    Resection,
    TreatmentLine,
)
