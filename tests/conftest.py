"""Shared test setup: collected static files, the PostgreSQL marker, the browser."""

import os
import shutil
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """Templates use the manifest storage, so every test run starts from a fresh collectstatic."""
    call_command("collectstatic", interactive=False, clear=False, verbosity=0)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(autouse=True)
def _require_marked_backends(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        reason = "needs PostgreSQL: set DATABASE_URL=postgres://... (CI runs it there)"
        if os.environ.get("CI_REQUIRE_POSTGRES"):
            pytest.fail(f"skipped in CI: {reason}")
        pytest.skip(reason)
    if request.node.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        reason = f"needs the system chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI_REQUIRE_POSTGRES"):
            pytest.fail(f"skipped in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's chromium; it never downloads a browser of its own."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# Rows that data migrations make. A transactional test (browser tests, worker subprocesses) ends
# with a flush that empties every table, so they are made again, by the same migration code.
DATA_MIGRATIONS = [
    ("articles.migrations.0003_editors_group", "create_editors"),
    ("briefing.migrations.0003_editors_group_permissions", "grant"),
]


def _uses_transactional_db(request, marker) -> bool:
    names = set(request.fixturenames)
    if names & {"transactional_db", "live_server"}:
        return True
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture(autouse=True)
def _data_migrations_survive_flushes(request):
    marker = request.node.get_closest_marker("django_db")
    if not (marker or set(request.fixturenames) & {"db", "transactional_db", "live_server"}):
        return
    request.getfixturevalue(
        "transactional_db" if _uses_transactional_db(request, marker) else "db"
    )
    if Group.objects.filter(name="Editors").exists():
        return
    state_apps = MigrationLoader(connection).project_state().apps
    schema_editor = SimpleNamespace(connection=connection)
    for module, function in DATA_MIGRATIONS:
        getattr(import_module(module), function)(state_apps, schema_editor)


@pytest.fixture(autouse=True)
def _live_server_links_plain_static_names(request, settings):
    """pytest-django's live server serves /static/ from the finders, which know no hashed
    names: with the manifest storage every stylesheet would 404 in the browser tests."""
    if request.node.get_closest_marker("browser"):
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
