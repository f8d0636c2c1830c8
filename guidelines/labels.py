"""How the pathway page, PDF and board screens write dates, done states and authors (codes: codes.py)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.dateformat import format as format_date

DATE_FORMAT = "j M Y"  # "2 Mar 2026": unambiguous in every locale a board may use

DONE_STATES = {True: "done", False: "outstanding", None: "unknown"}


def show_date(day: date) -> str:
    """A date as every page and PDF of the app writes it."""
    return format_date(day, DATE_FORMAT)


def user_name(user: AbstractBaseUser | AnonymousUser) -> str:
    """Full name, else user name: the author every PDF prints."""
    full_name = getattr(user, "get_full_name", lambda: "")()
    return full_name or user.get_username()
