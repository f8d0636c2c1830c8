"""A file that is not strict UTF-8 JSON, or cannot be read, is rejected before anything is checked."""

import pytest

from tests.cases.exchange.files import counts, import_from, wipe_clinical_records

pytestmark = pytest.mark.django_db


BAD_TEXTS = {
    "not JSON": (lambda text: text[:-40], "file: not valid JSON: "),
    "not UTF-8": (lambda text: "\udcff" + text, "file: not UTF-8 text"),
    "NaN": (lambda text: text.replace('"version": 1', '"version": NaN', 1), "file: not valid JSON: NaN"),
    "repeated key": (
        lambda text: text.replace(
            '"format": "nanets-cases/1",', '"format": "nanets-cases/1", "format": "x",'
        ),
        'file: not valid here: the key "format" appears twice in one object',
    ),
    "unpaired surrogate": (
        lambda text: text.replace('"board_question": "', '"board_question": "\\ud800', 1),
        "].board_question: contains an unpaired surrogate",
    ),
    "nested too deeply": (
        lambda text: "[" * 100_000 + "]" * 100_000,
        "file: not valid here: nested too deeply",
    ),
    "empty file": (lambda text: "", "file: not valid JSON: Expecting value"),
}


@pytest.mark.parametrize("name", list(BAD_TEXTS))
def test_broken_file_is_rejected(export_file, name):
    mutate, expected = BAD_TEXTS[name]
    wipe_clinical_records()
    export_file.write_bytes(
        mutate(export_file.read_text(encoding="utf-8")).encode("utf-8", errors="surrogateescape")
    )
    out, err, status = import_from(export_file)
    assert status == 2 and expected in err
    assert set(counts().values()) == {0}


def test_missing_file_is_rejected(tmp_path):
    out, err, status = import_from(tmp_path / "absent.json")
    assert status == 2 and "file: cannot be read" in err
