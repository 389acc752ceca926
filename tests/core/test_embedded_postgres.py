"""The embedded PostgreSQL of development and tests (config/embedded_postgres/): created on
first use, shared by the processes that use it, stopped by the last, and started again after
a crash that left its lock file behind."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

from config.embedded_postgres import EmbeddedPostgres, binaries, server_user

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def embedded():
    """A server of its own, in a scratch directory under var/ (not the test session's)."""
    var = tempfile.mkdtemp(prefix="test-postgres-", dir=ROOT / "var")
    server = EmbeddedPostgres(Path(var) / "postgres")
    yield server
    server.stop()
    subprocess.run(["rm", "-rf", var], check=True)  # noqa: S607 (files owned by another user)


def query(server: EmbeddedPostgres, sql: str) -> str:
    psql = [str(binaries() / "psql"), "-h", str(server.socket_dir), "-U", "postgres"]
    done = subprocess.run(  # noqa: S603
        [*psql, "-d", "briefing", "-XAtc", sql], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_first_use_creates_the_database_and_the_last_user_stops_the_server(embedded):
    embedded.acquire()
    assert embedded.is_running()
    assert query(embedded, "SHOW server_version_num") >= "180000"
    assert query(embedded, "SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'")
    owner = (embedded.data_dir / "PG_VERSION").stat().st_uid
    assert owner == (server_user().pw_uid if os.geteuid() == 0 else os.geteuid())

    embedded.release()
    assert not embedded.is_running()
    assert not (embedded.data_dir / "postmaster.pid").exists()


def test_a_server_another_process_uses_keeps_running_until_that_process_exits(embedded):
    code = (
        "import sys, time; from pathlib import Path; "
        "from config.embedded_postgres import EmbeddedPostgres; "
        f"s = EmbeddedPostgres(Path({str(embedded.data_dir)!r})); s.acquire(); "
        "print('up', flush=True); sys.stdin.readline()"
    )
    other = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert other.stdout.readline().strip() == "up"
        embedded.acquire()
        embedded.release()  # this process goes; the other still uses it
        assert embedded.is_running()
        other.communicate("\n", timeout=60)  # the other exits normally: the last one
        assert other.returncode == 0
        assert not embedded.is_running()
    finally:
        other.kill()


def test_after_a_crash_the_server_starts_again_over_its_stale_lock_file(embedded):
    embedded.acquire()
    pid = int((embedded.data_dir / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGKILL)  # the server and, below, the lock file's pid taken by another
    while embedded.is_running():
        time.sleep(0.05)
    lock = (embedded.data_dir / "postmaster.pid").read_text().splitlines()
    lock[0] = str(os.getppid())
    (embedded.data_dir / "postmaster.pid").write_text("\n".join(lock) + "\n")

    embedded.acquire()
    assert embedded.is_running()
    assert query(embedded, "SELECT 1") == "1"


def test_a_data_directory_that_is_not_postgresqls_is_refused_with_a_reason(embedded):
    embedded.data_dir.mkdir()
    (embedded.data_dir / "notes.txt").write_text("mine")
    with pytest.raises(RuntimeError, match="no PostgreSQL data"):
        embedded.acquire()
    assert (embedded.data_dir / "notes.txt").read_text() == "mine"
