"""Shared test setup: collected static files, the PostgreSQL marker, the browser."""

import os
import shutil

import pytest
from django.core.management import call_command
from django.db import connection

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session", autouse=True)
def collected_static(django_db_blocker):
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
