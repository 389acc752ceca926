"""Shared setup of every test: collected static files, the browser marker,
the migrations' rows, and the fixtures all apps use (users, demo data, a real SMTP server on
loopback, the task worker, a free port, an empty cache). Test data: tests/factories.py."""

import os
import shutil
import socket
from importlib import import_module
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.migrations import RunPython
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from tests.factories import EDITOR_PASSWORD
from tests.smtp import SinkHandler

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
def _require_chromium(request):
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
# with a flush that empties every table, so they are made again, by the same migration code
# (each migration's RunPython operations, forwards).
DATA_MIGRATIONS = [
    "articles.migrations.0003_editors_group",
    "briefing.migrations.0003_editors_group_permissions",
    "intake.migrations.0002_editors_group_permissions",
    "linkhealth.migrations.0002_editors_group_permissions",
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
    for module in DATA_MIGRATIONS:
        for operation in import_module(module).Migration.operations:
            if isinstance(operation, RunPython):
                operation.code(state_apps, schema_editor)


@pytest.fixture(autouse=True)
def _live_server_links_plain_static_names(request, settings):
    """pytest-django's live server serves /static/ from the finders, which know no hashed
    names: with the manifest storage every stylesheet would 404 in the browser tests."""
    if request.node.get_closest_marker("browser"):
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Reader pages and the sidebar are cached, and the cache outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Login tests hash many passwords; the production hasher would spend a second on each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- People --------------------------------------------------------------------------------------


@pytest.fixture
def editor(db, django_user_model):
    """A member of the Editors group (what a newsroom's editors are), not logged in."""
    user = django_user_model.objects.create_user(
        "desk", "desk@example.org", EDITOR_PASSWORD, is_staff=True, first_name="Dana"
    )
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def session_of(user) -> Client:
    """A browser session of this user's, apart from the anonymous `client` fixture."""
    session = Client()
    session.force_login(user)
    return session


@pytest.fixture
def editor_client(editor):
    return session_of(editor)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@example.org", "chief-pw")


@pytest.fixture
def superuser_client(superuser):
    return session_of(superuser)


# --- Data ----------------------------------------------------------------------------------------


@pytest.fixture
def demo_archive(db):
    """The demo archive (fixtures/demo.json): the seed CNN article (pk 1), its rewrite by
    IntegrityPress (pk 2), the seed page's sidebar articles and a draft (pk 21)."""
    call_command("loaddata", "demo", verbosity=0)
    cache.clear()


@pytest.fixture
def demo(demo_archive):
    """Everything `make run` shows: the archive and the demo briefings (2024-07-24 to 09-02)."""
    call_command("loaddata", "demo_briefings", verbosity=0)
    cache.clear()


@pytest.fixture
def seed_article(demo_archive) -> Article:
    return Article.objects.get(pk=1)


# --- Servers and workers -------------------------------------------------------------------------


@pytest.fixture
def free_port():
    """A function returning a loopback port nothing listens on (yet)."""

    def port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    return port


@pytest.fixture
def smtp_server(free_port):
    """A real SMTP server on loopback (aiosmtpd), recording what it accepts."""
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def smtp(settings, smtp_server):
    """Django's SMTP backend pointed at the loopback server; retries fall due at once."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "http://testserver"
    settings.DELIVERY_RETRY_BACKOFF_SECONDS = 0
    return smtp_server


@pytest.fixture
def run_tasks():
    """Run the queued django-tasks work in-process, as `manage.py db_worker` would, until none
    is ready; returns how many ran. (db_worker itself closes connections, which a test's
    transaction cannot survive: tests/subscribers/test_workers.py runs it in a subprocess.)"""

    def run() -> int:
        ran = 0
        while (job := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
            job.claim("test")
            job.set_successful(
                job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])
            )
            ran += 1
        return ran

    return run


@pytest.fixture
def signup(client, django_capture_on_commit_callbacks, run_tasks):
    """Sign up through the form, as a reader; the worker then sends what the signup queued."""

    def post(address, name="", website="", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            data = {"email": address, "name": name, "website": website}
            response = client.post("/subscribe/", data, **extra)
        run_tasks()
        return response

    return post
