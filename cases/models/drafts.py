"""Unsaved workup input, kept so that leaving a step never loses what was typed."""

from django.conf import settings
from django.db import models

from cases.models.records import Case


class WorkupDraft(models.Model):
    """What one user typed on one workup step of a case but has not saved yet."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="drafts")
    step = models.CharField(max_length=20)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "step", "author"], name="one_draft_per_step_and_author")
        ]

    def __str__(self) -> str:
        return f"Draft of {self.step} for case {self.case_id}"
