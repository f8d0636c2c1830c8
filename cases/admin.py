"""Django admin for the clinical record: search by MRN and name, findings as inlines."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

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

AUTHORSHIP = ("created_at", "created_by", "updated_at", "updated_by")


class AuthoredAdmin(admin.ModelAdmin):
    """Stamps who created and changed a record."""

    readonly_fields = AUTHORSHIP

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for instance in formset.save(commit=False):
            if not instance.pk:
                instance.created_by = request.user
            instance.updated_by = request.user
            instance.save()
        for instance in formset.deleted_objects:
            instance.delete()
        formset.save_m2m()


class FindingInline(admin.StackedInline):
    extra = 0
    exclude = AUTHORSHIP
    show_change_link = True


class PathologyInline(FindingInline):
    model = PathologyReport


class ImagingInline(FindingInline):
    model = ImagingStudy


class MolecularInline(FindingInline):
    model = MolecularResult


class StagingInline(FindingInline):
    model = StagingAssessment


class ClinicalInline(FindingInline):
    model = ClinicalStatus


class ResectionInline(FindingInline):
    model = Resection


class TreatmentLineInline(admin.TabularInline):
    model = TreatmentLine
    extra = 0
    exclude = AUTHORSHIP


class CaseInline(admin.TabularInline):
    model = Case
    fields = ("primary_site", "status", "responsible_clinician")
    extra = 0
    show_change_link = True


@admin.register(Patient)
class PatientAdmin(AuthoredAdmin):
    list_display = ("mrn", "family_name", "given_name", "date_of_birth", "sex")
    search_fields = ("mrn", "family_name", "given_name")
    list_filter = ("sex",)
    inlines = (CaseInline,)


@admin.register(Case)
class CaseAdmin(AuthoredAdmin):
    list_display = ("id", "patient", "primary_site", "status", "responsible_clinician", "updated_at")
    list_select_related = ("patient", "responsible_clinician")
    search_fields = ("patient__mrn", "patient__family_name", "patient__given_name")
    list_filter = ("status", "primary_site")
    autocomplete_fields = ("patient",)
    inlines = (
        PathologyInline,
        ImagingInline,
        MolecularInline,
        StagingInline,
        ClinicalInline,
        ResectionInline,
        TreatmentLineInline,
    )


class FindingAdmin(AuthoredAdmin):
    """A finding on its own page; searchable by the patient's MRN and name."""

    list_select_related = ("case__patient",)
    search_fields = ("case__patient__mrn", "case__patient__family_name", "case__patient__given_name")
    raw_id_fields = ("case",)


def _register(model: type[Model], date_field: str, *filters: str) -> None:
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (FindingAdmin,),
            {
                "list_display": ("__str__", "case", date_field),
                "list_filter": filters,
                "date_hierarchy": date_field,
            },
        ),
    )


_register(PathologyReport, "specimen_date", "differentiation", "specimen")
_register(ImagingStudy, "study_date", "modality", "performed")
_register(MolecularResult, "result_date", "mmr", "ngs")
_register(StagingAssessment, "assessed_on", "extent")
_register(ClinicalStatus, "assessed_on", "disease_pace")
_register(Resection, "created_at", "margin")
_register(TreatmentLine, "started_on", "regimen", "best_response")
