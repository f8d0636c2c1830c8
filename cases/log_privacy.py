"""Keep patient data out of the logs: exception messages and query strings are not written."""

from __future__ import annotations

import logging
import re
import traceback
from types import TracebackType

# What logging passes: sys.exc_info(), all None when `exc_info=True` is logged outside an exception.
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]
QUERY_STRING = re.compile(r"\?[^\s\"]*")


class RedactingFormatter(logging.Formatter):
    """Formats tracebacks with code locations and exception types only.

    Exception messages can carry patient values (a database error quoting a record number, a
    validation message quoting a name), so they are replaced; file, line and function stay for debugging.
    """

    def formatException(self, ei: ExcInfo) -> str:  # noqa: N802 - logging's own method name
        kind, _, tb = ei
        if kind is None:
            return "NoneType: None"  # as logging.Formatter writes it (there is no message to redact)
        frames = "".join(traceback.format_tb(tb))
        name = f"{kind.__module__}.{kind.__qualname__}"
        return f"Traceback (most recent call last):\n{frames}{name}: <message redacted>"

    def format(self, record: logging.LogRecord) -> str:
        # Searches put names and MRNs in query strings (?q=...); request lines keep only the path.
        message = super().format(record)
        return QUERY_STRING.sub("?<query redacted>", message)
