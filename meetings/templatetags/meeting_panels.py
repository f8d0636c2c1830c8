"""The board's panels on other apps' pages, which load them without importing meetings."""

from __future__ import annotations

from typing import Any

from django import template

from cases.models import Case
from meetings.decisions import decisions_for_case

register = template.Library()


@register.inclusion_tag("meetings/partials/case_decisions.html", takes_context=True)
def case_decisions(context: template.Context, case: Case) -> dict[str, Any]:
    """`{% case_decisions case %}`: the board's decisions on the case, latest meeting first (one query)."""
    # An inclusion tag starts a fresh context: the partial's meeting links need the reader's permissions.
    # No access event here: the page showing the case records the read (the case page logs view_case).
    return {"case_decisions": decisions_for_case(case), "perms": context.get("perms")}
