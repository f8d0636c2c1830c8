"""Access events: who looked at or downloaded which case, and when (changes are in the history tables)."""

from django.conf import settings
from django.db import models

from cases.models.records import Case


class AccessEvent(models.Model):
    """One read of a case: its page, its pathway, its history, or its PDF."""

    class Action(models.TextChoices):
        VIEW_CASE = "view_case", "Viewed the case"
        VIEW_PATHWAY = "view_pathway", "Viewed the pathway"
        VIEW_HISTORY = "view_history", "Viewed the history"
        DOWNLOAD_PDF = "download_pdf", "Downloaded the PDF summary"
        KNOWN_MRN = "known_mrn", "Shown as an existing case of an MRN typed for a new case"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["case", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} (case {self.case_id})"
