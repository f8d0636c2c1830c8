"""CSV cells a spreadsheet shows and never runs (access report, cohort export, quality figures)."""

from __future__ import annotations

# A cell starting with one of these is read as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The value as text (None as empty), a formula-like start quoted with '."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
