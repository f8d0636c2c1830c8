"""Who read which patient's record and when, and who searched (changes are in the history tables)."""

from django.conf import settings
from django.db import models

from cases.models.records import Case, Patient


class AccessEvent(models.Model):
    """One read of a patient's record: a page, a list row, a document, a form or an admin page.

    Never deleted: the patient, the case and the user are protected, so the trail outlives nothing it records.
    """

    class Action(models.TextChoices):
        VIEW_CASE = "view_case", "Viewed the case"
        VIEW_PATHWAY = "view_pathway", "Viewed the pathway"
        VIEW_HISTORY = "view_history", "Viewed the history"
        DOWNLOAD_PDF = "download_pdf", "Downloaded the PDF summary"
        LIST_CASES = "list_cases", "Listed in the case list"
        SEARCH_RESULT = "search_result", "Listed in search results"
        VIEW_WORKUP = "view_workup", "Opened a workup form"
        VIEW_MEETING = "view_meeting", "Listed on a meeting page"
        PRESENT = "present", "Shown in present mode"
        VIEW_DECISION = "view_decision", "Opened the decision form"
        DOWNLOAD_PACKET = "download_packet", "Downloaded the meeting packet"
        DOWNLOAD_MINUTES = "download_minutes", "Downloaded the meeting minutes"
        ADMIN_VIEW = "admin_view", "Opened in the admin"
        ADMIN_LIST = "admin_list", "Listed in the admin"
        AUDIT_REPORT = "audit_report", "Listed in the access report"
        KNOWN_MRN = "known_mrn", "Shown as an existing case of an MRN typed for a new case"
        EXPORT_FHIR = "export_fhir", "Exported as a FHIR Bundle"
        EXPORT_COHORT = "export_cohort", "Exported in the cohort CSV"
        API_LIST = "api_list", "Listed through the API"
        API_READ = "api_read", "Read through the API"
        API_CREATE = "api_create", "Created through the API"
        DOWNLOAD_SHEET = "download_sheet", "Downloaded the board sheet"
        VIEW_QUALITY = "view_quality", "Listed on the quality page"
        EXPORT_QUALITY = "export_quality", "Exported in the quality CSV or PDF"
        VIEW_COMMENTS = "view_comments", "Read the board comments"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="access_events")
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="access_events"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["case", "-at"]),
            models.Index(fields=["patient", "-at"], name="access_patient_at_idx"),
            models.Index(fields=["user", "-at"], name="access_user_at_idx"),
            models.Index(fields=["-at"], name="access_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} (patient {self.patient_id})"


class SearchEvent(models.Model):
    """One search of the record (case list or admin): who, when, where, how many results, the terms' digest.

    The terms are often names: only a keyed digest is kept, so an auditor can check whether someone searched
    for a given name (by typing it into the report) without the trail itself listing names.
    """

    class Place(models.TextChoices):
        CASE_LIST = "case_list", "Case list"
        ADMIN = "admin", "Admin"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    place = models.CharField(max_length=12, choices=Place.choices)
    term_digest = models.CharField(max_length=64)
    result_count = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["term_digest", "-at"], name="search_digest_at_idx"),
            models.Index(fields=["user", "-at"], name="search_user_at_idx"),
        ]

    def __str__(self) -> str:
        return f"Search in {self.get_place_display()} ({self.result_count} results)"
