"""Dependencies run one way, engine <- cases <- guidelines <- meetings: no app imports one built on it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Older back-imports, to be removed by a later issue; nothing may be added to this list.
KNOWN_BACK_IMPORTS = {
    ("cases/views/case_page.py", "meetings"),
    ("cases/management/commands/seed_demo.py", "meetings"),
}


def imported_apps(path: Path) -> set[str]:
    """The top-level packages a module imports (at any depth: inside functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def back_imports(app: str, later: set[str]) -> set[tuple[str, str]]:
    return {
        (str(path.relative_to(ROOT)), target)
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        for target in imported_apps(path) & later
    }


def test_cases_does_not_import_meetings_beyond_the_known_back_imports():
    assert back_imports("cases", {"meetings"}) == KNOWN_BACK_IMPORTS


def test_guidelines_does_not_import_meetings():
    assert back_imports("guidelines", {"meetings"}) == set()
