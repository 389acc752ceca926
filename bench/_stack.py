"""The production stack for bench/load_test.py and bench/faults.py, on its own PostgreSQL cluster.

Everything here runs on loopback and is stopped by the caller (`Stack` is a context manager):
a PostgreSQL 15 cluster `bench` on port 5433 (created once, started, stopped at the end; the
main cluster on 5432 is never touched), the demo archive grown to N articles and a few hundred
published briefings (built once, then reused), gunicorn with gunicorn.conf.py (DEBUG off,
--no-control-socket, 127.0.0.1 only), one `manage.py db_worker`, and an aiosmtpd sink that
logs one line per recipient.
"""

import datetime
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
VAR = ROOT / "var" / "bench"
# The code the stack runs: the working tree, or an exported commit (app_dir_use).
APP_DIR = ROOT
PG_VERSION, PG_CLUSTER, PG_PORT = "15", "bench", 5433
SERVER = f"postgresql://postgres@127.0.0.1:{PG_PORT}"
DATABASE = "briefing_load"
GIN_INDEX = "article_search_vector_gin"  # articles/migrations/0002_search_vector_gin_index.py
HBA = """# bench cluster: loopback only, trust (a throwaway benchmark database)
local all all trust
host all all 127.0.0.1/32 trust
host all all ::1/128 trust
"""


def app_dir_use(ref: str) -> None:
    """Run the stack on the committed code of `ref` (exported with `git archive` under
    var/bench/), so that other engineers' unfinished edits in the working tree are not
    measured. The working tree and the repository are left as they are."""
    global APP_DIR
    if not ref:
        return
    commit = subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()  # fmt: skip
    target = VAR / f"tree-{commit}"
    for old in VAR.glob("tree-*"):  # one exported tree at a time
        if old != target:
            shutil.rmtree(old)
    if not (target / "manage.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit], cwd=ROOT, check=True,
                                 capture_output=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    (target / "var").mkdir(exist_ok=True)
    APP_DIR = target
    log(f"running the committed code of {ref} ({commit}) from {target}")


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- The PostgreSQL cluster on 5433 -------------------------------------------------------------


def cluster_exists() -> bool:
    out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    return any(line.split()[:2] == [PG_VERSION, PG_CLUSTER] for line in out.stdout.splitlines())


def cluster_create() -> None:
    if cluster_exists():
        return
    log(f"creating PostgreSQL cluster {PG_VERSION}/{PG_CLUSTER} on port {PG_PORT}")
    subprocess.run(
        ["pg_createcluster", PG_VERSION, PG_CLUSTER, "--port", str(PG_PORT)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    conf = Path(f"/etc/postgresql/{PG_VERSION}/{PG_CLUSTER}")
    (conf / "pg_hba.conf").write_text(HBA)
    # Loopback only; enough connections for gunicorn, workers and the scripts.
    with open(conf / "postgresql.conf", "a") as handle:
        handle.write("\nlisten_addresses = '127.0.0.1'\nmax_connections = 100\n")


def cluster_ctl(action: str, timeout: float = 60) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, PG_CLUSTER, action],
        check=True,
        timeout=timeout,
    )


def cluster_online() -> bool:
    out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        fields = line.split()
        if fields[:2] == [PG_VERSION, PG_CLUSTER]:
            return fields[3] == "online"
    return False


def cluster_start() -> None:
    cluster_create()
    if not cluster_online():
        cluster_ctl("start")
    wait_until(lambda: _connects(f"{SERVER}/postgres"), 30, "the bench cluster to accept")


def cluster_stop() -> None:
    if cluster_exists() and cluster_online():
        cluster_ctl("stop")


def _connects(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def wait_until(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)


def database_url(name: str = DATABASE) -> str:
    return f"postgres://postgres@127.0.0.1:{PG_PORT}/{name}"


def sql(query: str, params=(), *, database: str = DATABASE):
    with psycopg.connect(f"{SERVER}/{database}", autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else None


# --- Environment and processes ------------------------------------------------------------------


def base_env(*, smtp_port: int | None = None, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "bench-load-only-secret-key-not-for-production-0123456789abcdef",
        "DEBUG": "false",
        "HTTPS": "false",
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "CACHE_KEY_PREFIX": "bench-load",
        "LOG_LEVEL": "WARNING",
        "SITE_URL": "http://127.0.0.1:8000",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}?timeout=10" if smtp_port else "console://",
    }
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 3600) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=APP_DIR, env=env, check=True, timeout=timeout)


def spawn(name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    """A child process in its own process group, its output in var/bench/<name>.log."""
    VAR.mkdir(parents=True, exist_ok=True)
    out = open(VAR / f"{name}.log", "ab")  # noqa: SIM115 (kept open for the child's lifetime)
    return subprocess.Popen(
        argv, cwd=APP_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen | None, *, sig=signal.SIGTERM, timeout: float = 20) -> None:
    """Stop one child we started (its process group: gunicorn's own workers go with it)."""
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


# --- The archive --------------------------------------------------------------------------------


def archive_ensure(*, articles: int, briefings: int) -> None:
    """Migrate, load the demo data, grow to `articles` generated ones, add published briefings.

    Each step checks what is there first, so a second run reuses the archive at once.
    """
    if not sql("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE], database="postgres"):
        sql(f'CREATE DATABASE "{DATABASE}"', database="postgres")
    # Building the archive takes statements far longer than the site's 30 s limit.
    env = base_env(DB_STATEMENT_TIMEOUT_MS="0")
    log("migrating the bench database")
    manage("migrate", "--verbosity", "0", env=env, timeout=600)
    if not sql("SELECT 1 FROM articles_article WHERE id = 1"):
        manage("loaddata", "demo", "demo_briefings", "--verbosity", "0", env=env)
    (have,) = sql("SELECT count(*) FROM articles_article")[0]
    if have < articles:
        log(f"generating {articles - have} articles (once; reused by later runs)")
        manage("generate_archive", "--articles", str(articles - have), env=env)
    # generate_archive drops the search index while it inserts and builds it at the end: make
    # sure it is there even if that last step was interrupted.
    sql(f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON articles_article USING GIN (search_vector)")
    (have,) = sql("SELECT count(*) FROM briefing_briefing WHERE status = 'published'")[0]
    if have < briefings:
        log(f"adding {briefings - have} published briefings")
        briefings_add(count=briefings - have)
    sql("VACUUM ANALYZE")


def briefings_add(*, count: int, per_day: int = 8) -> None:
    """Published briefings on the days before today, each with `per_day` published articles."""
    rng = random.Random(6)
    taken = {row[0] for row in sql("SELECT date FROM briefing_briefing")}
    (top,) = sql("SELECT max(id) FROM articles_article WHERE status = 'published'")[0]
    day = datetime.date.today()
    now = datetime.datetime.now(datetime.UTC)
    with psycopg.connect(f"{SERVER}/{DATABASE}") as conn:
        added = 0
        while added < count:
            day -= datetime.timedelta(days=1)
            if day in taken:
                continue
            (briefing_id,) = conn.execute(
                "INSERT INTO briefing_briefing (date, title, intro, status, publish_at, "
                "published_at, email_subscribers, version, created_at, updated_at) "
                "VALUES (%s, 'Daily Briefing', '<p>The day in the press.</p>', 'published', "
                "%s, %s, false, 1, %s, %s) RETURNING id",
                [day, now, now, now, now],
            ).fetchone()
            picks = rng.sample(range(3, top), per_day * 2)
            rows = conn.execute(
                "SELECT id FROM articles_article WHERE status = 'published' AND id = ANY(%s) "
                "LIMIT %s",
                [picks, per_day],
            ).fetchall()
            for position, (article_id,) in enumerate(rows):
                section = "World" if position == 0 else ""
                conn.execute(
                    "INSERT INTO briefing_briefingentry (briefing_id, article_id, section, "
                    "position) VALUES (%s, %s, %s, %s)",
                    [briefing_id, article_id, section, position],
                )
            added += 1
        conn.commit()


# --- The running stack --------------------------------------------------------------------------


class Stack:
    """SMTP sink, gunicorn and one db_worker on the bench database; everything stopped on exit."""

    def __init__(self, *, env_extra: dict[str, str] | None = None, smtp_delay: float = 0.0):
        self.port = free_port()
        self.smtp_port = free_port()
        self.sink_log = VAR / f"sink-{os.getpid()}.log"
        self.smtp_delay = smtp_delay
        self.env = base_env(
            smtp_port=self.smtp_port,
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            SITE_URL=f"http://127.0.0.1:{self.port}",
            **(env_extra or {}),
        )
        self.sink = self.gunicorn = None
        self.workers: list[subprocess.Popen] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        VAR.mkdir(parents=True, exist_ok=True)
        self.sink_log.unlink(missing_ok=True)
        for name in ("smtp-sink", "gunicorn", "db_worker"):  # each run's logs on their own
            (VAR / f"{name}.log").unlink(missing_ok=True)
        try:
            self.sink = spawn(
                "smtp-sink",
                [
                    PYTHON,
                    str(ROOT / "bench" / "load" / "smtp_sink.py"),
                    "--port",
                    str(self.smtp_port),
                    "--log",
                    str(self.sink_log),
                    "--delay",
                    str(self.smtp_delay),
                ],
                self.env,
            )
            wait_until(lambda: _listening(self.smtp_port), 20, "the SMTP sink")
            manage("collectstatic", "--noinput", "--verbosity", "0", env=self.env, timeout=300)
            self.gunicorn = spawn(
                "gunicorn",
                [
                    str(ROOT / ".venv" / "bin" / "gunicorn"),
                    "-c",
                    "gunicorn.conf.py",
                    "--no-control-socket",
                    "config.wsgi:application",
                ],
                self.env,
            )
            wait_until(lambda: _listening(self.port), 60, "gunicorn")
            self.worker_start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def worker_start(self) -> subprocess.Popen:
        """deploy/worker.sh, as production runs it: db_worker, started again if it exits."""
        argv = ["sh", "deploy/worker.sh", "--no-startup-delay", "--no-reload", "--interval", "0.5"]
        env = {**self.env, "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
               "WORKER_RESTART_DELAY": "1"}  # fmt: skip
        worker = spawn("db_worker", argv, env)
        self.workers.append(worker)
        return worker

    def worker_children(self) -> list[int]:
        """The db_worker processes now running under our deploy/worker.sh processes."""
        pids = []
        for worker in self.workers:
            out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(worker.pid)],
                                 capture_output=True, text=True)  # fmt: skip
            pids += [
                int(line.split()[0]) for line in out.stdout.splitlines() if "db_worker" in line
            ]
        return pids

    def __exit__(self, *exc_info):
        for worker in self.workers:
            stop(worker)
        stop(self.gunicorn, timeout=40)
        stop(self.sink)
        self.sink_log.unlink(missing_ok=True)

    def sink_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        if self.sink_log.exists():
            for line in self.sink_log.read_text().splitlines():
                counts[line] = counts.get(line, 0) + 1
        return counts

    def sink_total(self) -> int:
        if not self.sink_log.exists():
            return 0
        with open(self.sink_log, "rb") as handle:
            return sum(1 for _ in handle)


def _proc_times(pid: int) -> tuple[int, list[int]]:
    """(parent pid, [utime, stime, cutime, cstime]) in clock ticks, from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[1]), [int(value) for value in fields[11:15]]


def process_tree_cpu(root: int) -> float:
    """CPU seconds of `root`, of its children it has reaped, and of its live children."""
    total = sum(_proc_times(root)[1])
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent, times = _proc_times(int(entry.name))
            except (OSError, ValueError):
                continue
            if parent == root:
                total += times[0] + times[1]
    return total / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(gunicorn_pid: int) -> dict[str, float]:
    """CPU seconds used so far by gunicorn (master and workers) and by the bench cluster
    (postmaster and backends, including those that have exited), to tell what a request
    costs from how long it waited."""
    data = Path(f"/var/lib/postgresql/{PG_VERSION}/{PG_CLUSTER}/postmaster.pid")
    postmaster = int(data.read_text().split()[0])
    return {"gunicorn": process_tree_cpu(gunicorn_pid), "postgresql": process_tree_cpu(postmaster)}


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {kind: after[kind] - before[kind] for kind in after}


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def require_tools() -> None:
    missing = [t for t in ("pg_createcluster", "pg_ctlcluster") if not shutil.which(t)]
    if missing:
        sys.exit(f"needs PostgreSQL's cluster tools (postgresql-common): {', '.join(missing)}")
