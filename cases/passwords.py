"""A password validator Django lacks: enough different characters (no "aaaaaaaaaaaa")."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

MIN_DISTINCT_CHARACTERS = 6


class VariedCharactersValidator:
    """Refuse a password made of a few characters repeated."""

    def __init__(self, min_distinct: int = MIN_DISTINCT_CHARACTERS) -> None:
        self.min_distinct = min_distinct

    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                f"This password repeats too few characters: use at least {self.min_distinct} different ones.",
                code="password_too_repetitive",
            )

    def get_help_text(self) -> str:
        return f"Your password must contain at least {self.min_distinct} different characters."
