"""What the bench scripts share: Django set-up, scratch databases and processes on loopback.

    import common                                  # bench/ is on sys.path for bench/*.py
    common.django_setup({"DATABASE_URL": common.database_url("briefing_bench")})
    with common.redis_server() as redis_url, common.gunicorn(common.free_port(), env=env):
        ...

Everything here talks to 127.0.0.1 only. Each process is started in its own process group by
`spawn` and stopped again, group and all, by `stop`; the context managers (`running`,
`gunicorn`, `redis_server`, `smtp_sink`) stop theirs on the way out, and a SIGTERM to the
script unwinds them as well. gunicorn is always bound to 127.0.0.1 and started with
`--no-control-socket`. Scratch databases live on the main cluster (`SERVER`, port 5432) unless
a caller names another server.
"""

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
VAR = ROOT / "var" / "bench"
SERVER = "postgres://postgres@127.0.0.1:5432"
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
SMTP_SINK = ROOT / "bench" / "load" / "smtp_sink.py"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Django -------------------------------------------------------------------------------------


def django_setup(
    env: Mapping[str, str] | None = None,
    *,
    defaults: Mapping[str, str] | None = None,
    app_dir: Path = ROOT,
) -> None:
    """Django in this process on config.settings, importing the apps from `app_dir`: `env` is
    set in os.environ first, `defaults` only where os.environ has no value."""
    for key, value in (defaults or {}).items():
        os.environ.setdefault(key, value)
    os.environ.update(env or {}, DJANGO_SETTINGS_MODULE="config.settings")
    sys.path.insert(0, str(app_dir))
    import django

    django.setup()


def production_env(**extra: str) -> dict[str, str]:
    """os.environ for a child running the site as in production, on loopback: DEBUG off, no
    HTTPS redirects, a bench SECRET_KEY (unless one is set), warnings only; `extra` on top."""
    return {
        **os.environ,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or SECRET_KEY,
        "DEBUG": "false",
        "HTTPS": "false",
        "LOG_LEVEL": "WARNING",
        "SITE_URL": os.environ.get("SITE_URL") or "http://127.0.0.1:8000",
        **extra,
    }


def manage(
    *args: str, env: Mapping[str, str], cwd: Path = ROOT, timeout: float = 3600, capture=False
) -> str:
    """`manage.py args` in a child; returns its output when `capture` (else it is shown).
    Raises RuntimeError when the command fails."""
    argv = [PYTHON, "manage.py", *args]
    result = subprocess.run(
        argv, cwd=cwd, env=env, timeout=timeout, capture_output=capture, text=True
    )
    if result.returncode:
        detail = f":\n{result.stderr[-2000:]}" if capture else f" (status {result.returncode})"
        raise RuntimeError(f"manage.py {' '.join(args)} failed{detail}")
    return result.stdout or ""


# --- Scratch databases --------------------------------------------------------------------------


def database_url(name: str, server: str = SERVER) -> str:
    return f"{server}/{name}"


def connect(name: str = "postgres", server: str = SERVER, **options) -> psycopg.Connection:
    return psycopg.connect(database_url(name, server), **options)


def sql(query: str, params=(), *, database: str = "postgres", server: str = SERVER):
    """One statement in autocommit mode: its rows, or None when it returns none."""
    with connect(database, server, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else None


def database_exists(name: str, server: str = SERVER) -> bool:
    return bool(sql("SELECT 1 FROM pg_database WHERE datname = %s", [name], server=server))


def database_create(name: str, server: str = SERVER, *, template: str = "") -> bool:
    """Create `name` (a copy of `template` when given) unless it exists; True if created."""
    if database_exists(name, server):
        return False
    copy = f' TEMPLATE "{template}"' if template else ""
    sql(f'CREATE DATABASE "{name}"{copy}', server=server)
    return True


def database_drop(name: str, server: str = SERVER) -> None:
    sql(f'DROP DATABASE IF EXISTS "{name}"', server=server)


# --- Processes ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_until(predicate: Callable[[], object], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)


def spawn(argv: list[str], *, env=None, cwd: Path = ROOT, log: Path | None = None):
    """A child in its own process group. Its output is appended to `log`; without one its
    standard output is dropped and its errors are shown."""
    _exit_on_sigterm()
    if log is None:
        return subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                                start_new_session=True)  # fmt: skip
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:  # the child keeps its own copy
        return subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip


def stop(process: subprocess.Popen | None, *, sig=signal.SIGTERM, timeout: float = 20) -> None:
    """Stop a child `spawn` started, with its process group (gunicorn's workers go with it)."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def _exit_on_sigterm() -> None:
    """A SIGTERM to the script (`timeout`, a CI job) unwinds it, so its children are stopped."""
    main = threading.current_thread() is threading.main_thread()
    if main and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


@contextlib.contextmanager
def running(
    argv: list[str], *, what: str, port: int, ready=None, wait=20.0, stop_timeout=20.0, **options
) -> Iterator[subprocess.Popen]:
    """`spawn(argv, **options)`, yielded once it listens on `port` (and `ready()` holds);
    stopped on the way out."""
    process = spawn(argv, **options)
    try:
        up = ready or (lambda: listening(port))
        wait_until(lambda: process.poll() is not None or up(), wait, what)
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        yield process
    finally:
        stop(process, timeout=stop_timeout)


def healthy(port: int) -> bool:
    """Whether the site on `port` answers 200 to /healthz."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn(
    port: int, *, env, config: str | None = None, args=(), wait: float = 60, **options
) -> Iterator[subprocess.Popen]:
    """gunicorn serving config.wsgi on 127.0.0.1:`port` without a control socket, yielded once
    /healthz answers. `config` is its config file; None: an empty one (not ./gunicorn.conf.py)."""
    with tempfile.NamedTemporaryFile(suffix=".py") as empty:
        argv = [PYTHON, "-m", "gunicorn", "config.wsgi:application", "-c", config or empty.name,
                "--bind", f"127.0.0.1:{port}", "--no-control-socket", *args]  # fmt: skip
        options.update(env=env, ready=lambda: healthy(port), wait=wait, stop_timeout=40)
        with running(argv, what="gunicorn", port=port, **options) as process:
            yield process


@contextlib.contextmanager
def redis_server() -> Iterator[str | None]:
    """A private redis-server on a free loopback port, without persistence: yields its URL
    (None when redis-server is not installed) and stops it on the way out."""
    if not shutil.which("redis-server"):
        yield None
        return
    port = free_port()
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no"]  # fmt: skip
    with running(argv, what="redis-server", port=port, wait=10):
        yield f"redis://127.0.0.1:{port}/0"


@contextlib.contextmanager
def smtp_sink(
    port: int, *, recipients: Path | None = None, delay: float = 0.0, **options
) -> Iterator[subprocess.Popen]:
    """bench/load/smtp_sink.py (aiosmtpd) on 127.0.0.1:`port`, accepting every message after
    `delay` seconds; with `recipients`, it appends one line per accepted recipient there."""
    argv = [PYTHON, str(SMTP_SINK), "--port", str(port), "--delay", str(delay)]
    if recipients:
        argv += ["--log", str(recipients)]
    with running(argv, what="the SMTP sink", port=port, **options) as process:
        yield process
