"""Imports between our apps go one way, lowest layer first: an app may import the layers
below it, never one above (a lower app hears of a higher one's events through its signals)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

# Lowest first. config/ (settings, root urls) is the project and sits above every app.
LAYERS = ["core", "articles", "stories", "briefing", "subscribers", "config"]
ROOT = Path(settings.BASE_DIR)


def imported_modules(tree: ast.AST):
    """(line, dotted name) of every import in a module, wherever it stands."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def wrong_way_imports(root: Path, layers: list[str]) -> list[str]:
    """ "file:line: app imports higher_app" for each import against the direction."""
    rank = {name: position for position, name in enumerate(layers)}
    found = []
    for layer in layers:
        for path in sorted((root / layer).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for line, module in imported_modules(tree):
                target = module.split(".")[0]
                if target in rank and rank[target] > rank[layer]:
                    where = path.relative_to(root)
                    found.append(f"{where}:{line}: {layer} imports {module} (a higher layer)")
    return found


def test_every_app_imports_only_the_layers_below_it():
    assert wrong_way_imports(ROOT, LAYERS) == []


def test_every_app_of_ours_has_its_layer():
    ours = {app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()}
    assert ours <= set(LAYERS)


@pytest.mark.parametrize(
    "source",
    [
        "from subscribers.services import briefing_send_enqueue\n",
        "def f():\n    import briefing.cache\n",
        "import stories.panel as panel\n",
    ],
)
def test_an_import_against_the_direction_is_named_with_its_file_and_line(tmp_path, source):
    for layer in ("articles", "stories", "briefing", "subscribers"):
        (tmp_path / layer).mkdir()
    (tmp_path / "articles" / "models.py").write_text("import os\n\n" + source)
    (tmp_path / "briefing" / "models.py").write_text("from articles.models import Article\n")

    found = wrong_way_imports(tmp_path, ["articles", "stories", "briefing", "subscribers"])

    assert len(found) == 1
    assert found[0].startswith("articles/models.py:")
    assert "articles imports" in found[0]
