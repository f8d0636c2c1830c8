"""Fixtures of the exchange tests: the full record, and its export file."""

import pytest

from tests.cases.exchange.files import export_to, seed_full_record


@pytest.fixture
def full_record():
    """The demo cases plus records giving every field of every record model a value."""
    seed_full_record()


@pytest.fixture
def export_file(full_record, tmp_path):
    """The full record exported by export_cases."""
    path = tmp_path / "export.json"
    export_to(path)
    return path
