"""Shared setup of every test: collected static files, the PostgreSQL and browser markers,
the migrations' rows, and the fixtures all apps use (users, demo data, a real SMTP server on
loopback, the task worker, a free port, an empty cache). Test data: tests/factories.py."""

import asyncio
import email
import email.policy
import os
import shutil
import socket
import threading
from collections import Counter
from importlib import import_module
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django_tasks_db.models import DBTaskResult

from articles.models import Article
from tests.factories import EDITOR_PASSWORD

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


@pytest.fixture
def editor_client(editor):
    """A browser session of the editor's (the `client` fixture stays anonymous)."""
    session = Client()
    session.force_login(editor)
    return session


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("chief", "chief@example.org", "chief-pw")


@pytest.fixture
def superuser_client(superuser):
    session = Client()
    session.force_login(superuser)
    return session


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


class SinkHandler:
    """Accepts mail like a real server, or answers as told: codes per recipient, dropped links."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received: list[tuple[str, bytes]] = []
        self.rcpt_replies: dict[str, str] = {}
        self.rcpt_replies_once: dict[str, str] = {}  # greylisting: refuse once, then accept
        self.drop_on_data: set[int] = set()  # the Nth DATA command (1-based) drops the link
        self.data_commands = 0
        self.delay = 0.0  # seconds per message, to make a send last long enough to interrupt

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            reply = self.rcpt_replies.get(address) or self.rcpt_replies_once.pop(address, None)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.data_commands += 1
            drop = self.data_commands in self.drop_on_data
        if drop:
            server.transport.abort()
            return "421 connection dropped"
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append((rcpt, envelope.content))
        return "250 Message accepted for delivery"

    def messages_to(self, address: str) -> list:
        with self.lock:
            raw = [content for rcpt, content in self.received if rcpt == address]
        return [email.message_from_bytes(r, policy=email.policy.default) for r in raw]

    def parsed(self) -> list:
        with self.lock:
            received = list(self.received)
        return [(r, email.message_from_bytes(c, policy=email.policy.default)) for r, c in received]

    def counts(self) -> Counter:
        with self.lock:
            return Counter(rcpt for rcpt, _ in self.received)


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
