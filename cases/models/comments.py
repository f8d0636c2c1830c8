"""Comments on a case before the board meets: added, never edited or deleted (a correction is a new one)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

from cases.models.records import Case

# A note for the board, not a letter: long enough for a paragraph or two.
COMMENT_LENGTH = 2000


class CaseComment(models.Model):
    """One person's note on a case for the board, with who wrote it and when."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    text = models.TextField(
        "comment", max_length=COMMENT_LENGTH, validators=[MaxLengthValidator(COMMENT_LENGTH)]
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="case_comment_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(text=""),
                name="case_comment_has_text",
                violation_error_message="Type a comment.",
            )
        ]
        # Add only: no change or delete permission exists, so no role can be given one.
        default_permissions = ("add",)

    def __str__(self) -> str:
        return f"Comment {self.pk} on case {self.case_id}"
