"""Django admin for the clinical record: search by MRN and name, findings as inlines.

Every patient the admin shows is in the read trail (list rows and change pages), searches are recorded
as digests, and nothing with clinical history can be deleted here: cases are closed, users deactivated.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters, InlineModelAdmin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse

from cases import audit
from cases.models import (
    FINDING_MODELS,
    AccessEvent,
    Authored,
    Case,
    Finding,
    Patient,
    SearchEvent,
    TreatmentLine,
)

if TYPE_CHECKING:
    # The model of AUTH_USER_MODEL, as django-stubs resolves it; get_user_model() at run time.
    from django.contrib.auth.models import User as Account

BOOKKEEPING = Authored.BOOKKEEPING_FIELDS
# (patient id, case id or None): what one access event names.
Read = tuple[int, int | None]
# The model an admin shows; a record of the clinical record, for the admins that stamp authorship.
_M = TypeVar("_M", bound=models.Model)
_Record = TypeVar("_Record", bound=Authored)


class BoundedDateChangeList(ChangeList):
    """A date-hierarchy year no date holds (?specimen_date__year=99999999999) is a bad filter, not a 500."""

    def get_filters(self, request: HttpRequest) -> Any:
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


def _context_value(response: HttpResponse, name: str) -> Any:
    """A value of a rendered page's context (None for a redirect or any response without a template)."""
    context = response.context_data if isinstance(response, SimpleTemplateResponse) else None
    return context.get(name) if context else None


class NoDeleteAdmin(admin.ModelAdmin[_M]):
    """Records kept for good: the admin offers no delete (and no bulk delete action)."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return BoundedDateChangeList

    def has_delete_permission(self, request: HttpRequest, obj: _M | None = None) -> bool:
        return False


class AuditedAdmin(NoDeleteAdmin[_M]):
    """Writes an access event per patient on a change list page or a change page, and records searches."""

    def listed_reads(self, rows: list[_M]) -> Iterable[Read]:
        """The patients a change list page shows (default: each row's own)."""
        return [self.read_of(row) for row in rows]

    def shown_reads(self, obj: _M) -> Iterable[Read]:
        """The patients a change page shows (default: the record's own)."""
        return [self.read_of(obj)]

    def read_of(self, obj: _M) -> Read:
        """The patient and case of one record."""
        raise NotImplementedError

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = _context_value(response, "cl")
        if changelist is not None:
            audit.record_patient_reads(
                user=request.user,
                action=AccessEvent.Action.ADMIN_LIST,
                pairs=self.listed_reads(list(changelist.result_list)),
            )
            if changelist.query.strip():
                audit.record_search(
                    user=request.user,
                    place=SearchEvent.Place.ADMIN,
                    term=changelist.query,
                    result_count=changelist.result_count,
                )
        return response

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        original = _context_value(response, "original")
        if original is not None:
            audit.record_patient_reads(
                user=request.user, action=AccessEvent.Action.ADMIN_VIEW, pairs=self.shown_reads(original)
            )
        return response


class AuthoredAdmin(AuditedAdmin[_Record]):
    """Stamps who created and changed a record."""

    readonly_fields = BOOKKEEPING

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


def _inline(model: type[Finding]) -> type[InlineModelAdmin[Finding, Case]]:
    """A case page's inline of one kind of finding (lines of therapy as a table, the others stacked)."""
    layout = admin.TabularInline if model is TreatmentLine else admin.StackedInline
    options = {"model": model, "extra": 0, "can_delete": False, "exclude": BOOKKEEPING}
    return type(
        f"{model.__name__}Inline", (layout,), {**options, "show_change_link": layout is admin.StackedInline}
    )


class CaseInline(admin.TabularInline[Case, Patient]):
    model = Case
    fields = ("primary_site", "status", "responsible_clinician")
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Patient)
class PatientAdmin(AuthoredAdmin[Patient]):
    list_display = ("mrn", "family_name", "given_name", "date_of_birth", "sex")
    search_fields = ("mrn", "family_name", "given_name")
    list_filter = ("sex",)
    inlines = (CaseInline,)

    def read_of(self, obj: Patient) -> Read:
        return (obj.pk, None)


@admin.register(Case)
class CaseAdmin(AuthoredAdmin[Case]):
    list_display = ("id", "patient", "primary_site", "status", "responsible_clinician", "updated_at")
    list_select_related = ("patient", "responsible_clinician")
    search_fields = ("patient__mrn", "patient__family_name", "patient__given_name")
    list_filter = ("status", "primary_site")
    autocomplete_fields = ("patient",)
    inlines = tuple(_inline(model) for model in FINDING_MODELS)

    def read_of(self, obj: Case) -> Read:
        return (obj.patient_id, obj.pk)


class FindingAdmin(AuthoredAdmin[Finding]):
    """A finding on its own page; searchable by the patient's MRN and name."""

    list_select_related = ("case__patient",)
    search_fields = ("case__patient__mrn", "case__patient__family_name", "case__patient__given_name")
    raw_id_fields = ("case",)

    def read_of(self, obj: Finding) -> Read:
        return (obj.case.patient_id, obj.case_id)


def _coded_fields(model: type[Finding]) -> tuple[str, ...]:
    """The fields a list of findings filters on: every coded answer and every plain yes/no."""
    return tuple(
        field.name
        for field in model._meta.concrete_fields
        if field.choices or (isinstance(field, models.BooleanField) and not field.null)
    )


def _register(model: type[Finding]) -> None:
    """A finding's own list, by its first clinical date, filtered by its coded fields."""
    date_field = model.clinical_date_fields()[0].name
    options = {
        "list_display": ("__str__", "case", date_field),
        "list_filter": _coded_fields(model),
        "date_hierarchy": date_field,
    }
    admin.site.register(model, type(f"{model.__name__}Admin", (FindingAdmin,), options))


for finding_model in FINDING_MODELS:
    _register(finding_model)


admin.site.unregister(get_user_model())


# Quoted: a base class is evaluated at run time, and Account exists only for the type checker.
@admin.register(get_user_model())
class AccountAdmin(UserAdmin["Account"]):
    """People are deactivated (Active unticked), never deleted: their name stays on what they did."""

    def has_delete_permission(self, request: HttpRequest, obj: Account | None = None) -> bool:
        return False


# The login trail (django-axes) is kept; lockouts themselves (access attempts) can still be cleared.
admin.site.unregister(AccessLog)
admin.site.unregister(AccessFailureLog)


@admin.register(AccessLog)
class KeptAccessLogAdmin(NoDeleteAdmin[AccessLog], AccessLogAdmin):
    """Logins and logouts, kept."""


@admin.register(AccessFailureLog)
class KeptAccessFailureLogAdmin(NoDeleteAdmin[AccessFailureLog], AccessFailureLogAdmin):
    """Failed logins, kept."""
