"""Checking logic for clinical vignettes, with the semantics of the shared check_vignettes.py.

`check(expect, pathway)` takes a vignette's "expect" block and a Pathway v1 dict and returns one message
per failed expectation (an empty list when the pathway meets every expectation).

expect keys (all optional):
  classification         classification.code
  decision_point         decision_point.code
  line                   decision_point.line
  recommended            codes that must appear with status "recommended"
  offered                codes that must appear with status "recommended" or "consider"
  not_recommended        codes that must appear with status "not_recommended"
  not_offered            codes that must be absent or "not_recommended"
  status_not             {code: status} the code must not have that status
  followup               kind, first_every_months_min/max/upper, first_until_month_min, last_until_month_min
"""

from __future__ import annotations

from typing import Any

OFFERED = {"recommended", "consider"}


def statuses(pathway: dict[str, Any]) -> dict[Any, set[Any]]:
    """Map each code to the set of statuses it appears with."""
    found: dict[Any, set[Any]] = {}
    for item in pathway.get("recommendations", []):
        found.setdefault(item.get("code"), set()).add(item.get("status"))
    return found


def _shown(values: set[Any]) -> Any:
    return sorted(values) or "absent"


def _check_items(expect: dict[str, Any], got: dict[Any, set[Any]]) -> list[str]:
    problems = []
    for code in expect.get("recommended", []):
        if "recommended" not in got.get(code, set()):
            problems.append(f"{code}: expected recommended, got {_shown(got.get(code, set()))}")
    for code in expect.get("offered", []):
        if not got.get(code, set()) & OFFERED:
            problems.append(f"{code}: expected recommended or consider, got {_shown(got.get(code, set()))}")
    for code in expect.get("not_recommended", []):
        if "not_recommended" not in got.get(code, set()):
            problems.append(f"{code}: expected not_recommended, got {_shown(got.get(code, set()))}")
    for code in expect.get("not_offered", []):
        if got.get(code, set()) & OFFERED:
            problems.append(f"{code}: expected absent or not_recommended, got {sorted(got[code])}")
    for code, status in expect.get("status_not", {}).items():
        if status in got.get(code, set()):
            problems.append(f"{code}: must not be {status}")
    return problems


def _check_followup(fu: dict[str, Any], pathway: dict[str, Any]) -> list[str]:
    problems = []
    follow = pathway.get("followup") or {}
    phases = follow.get("imaging") or []
    if follow.get("kind") != fu.get("kind", follow.get("kind")):
        problems.append(f"followup.kind is {follow.get('kind')!r}, expected {fu['kind']!r}")
    if not phases:
        problems.append("followup.imaging is empty")
        return problems
    first, last = phases[0], phases[-1]
    every = first.get("every_months") or [None, None]
    if "first_every_months_min" in fu and every[0] != fu["first_every_months_min"]:
        problems.append(
            f"first imaging interval starts at {every[0]}, expected {fu['first_every_months_min']}"
        )
    if "first_every_months_max" in fu and (every[1] is None or every[1] > fu["first_every_months_max"]):
        problems.append(
            f"first imaging interval reaches {every[1]}, expected at most {fu['first_every_months_max']}"
        )
    if "first_every_months_upper" in fu and every[1] != fu["first_every_months_upper"]:
        problems.append(
            f"first imaging interval reaches {every[1]}, expected {fu['first_every_months_upper']}"
        )
    until = first.get("until_month") or [None, None]
    if "first_until_month_min" in fu and until[0] != fu["first_until_month_min"]:
        problems.append(f"first phase lasts until {until[0]}, expected {fu['first_until_month_min']}")
    until = last.get("until_month") or [None, None]
    if "last_until_month_min" in fu and (until[0] is None or until[0] < fu["last_until_month_min"]):
        problems.append(f"follow-up ends at month {until[0]}, expected at least {fu['last_until_month_min']}")
    return problems


def check(expect: dict[str, Any], pathway: dict[str, Any]) -> list[str]:
    """Return one message per expectation the pathway does not meet."""
    problems = []
    got = statuses(pathway)
    cls = (pathway.get("classification") or {}).get("code")
    if "classification" in expect and cls != expect["classification"]:
        problems.append(f"classification is {cls!r}, expected {expect['classification']!r}")
    dp = pathway.get("decision_point") or {}
    if "decision_point" in expect and dp.get("code") != expect["decision_point"]:
        problems.append(f"decision_point is {dp.get('code')!r}, expected {expect['decision_point']!r}")
    if "line" in expect and dp.get("line") != expect["line"]:
        problems.append(f"line is {dp.get('line')!r}, expected {expect['line']!r}")
    problems.extend(_check_items(expect, got))
    fu = expect.get("followup")
    if fu:
        problems.extend(_check_followup(fu, pathway))
    return problems
