"""A digest of the code and templates that shape what a page shows: cached results never outlive a deploy."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings

# Everything a cached pathway or engine result is derived from: the apps' code, the engine's schemas and
# catalogue, and the templates. Any change (a rule fixed without bumping ENGINE_VERSION) changes the digest.
SOURCES = ("cases", "guidelines", "meetings", "templates")
SUFFIXES = {".py", ".html", ".json", ".txt", ".md"}


@cache
def release_digest() -> str:
    """The digest of every source file under SOURCES (read once per process)."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    for folder in SOURCES:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
