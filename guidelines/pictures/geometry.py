"""What both pictures share: their colours, how numbers are written, how wide text is, how captions wrap."""

from __future__ import annotations

from dataclasses import dataclass

FONT = "DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif"
NAVY = "#0a3d7a"
GREY_FILL = "#f1f3f5"
GREY_LINE = "#c4cad0"
# Text of branches the case does not take: 5.5:1 on GREY_FILL, 6:1 on white (WCAG AA for small text).
GREY_TEXT = "#5c636a"
INK = "#212529"
WHITE = "#ffffff"
STATUS_COLOURS = {  # (fill, text) per status; dark enough for white text (WCAG AA)
    "recommended": ("#146c43", WHITE),
    "consider": ("#ffcd39", "#3b2c00"),
    "not_recommended": ("#b02a37", WHITE),
}


def svg_number(value: float) -> str:
    """A coordinate or size with one decimal at most: smaller markup, same picture."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def text_width(content: str, size: float) -> float:
    """A generous estimate of the rendered width (no font metrics on the server)."""
    return len(content) * size * 0.6


def wrap(text: str, width: float, size: float) -> tuple[str, ...]:
    """Split a caption into lines that fit the width (at most two; the rest stays on line two)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines) < 2 and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        elif lines and len(lines) == 2:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return tuple(lines)


@dataclass(frozen=True)
class Text:
    """One line of text: its anchor point (the template aligns it: start, middle or end), size, colour."""

    x: float
    y: float
    content: str
    size: float
    fill: str = INK
