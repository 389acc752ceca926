"""Imports between our apps go one way, lowest layer first: an app may import the layers
below it, never one above (a lower app hears of a higher one's events through its signals).

Templates follow the same rule: a template of an app (templates/<app>/, templates/admin/<app>/)
loads tag libraries and includes or extends templates of its own layer and below only. The
site's own templates (base.html, includes/, the error pages) sit above every app and compose
them, as config/urls.py does; URL names are the site's routing and are not checked."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

# Lowest first. config/ (settings, root urls) is the project and sits above every app.
LAYERS = [
    "core",
    "articles",
    "stories",
    "intake",
    "linkhealth",
    "briefing",
    "subscribers",
    "wordpress",
    "monitoring",
    "config",
]
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


TAG = re.compile(r"{%\s*(load|include|extends)\s+(.+?)\s*%}")


def template_owner(path: Path, templates: Path) -> str | None:
    parts = path.relative_to(templates).parts
    parts = parts[1:] if parts[0] == "admin" else parts
    return parts[0] if len(parts) > 1 else None


def tag_library_apps(root: Path, layers: list[str]) -> dict[str, str]:
    """{library name: app} for the template tag libraries of our apps."""
    return {
        module.stem: layer
        for layer in layers
        for module in (root / layer / "templatetags").glob("*.py")
        if module.stem != "__init__"
    }


def wrong_way_template_uses(root: Path, layers: list[str]) -> list[str]:
    rank = {name: position for position, name in enumerate(layers)}
    libraries = tag_library_apps(root, layers)
    found = []
    for path in sorted((root / "templates").rglob("*.html")):
        owner = template_owner(path, root / "templates")
        if owner not in rank:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for kind, argument in TAG.findall(line):
                if kind == "load":
                    targets = [libraries.get(name) for name in argument.split()]
                else:
                    targets = [argument.strip("\"'").split("/")[0]]
                for target in targets:
                    if target in rank and rank[target] > rank[owner]:
                        where = path.relative_to(root)
                        found.append(f"{where}:{number}: {owner} {kind}s {argument} ({target})")
    return found


def test_every_apps_templates_use_only_the_layers_below_it():
    assert wrong_way_template_uses(ROOT, LAYERS) == []


def test_a_template_using_a_higher_layer_is_named_with_its_file_and_line(tmp_path):
    for layer in ("articles", "briefing"):
        (tmp_path / layer / "templatetags").mkdir(parents=True)
    (tmp_path / "briefing" / "templatetags" / "briefing_tags.py").write_text("")
    page = tmp_path / "templates" / "articles" / "article_detail.html"
    page.parent.mkdir(parents=True)
    page.write_text('{% extends "base.html" %}\n{% load briefing_tags %}\n'
                    '{% include "briefing/includes/x.html" %}\n')  # fmt: skip

    found = wrong_way_template_uses(tmp_path, ["articles", "briefing"])

    assert found == [
        "templates/articles/article_detail.html:2: articles loads briefing_tags (briefing)",
        'templates/articles/article_detail.html:3: articles includes "briefing/includes/x.html"'
        " (briefing)",
    ]


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
