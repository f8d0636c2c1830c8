"""Limits and character rules of text: bounded free text, identifiers without hidden characters."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

# Long enough for any real question; a megabyte of text made the PDF take 20 s.
BOARD_QUESTION_LENGTH = 2000
# Plans and reasons of a board decision.
DECISION_TEXT_LENGTH = 4000

# Unicode categories that change how text is shown without being seen: controls (Cc), format
# characters such as bidi overrides and zero-width spaces (Cf), private use (Co), surrogates (Cs),
# unassigned code points (Cn), and line or paragraph separators (Zl, Zp).
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def _hidden(value: str, *, spaces: bool) -> list[str]:
    """The code points of value that identify nothing a person can see (U+XXXX, once each)."""
    found = []
    for character in value:
        category = unicodedata.category(character)
        if category in HIDDEN_CATEGORIES or (category == "Zs" and (not spaces or character != " ")):
            code = f"U+{ord(character):04X}"
            if code not in found:
                found.append(code)
    return found


def identifier_text(value: str) -> None:
    """An MRN: visible characters only, no spaces (bidi overrides or zero-width characters spoof one)."""
    hidden = _hidden(value, spaces=False)
    if hidden:
        raise ValidationError(
            "Contains invisible or spacing characters (%(codes)s): type the identifier again.",
            params={"codes": ", ".join(hidden)},
            code="hidden_characters",
        )


def name_text(value: str) -> None:
    """A person's name: visible characters and plain spaces only."""
    hidden = _hidden(value, spaces=True)
    if hidden:
        raise ValidationError(
            "Contains invisible characters (%(codes)s): type the name again.",
            params={"codes": ", ".join(hidden)},
            code="hidden_characters",
        )
