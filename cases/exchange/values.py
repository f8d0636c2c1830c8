"""One field's value in the file and back: dates in ISO 8601, times in UTC, decimals as exact text."""

# The schema has checked a value's JSON type before it is decoded here; what a value may be (codes,
# lengths, ranges) is the model's own validation, run on the whole record afterwards.

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cases.exchange.errors import ExportError, json_type, show
from cases.exchange.layout import references_patient, references_user

# Timestamps outside this range are refused: beyond year 1..9999 in UTC PostgreSQL stores a value that
# Python cannot read back, and no record of this app was written before 1900 or after now (a day of skew).
EARLIEST_TIMESTAMP = datetime(1900, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(days=1)


def encode_datetime(value: datetime) -> str:
    """A time as ISO 8601 text in UTC, with its microseconds."""
    return value.astimezone(UTC).isoformat()


def encode_value(f: models.Field[Any, Any], value: Any) -> Any:
    """A plain field's Python value as JSON: dates in ISO 8601, datetimes in UTC, decimals as exact text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return encode_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str | bool | int | float | list | dict):
        return value
    raise ExportError(f"{f.model.__name__}.{f.name}: no JSON encoding for {type(value).__name__} values")


def _expected(f: models.Field[Any, Any]) -> str:
    """What the file must give for a field, as the message for a value of the wrong JSON type says it."""
    if references_user(f):
        return "a username"
    if references_patient(f):
        return "the MRN of a patient in this file"
    if isinstance(f, models.BooleanField):
        return "true or false"
    if isinstance(f, models.IntegerField):  # includes the automatic primary keys
        return "a whole number"
    if isinstance(f, models.DecimalField):
        return "a number (or a number as text)"
    if isinstance(f, models.DateField):
        return "a date as text (YYYY-MM-DD)"
    if isinstance(f, models.JSONField):
        return "a list"
    return "text"


def not_a_time_message(value: Any) -> str:
    """Why a value is refused where the file must give a date and time."""
    return f"expected a date and time as text, got {show(value)}"


def wrong_type_message(f: models.Field[Any, Any], value: Any) -> str:
    """Why a value is refused whose JSON type the schema does not allow for the field."""
    if value is None:
        return str(f.error_messages["null"])
    if isinstance(f, models.DateTimeField):
        return not_a_time_message(value)
    null = " or null" if f.null else ""
    return f"expected {_expected(f)}{null}, got {json_type(value)}"


def aware_datetime(value: str) -> datetime:
    """A time from the file: ISO 8601 with its offset, between 1900 and now."""
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError(f"{show(value)} is not a date and time (ISO 8601)")
    if timezone.is_naive(parsed):
        raise ValidationError("give the time zone offset, e.g. 2026-01-31T09:30:00+00:00")
    latest = timezone.now() + CLOCK_SKEW
    try:
        in_range = EARLIEST_TIMESTAMP <= parsed.astimezone(UTC) <= latest
    except OverflowError:  # e.g. 0001-01-01T00:00:00+05:00 is before year 1 in UTC
        in_range = False
    if not in_range:
        raise ValidationError(f"{show(value)} is out of range: give a time between 1900 and now")
    return parsed


def _check_text(value: Any) -> None:
    """Refuse text no database column holds: NUL characters and unpaired surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError("contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("contains an unpaired surrogate (not valid Unicode)") from None
    elif isinstance(value, list):
        for item in value:
            _check_text(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)


def decode_value(f: models.Field[Any, Any], value: Any) -> Any:
    """A plain (non-relation) field's Python value from JSON of the type the schema allows."""
    if isinstance(f, models.DateTimeField):
        return aware_datetime(value)
    if isinstance(f, models.IntegerField) and f.primary_key and value < 1:
        raise ValidationError("expected a whole number of 1 or more")
    _check_text(value)
    return f.to_python(value)
