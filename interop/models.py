"""What each FHIR import brought into a new draft case, and what it could not map."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from cases.models import Case


class FhirImport(models.Model):
    """One FHIR Bundle read into a new draft case: who, when, what was prefilled and what did not map.

    The marker of imported data: the records listed in `imported` were prefilled from the Bundle and are
    for the clinician to review step by step. Kept with the case (protected), like its history.
    """

    case: models.OneToOneField[Case, Case] = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="fhir_import"
    )
    imported_by: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at: models.DateTimeField[Any, Any] = models.DateTimeField(auto_now_add=True)
    # Bundle.identifier (system|value) or Bundle.id, to recognise the same Bundle again.
    bundle_identifier: models.CharField[str, str] = models.CharField(max_length=300, blank=True)
    # False: the Bundle's cancer is not a high-grade GEP or gynecologic NEN (demographics and ECOG only).
    covered: models.BooleanField[bool, bool] = models.BooleanField(default=True)
    # [{"step", "record", "sources"}]: each record prefilled, its workup step and the resources it came from.
    imported = models.JSONField(default=list)
    # [{"source", "what", "reason"}]: each resource or fact of the Bundle that did not map.
    unmapped = models.JSONField(default=list)
    # Plain sentences for the clinician (e.g. the condition is not covered, a default that needs checking).
    notices = models.JSONField(default=list)

    case_id: int

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = "FHIR import"

    def __str__(self) -> str:
        return f"FHIR import into case {self.case_id}"


class ApiToken(models.Model):
    """A bearer token of the REST API: only its SHA-256 digest is kept; revoked tokens stay for the trail."""

    user: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    digest: models.CharField[str, str] = models.CharField(max_length=64, unique=True)
    created_at: models.DateTimeField[Any, Any] = models.DateTimeField(auto_now_add=True)
    last_used_at: models.DateTimeField[Any, Any] = models.DateTimeField(null=True, blank=True)
    revoked_at: models.DateTimeField[Any, Any] = models.DateTimeField(null=True, blank=True)

    user_id: int

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"API token of user {self.user_id}"
