"""The vignette checker itself: every kind of expectation must be able to fail."""

from tests.guidelines.vignette_check import check, statuses


def _pathway(*items, classification="g3_net", decision=("initial", 1), followup=None):
    return {
        "classification": {"code": classification},
        "decision_point": {"code": decision[0], "line": decision[1]},
        "recommendations": [{"code": code, "status": status} for code, status in items],
        "followup": followup or {"kind": "monitoring", "imaging": []},
    }


SURVEILLANCE = {
    "kind": "surveillance",
    "imaging": [
        {"every_months": [3, 3], "until_month": [24, 36]},
        {"every_months": [6, 12], "until_month": [120, None]},
    ],
}


def test_statuses_collects_every_status_of_a_code():
    """A code listed twice keeps both statuses."""
    got = statuses(_pathway(("ssa", "consider"), ("ssa", "not_recommended")))
    assert got == {"ssa": {"consider", "not_recommended"}}


def test_empty_expectation_passes():
    """No expectation, no problem."""
    assert check({}, _pathway()) == []


def test_classification_decision_point_and_line_mismatch():
    """Each header field is compared exactly."""
    problems = check(
        {"classification": "nec", "decision_point": "after_progression", "line": 2},
        _pathway(decision=("initial", 1)),
    )
    assert problems == [
        "classification is 'g3_net', expected 'nec'",
        "decision_point is 'initial', expected 'after_progression'",
        "line is 1, expected 2",
    ]


def test_recommended_requires_recommended_status():
    """consider is not recommended; absence is reported as absent."""
    problems = check({"recommended": ["captem", "ssa"]}, _pathway(("captem", "consider")))
    assert problems == [
        "captem: expected recommended, got ['consider']",
        "ssa: expected recommended, got absent",
    ]


def test_offered_accepts_recommended_or_consider_only():
    """not_recommended or absent fails an offered expectation."""
    path = _pathway(("captem", "consider"), ("ssa", "recommended"), ("prrt", "not_recommended"))
    assert check({"offered": ["captem", "ssa"]}, path) == []
    assert check({"offered": ["prrt", "folfiri"]}, path) == [
        "prrt: expected recommended or consider, got ['not_recommended']",
        "folfiri: expected recommended or consider, got absent",
    ]


def test_not_recommended_must_be_listed_as_such():
    """Absence does not satisfy not_recommended."""
    path = _pathway(("pci", "not_recommended"))
    assert check({"not_recommended": ["pci"]}, path) == []
    assert check({"not_recommended": ["ssa"]}, path) == ["ssa: expected not_recommended, got absent"]


def test_not_offered_accepts_absent_or_not_recommended():
    """Only recommended or consider fails not_offered."""
    path = _pathway(("pci", "not_recommended"), ("wbrt", "consider"))
    assert check({"not_offered": ["pci", "ssa"]}, path) == []
    assert check({"not_offered": ["wbrt"]}, path) == [
        "wbrt: expected absent or not_recommended, got ['consider']"
    ]


def test_status_not():
    """A forbidden status is reported; other statuses pass."""
    path = _pathway(("fdg_pet", "consider"))
    assert check({"status_not": {"fdg_pet": "recommended"}}, path) == []
    assert check({"status_not": {"fdg_pet": "consider"}}, path) == ["fdg_pet: must not be consider"]


def test_followup_passes_and_fails():
    """Kind, first interval, first phase end and last phase end are each checked."""
    path = _pathway(followup=SURVEILLANCE)
    good = {
        "kind": "surveillance",
        "first_every_months_min": 3,
        "first_every_months_max": 3,
        "first_every_months_upper": 3,
        "first_until_month_min": 24,
        "last_until_month_min": 120,
    }
    assert check({"followup": good}, path) == []
    bad = {
        "kind": "monitoring",
        "first_every_months_min": 2,
        "first_every_months_max": 2,
        "first_every_months_upper": 4,
        "first_until_month_min": 36,
        "last_until_month_min": 121,
    }
    assert check({"followup": bad}, path) == [
        "followup.kind is 'surveillance', expected 'monitoring'",
        "first imaging interval starts at 3, expected 2",
        "first imaging interval reaches 3, expected at most 2",
        "first imaging interval reaches 3, expected 4",
        "first phase lasts until 24, expected 36",
        "follow-up ends at month 120, expected at least 121",
    ]


def test_followup_without_imaging():
    """An empty schedule fails any follow-up expectation; kind defaults to the pathway's own."""
    assert check({"followup": {"first_every_months_min": 3}}, _pathway()) == ["followup.imaging is empty"]


def test_open_ended_last_phase_fails_a_minimum():
    """A last phase whose start month is null cannot meet last_until_month_min."""
    path = _pathway(
        followup={"kind": "monitoring", "imaging": [{"every_months": [3, 3], "until_month": [None, None]}]}
    )
    assert check({"followup": {"last_until_month_min": 12}}, path) == [
        "follow-up ends at month None, expected at least 12"
    ]
