"""bleach is unmaintained (no security releases since 2026-06): nothing may import it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "node_modules", "var", ".git"}


def python_files():
    for path in ROOT.rglob("*.py"):
        if not SKIPPED.intersection(path.relative_to(ROOT).parts):
            yield path


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module.split(".")[0])
    return modules


def test_no_module_imports_bleach():
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files()
        if "bleach" in imported_modules(path)
    ]
    assert offenders == []


def test_bleach_is_not_a_dependency():
    assert "bleach" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
