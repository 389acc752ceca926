"""The production stack for bench/load_test.py and bench/faults.py, on its own PostgreSQL cluster.

Everything here runs on loopback and is stopped by the caller (`Stack` is a context manager):
a PostgreSQL 15 cluster `bench` on port 5433 (created once, started, stopped at the end; the
main cluster on 5432 is never touched), the demo archive grown to N articles and a few hundred
published briefings (built once, then reused), gunicorn with gunicorn.conf.py (DEBUG off,
--no-control-socket, 127.0.0.1 only), one `manage.py db_worker`, and an aiosmtpd sink that
logs one line per recipient. The processes are started and stopped with bench/common.py.
"""

import argparse
import contextlib
import datetime
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import common
import psycopg
from common import ROOT, VAR, log

# The code the stack runs: the working tree, or an exported commit (app_dir_use).
APP_DIR = ROOT
PG_VERSION, PG_CLUSTER, PG_PORT = "15", "bench", 5433
SERVER = f"postgres://postgres@127.0.0.1:{PG_PORT}"
DATABASE = "briefing_load"  # --database chooses another (database_use)
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


# --- For the scripts ----------------------------------------------------------------------------


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options of the scripts that run the stack: --ref, --database and --keep-cluster."""
    parser.add_argument(
        "--ref", default="", help="run a commit (e.g. HEAD) instead of the working tree"
    )
    parser.add_argument("--database", default=DATABASE, help="the archive's database on 5433")
    parser.add_argument("--keep-cluster", action="store_true", help="leave 5433 running")


def database_use(name: str) -> None:
    """Build and run on the database `name` of the bench cluster (one per engineer or branch)."""
    global DATABASE
    DATABASE = name


@contextlib.contextmanager
def archive_cluster(args: argparse.Namespace, *, briefings: int) -> Iterator[None]:
    """The bench cluster started with the archive (`args.articles` articles, `briefings`
    published briefings) for the code of `args.ref`; stopped at the end unless --keep-cluster
    or it was already running (another run is using it)."""
    require_tools()
    app_dir_use(args.ref)
    database_use(args.database)
    was_running = cluster_state() == "online"
    cluster_start()
    try:
        archive_ensure(articles=args.articles, briefings=briefings)
        yield
    finally:
        if not (args.keep_cluster or was_running):
            cluster_stop()


# --- The PostgreSQL cluster on 5433 -------------------------------------------------------------


def require_tools() -> None:
    missing = [t for t in ("pg_createcluster", "pg_ctlcluster") if not shutil.which(t)]
    if missing:
        sys.exit(f"needs PostgreSQL's cluster tools (postgresql-common): {', '.join(missing)}")


def cluster_state() -> str | None:
    """The bench cluster's status in pg_lsclusters ("online", "down"), None when it is absent."""
    out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        fields = line.split()
        if fields[:2] == [PG_VERSION, PG_CLUSTER]:
            return fields[3]
    return None


def cluster_create() -> None:
    if cluster_state() is not None:
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


def cluster_start() -> None:
    cluster_create()
    if cluster_state() != "online":
        cluster_ctl("start")
    common.wait_until(_accepts, 30, "the bench cluster to accept")


def cluster_stop() -> None:
    if cluster_state() == "online":
        cluster_ctl("stop")


def _accepts() -> bool:
    try:
        with common.connect(server=SERVER, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def database_url(name: str | None = None) -> str:
    return common.database_url(name or DATABASE, SERVER)


def sql(query: str, params=(), *, database: str | None = None):
    return common.sql(query, params, database=database or DATABASE, server=SERVER)


# --- Environment and processes ------------------------------------------------------------------


def base_env(*, smtp_port: int | None = None, **extra: str) -> dict[str, str]:
    stack = {
        "DATABASE_URL": database_url(),
        "REDIS_URL": "redis://127.0.0.1:6379/1",
        "CACHE_KEY_PREFIX": "bench-load",
        "SITE_URL": "http://127.0.0.1:8000",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}?timeout=10" if smtp_port else "console://",
    }
    return common.production_env(**(stack | extra))


def manage(*args: str, env: dict[str, str], timeout: float = 3600) -> None:
    common.manage(*args, env=env, cwd=APP_DIR, timeout=timeout)


# --- The archive --------------------------------------------------------------------------------


def archive_ensure(*, articles: int, briefings: int) -> None:
    """Migrate, load the demo data, grow to `articles` generated ones, add published briefings.

    Each step checks what is there first, so a second run reuses the archive at once.
    """
    common.database_create(DATABASE, SERVER)
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
    with common.connect(DATABASE, SERVER) as conn:
        for _ in range(count):
            day -= datetime.timedelta(days=1)
            while day in taken:
                day -= datetime.timedelta(days=1)
            briefing_id = _briefing_insert(conn, day)
            picks = rng.sample(range(3, top), per_day * 2)
            rows = conn.execute(
                "SELECT id FROM articles_article WHERE status = 'published' AND id = ANY(%s) "
                "LIMIT %s",
                [picks, per_day],
            ).fetchall()
            for position, (article_id,) in enumerate(rows):
                conn.execute(
                    "INSERT INTO briefing_briefingentry (briefing_id, article_id, section, "
                    "position) VALUES (%s, %s, %s, %s)",
                    [briefing_id, article_id, "World" if position == 0 else "", position],
                )
        conn.commit()


def _briefing_insert(conn: psycopg.Connection, day: datetime.date) -> int:
    now = datetime.datetime.now(datetime.UTC)
    (briefing_id,) = conn.execute(
        "INSERT INTO briefing_briefing (date, title, intro, status, publish_at, "
        "published_at, email_subscribers, version, created_at, updated_at) "
        "VALUES (%s, 'Daily Briefing', '<p>The day in the press.</p>', 'published', "
        "%s, %s, false, 1, %s, %s) RETURNING id",
        [day, now, now, now, now],
    ).fetchone()
    return briefing_id


# --- The running stack --------------------------------------------------------------------------


class Stack(contextlib.ExitStack):
    """SMTP sink, gunicorn and one db_worker on the bench database; everything stopped on exit."""

    def __init__(self, *, env_extra: dict[str, str] | None = None, smtp_delay: float = 0.0):
        super().__init__()
        self.port = common.free_port()
        self.smtp_port = common.free_port()
        self.sink_log = VAR / f"sink-{os.getpid()}.log"
        self.smtp_delay = smtp_delay
        self.env = base_env(
            smtp_port=self.smtp_port, SITE_URL=f"http://127.0.0.1:{self.port}", **(env_extra or {})
        )
        self.gunicorn: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        super().__enter__()
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def _start(self) -> None:
        VAR.mkdir(parents=True, exist_ok=True)
        for name in ("smtp-sink", "gunicorn", "db_worker"):  # each run's logs on their own
            (VAR / f"{name}.log").unlink(missing_ok=True)
        self.sink_log.unlink(missing_ok=True)
        self.callback(self.sink_log.unlink, missing_ok=True)
        sink = common.smtp_sink(self.smtp_port, recipients=self.sink_log, delay=self.smtp_delay,
                                log=VAR / "smtp-sink.log")  # fmt: skip
        self.enter_context(sink)
        manage("collectstatic", "--noinput", "--verbosity", "0", env=self.env, timeout=300)
        server = common.gunicorn(self.port, env=self.env, config="gunicorn.conf.py", cwd=APP_DIR,
                                 log=VAR / "gunicorn.log")  # fmt: skip
        self.gunicorn = self.enter_context(server)
        self.worker_start()

    def worker_start(self) -> subprocess.Popen:
        """deploy/worker.sh, as production runs it: db_worker, started again if it exits."""
        argv = ["sh", "deploy/worker.sh", "--no-startup-delay", "--no-reload", "--interval", "0.5"]
        env = {**self.env, "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
               "WORKER_RESTART_DELAY": "1"}  # fmt: skip
        worker = common.spawn(argv, env=env, cwd=APP_DIR, log=VAR / "db_worker.log")
        self.callback(common.stop, worker)  # stopped first: the last one started
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


# --- CPU used by the stack ----------------------------------------------------------------------


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
