"""The pathway pictures in templates: {% treatment_timeline case %}, and numbers as the SVG writes them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from cases.models import Case
from guidelines.pictures import treatment_timeline_svg
from guidelines.pictures.geometry import svg_number

register = template.Library()


@register.filter("svg_number")
def svg_number_filter(value: float) -> SafeString:
    """A coordinate or size as the pictures write it.

    Marked safe, as floatformat's output is: digits, "-" and "." need no escaping, and skipping it
    saves a tenth of the pictures' rendering time.
    """
    return SafeString(svg_number(value))


@register.inclusion_tag("pathway/partials/timeline.html")
def treatment_timeline(case: Case) -> dict[str, Any]:
    """The treatment timeline figure of a case loaded with cases.facts.with_record."""
    return {"timeline_svg": treatment_timeline_svg(case)}
