"""interop is the top layer: it may import cases, guidelines and meetings; none of them imports it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def importers_of(package: str) -> set[str]:
    found = set()
    for app in ("cases", "guidelines", "meetings", "nanets"):
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = (
                    [alias.name for alias in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                if any(name == package or name.startswith(f"{package}.") for name in names):
                    found.add(str(path.relative_to(ROOT)))
    return found


def test_no_other_app_imports_interop():
    # nanets/settings.py names it as a string in INSTALLED_APPS and nanets/urls.py includes "interop.urls".
    assert importers_of("interop") == set()
