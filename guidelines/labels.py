"""How the pathway page, PDF and board screens write dates and done states (codes: codes.py)."""

from __future__ import annotations

from datetime import date

from django.utils.dateformat import format as format_date

DATE_FORMAT = "j M Y"  # "2 Mar 2026": unambiguous in every locale a board may use

DONE_STATES = {True: "done", False: "outstanding", None: "unknown"}


def show_date(day: date) -> str:
    """A date as every page and PDF of the app writes it."""
    return format_date(day, DATE_FORMAT)
