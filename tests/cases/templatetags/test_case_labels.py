"""The label filters (cases/templatetags/case_labels.py) speak guidelines.codes' words."""

import pytest

from cases.templatetags import case_labels
from guidelines import codes


@pytest.mark.parametrize(
    ("label_filter", "code_set"),
    [
        (case_labels.classification_label, codes.CLASSIFICATION),
        (case_labels.status_label, codes.RECOMMENDATION_STATUS),
        (case_labels.strength_label, codes.STRENGTH),
        (case_labels.step_state_label, codes.STEP_STATE),
        (case_labels.site_label, codes.METASTATIC_SITE),
    ],
)
def test_each_code_reads_as_its_label_and_an_unknown_one_as_itself(label_filter, code_set):
    for code in code_set:
        assert label_filter(code.value) == code.label
    assert label_filter("no_such_code") == "no_such_code"


def test_classification_words():
    assert case_labels.classification_label("nec") == "Poorly differentiated NEC"
    assert (
        case_labels.classification_label("") == case_labels.classification_label(None) == "Not yet classified"
    )


def test_every_status_has_a_badge_style():
    assert set(case_labels.STATUS_STYLES) == set(codes.RECOMMENDATION_STATUS.values)
