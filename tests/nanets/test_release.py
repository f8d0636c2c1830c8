"""The release digest changes with any source file that shapes a page."""

from nanets import release


def test_the_digest_changes_when_a_source_file_changes(settings, tmp_path, monkeypatch):
    settings.BASE_DIR = tmp_path
    rules = tmp_path / "guidelines" / "engine" / "rules.py"
    rules.parent.mkdir(parents=True)
    rules.write_text("OPTIONS = ['a']\n")
    release.release_digest.cache_clear()
    before = release.release_digest()
    rules.write_text("OPTIONS = ['a', 'b']\n")
    release.release_digest.cache_clear()
    after = release.release_digest()
    release.release_digest.cache_clear()
    assert before != after


def test_the_digest_ignores_bytecode(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "facts.py").write_text("X = 1\n")
    release.release_digest.cache_clear()
    before = release.release_digest()
    cached = tmp_path / "cases" / "__pycache__"
    cached.mkdir()
    (cached / "facts.cpython-311.pyc").write_bytes(b"\x00\x01")
    release.release_digest.cache_clear()
    after = release.release_digest()
    release.release_digest.cache_clear()
    assert before == after
