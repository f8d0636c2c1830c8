"""The admin site: Django's, with the patient autocomplete of the case form audited like its lists."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models import Model
from django.http import HttpRequest, HttpResponse


class AuditedAutocompleteJsonView(AutocompleteJsonView):
    """The autocomplete's answer, with an access event per patient it names and the search recorded."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.shown: list[Model] = []
        response = super().get(request, *args, **kwargs)
        # Imported here: this module is loaded with the admin app, before the models and cases.admin.
        from cases.admin import AuditedAdmin
        from cases.audit import record_patient_reads, record_search
        from cases.models import AccessEvent, SearchEvent

        if isinstance(self.model_admin, AuditedAdmin):
            record_patient_reads(
                user=request.user,
                action=AccessEvent.Action.ADMIN_LIST,
                pairs=self.model_admin.listed_reads(self.shown),
            )
            if self.term.strip():
                record_search(
                    user=request.user,
                    place=SearchEvent.Place.ADMIN,
                    term=self.term,
                    result_count=len(self.shown),
                )
        return response

    def serialize_result(self, obj: Model, to_field_name: str) -> dict[str, Any]:
        """The option as Django writes it; the record is kept to audit the answer."""
        self.shown.append(obj)
        # Django's hook for the options (AutocompleteJsonView.serialize_result), missing from django-stubs.
        option: dict[str, Any] = super().serialize_result(obj, to_field_name)  # type: ignore[misc]
        return option


class AuditedAdminSite(admin.AdminSite):
    """The default admin site (AuditedAdminConfig) with an audited autocomplete."""

    def autocomplete_view(self, request: HttpRequest) -> HttpResponse:
        return cast(HttpResponse, AuditedAutocompleteJsonView.as_view(admin_site=self)(request))


class AuditedAdminConfig(AdminConfig):
    """django.contrib.admin with the audited site as admin.site (settings.INSTALLED_APPS names it)."""

    default_site = "cases.admin_site.AuditedAdminSite"
