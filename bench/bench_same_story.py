"""Same-story detection over a large archive: precision, recall and candidate-search time.

    .venv/bin/python bench/bench_same_story.py                      # 100,000 then 1,000,000
    .venv/bin/python bench/bench_same_story.py --sizes 100000 --time-limit 900

For each size N it prepares the database `briefing_stories_bench_<N>`: migrated, holding the
first N articles of the generated archive `--source` (default `briefing_articles_bench`, built
by bench/bench_articles.py; read-only here, copied with COPY so its users are never disturbed)
and their fingerprints. A run tops up what an earlier run copied (`--prepare-only` fills while
the source is still growing; `--start-from DB` begins from a copy of a smaller bench database).
Then `manage.py evaluate_same_story` copies that database, adds the labelled pairs' articles
and prints its figures. Every step has a time limit; a size whose source archive is still too
small is reported and skipped.
"""

import argparse
import os
import resource
import subprocess
import threading
import time

import common

PAIRS = common.ROOT / "stories" / "evaluation" / "pairs.json"
# The reader search vector is left out: same-story detection does not read it.
COLUMNS = {
    "articles_source": "id, name, slug, home_page",
    "articles_article": (
        "id, title, slug, source_id, label, original_date, original_url, url_key, pull_quote, "
        "excerpt, status, published_at, created_at, updated_at, added_by_id"
    ),
}


class TooSmall(RuntimeError):
    """The generated archive does not (yet) hold that many articles."""


def manage(database: str, *args: str, timeout: float) -> str:
    env = common.production_env(
        DATABASE_URL=common.database_url(database),
        LOG_LEVEL="ERROR",
        # Copying and fingerprinting a million rows outlasts the site's statement timeout;
        # every step is bounded by `timeout` instead.
        DB_STATEMENT_TIMEOUT_MS="0",
    )
    return common.manage(*args, env=env, timeout=timeout, capture=True)


def count(database: str) -> int:
    return common.sql("SELECT count(*) FROM articles_article", database=database)[0][0]


def copy_rows(source: str, target: str, table: str, query: str) -> None:
    """Stream rows between databases with COPY; the source only sees one read transaction."""
    with common.connect(source) as src, common.connect(target) as dst:
        with (
            src.cursor().copy(f"COPY ({query}) TO STDOUT") as reader,
            dst.cursor().copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as writer,
        ):
            for chunk in reader:
                writer.write(chunk)
        dst.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"
        )


def max_id(database: str, table: str) -> int:
    return common.sql(f"SELECT coalesce(max(id), 0) FROM {table}", database=database)[0][0]


def generated(size: int, generate: int, prefix: str, timeout: float) -> str:
    """The bench database of `size` articles without a source archive: `generate` articles made
    by `generate_archive` and fingerprinted, then copied with INSERT … SELECT (replicate())."""
    database = f"{prefix}_{size}"
    common.database_create(database)
    manage(database, "migrate", "--verbosity=0", timeout=timeout)
    if count(database) < min(generate, size):
        started = time.monotonic()
        manage(database, "generate_archive", "--articles", str(generate), timeout=timeout)
        print(
            f"  generated {generate:,} articles in {time.monotonic() - started:.0f} s", flush=True
        )
        started = time.monotonic()
        manage(database, "cluster_stories", "--fingerprints-only", timeout=timeout)
        print(f"  fingerprinted them in {time.monotonic() - started:.0f} s", flush=True)
    if count(database) < size:
        replicate(database, size, base=generate)
    return database


def prepare(size: int, source: str, timeout: float, start_from: str = "", prefix: str = "") -> str:
    """The bench database of `size` articles, created or topped up from `source` (so it can be
    filled while the generated archive is still growing), every article fingerprinted."""
    database = f"{prefix}_{size}"
    common.database_create(database, template=start_from)
    manage(database, "migrate", "--verbosity=0", timeout=timeout)
    have = count(database)
    if have < size:
        started = time.monotonic()
        columns = COLUMNS["articles_source"]
        last = max_id(database, "articles_source")
        copy_rows(
            source,
            database,
            "articles_source",
            f"SELECT {columns} FROM articles_source WHERE id > {last} ORDER BY id",
        )
        last = max_id(database, "articles_article")
        copy_rows(
            source,
            database,
            "articles_article",
            f"SELECT {COLUMNS['articles_article']} FROM articles_article "
            f"WHERE id > {last} ORDER BY id LIMIT {size - have}",
        )
        print(
            f"  copied {count(database) - have:,} articles in {time.monotonic() - started:.0f} s",
            flush=True,
        )
    started = time.monotonic()
    manage(database, "cluster_stories", "--fingerprints-only", timeout=timeout)
    print(f"  fingerprinted the new ones in {time.monotonic() - started:.0f} s", flush=True)
    common.sql("VACUUM ANALYZE", database=database)
    if count(database) < size:
        raise TooSmall(f"{source} holds only {count(database):,} of {size:,} articles so far")
    return database


_REPLICATE_ARTICLES = """
INSERT INTO articles_article (id, title, slug, source_id, label, original_date, original_url,
    url_key, pull_quote, excerpt, status, published_at, created_at, updated_at, added_by_id)
SELECT id + %(offset)s::bigint, title, slug || '-r' || %(round)s, source_id, label,
    date '2006-12-01' + ((original_date - date '2006-12-01') + %(round)s::int * 977) %% 7300,
    original_url || '#r' || %(round)s, url_key || '/r' || %(round)s, pull_quote, excerpt,
    status, published_at, created_at, updated_at, added_by_id
FROM articles_article WHERE id <= %(base)s::bigint ORDER BY id LIMIT %(count)s::bigint
"""
_REPLICATE_FINGERPRINTS = """
INSERT INTO stories_fingerprint (article_id, original_date, vector, keywords, updated_at)
SELECT a.id, a.original_date, f.vector, f.keywords, now()
FROM articles_article AS a
JOIN stories_fingerprint AS f ON f.article_id = a.id - %(offset)s::bigint
WHERE a.id > %(offset)s::bigint AND a.id <= %(offset)s::bigint + %(count)s::bigint
"""
_REPLICATE_KEYWORDS = """
INSERT INTO stories_keyword (article_id, term, original_date)
SELECT article_id, unnest(keywords), original_date FROM stories_fingerprint
WHERE article_id > %(offset)s::bigint AND article_id <= %(offset)s::bigint + %(count)s::bigint
"""


_SECONDARY_INDEXES = """
SELECT i.indexname, i.indexdef FROM pg_indexes AS i
WHERE i.tablename IN ('articles_article', 'stories_fingerprint', 'stories_keyword')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conname = i.indexname)
"""


def replicate(database: str, size: int, base: int = 0) -> None:
    """Fill up to `size` articles with copies of the first `base` (default: all there are; new
    ids, dates moved by a whole number of days, the same fingerprints) with INSERT … SELECT,
    for when generating `size` articles does not fit the time at hand. Secondary indexes are
    dropped for the copy and built again after it (one sort instead of a million random
    inserts); document frequencies are scaled to the new number of fingerprints."""
    with common.connect(database, autocommit=True) as conn:
        base = base or conn.execute("SELECT max(id) FROM articles_article").fetchone()[0]
        have = count(database)
        started, copies = time.monotonic(), have // base - 1
        indexes = conn.execute(_SECONDARY_INDEXES).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        while have < size:
            copies += 1
            params = {
                "offset": base * copies,
                "round": copies,
                "base": base,
                "count": min(base, size - have),
            }
            conn.execute(_REPLICATE_ARTICLES, params)
            conn.execute(_REPLICATE_FINGERPRINTS, params)
            conn.execute(_REPLICATE_KEYWORDS, params)
            have += params["count"]
            print(f"  replicated up to {have:,} articles", flush=True)
        for name, definition in indexes:
            conn.execute(definition)
            print(f"  built {name} again", flush=True)
        conn.execute(
            "UPDATE stories_termstat SET df = round(df * %s::float8 / "
            "(SELECT df FROM stories_termstat WHERE term = ''))",
            [have],
        )
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), %s)",
            [base * (copies + 1)],
        )
        conn.execute("VACUUM ANALYZE")
        print(f"  replicated in {time.monotonic() - started:.0f} s", flush=True)


def search_sample(database: str, samples: int) -> None:
    """The editors' candidate search (the panel's judged_candidates) on `samples` articles of
    the bench database spread over its ids, in this process: p50/p95 wall and CPU time."""
    common.django_setup(
        {"DATABASE_URL": common.database_url(database), "DB_STATEMENT_TIMEOUT_MS": "0"},
        defaults={"SECRET_KEY": "bench-only-key", "LOG_LEVEL": "ERROR"},
    )
    import statistics

    from articles.models import Article
    from stories.search import judged_candidates

    top = Article.objects.order_by("-pk").values_list("pk", flat=True).first()
    step = max(top // samples, 1)
    walls, cpus, found = [], [], 0
    for pk in range(step // 2 or 1, top + 1, step):
        article = Article.objects.filter(pk__gte=pk).order_by("pk").first()
        wall, cpu = time.perf_counter(), time.process_time()
        found += len(judged_candidates(article))
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)

    def p(values, q):
        return statistics.quantiles(values, n=100, method="inclusive")[q - 1]

    print(
        f"  candidate search over {count(database):,} articles, {len(walls)} searches: "
        f"wall p50 {p(walls, 50):.1f} ms, p95 {p(walls, 95):.1f} ms; "
        f"Python CPU p50 {p(cpus, 50):.1f} ms, p95 {p(cpus, 95):.1f} ms; "
        f"{found} candidates proposed",
        flush=True,
    )


class BackendClock:
    """CPU seconds (user + system) used by the PostgreSQL backends of one database while it runs:
    polls pg_stat_activity and /proc/<pid>/stat every `every` seconds and keeps each backend's
    last reading (PostgreSQL runs on this machine), so a backend that exits between two polls
    loses at most that interval's CPU."""

    def __init__(self, database: str, every: float = 1.0):
        self.database, self.every = database, every
        self.seen: dict[int, float] = {}
        self.baseline: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._tick = os.sysconf("SC_CLK_TCK")

    def __enter__(self):
        with common.connect("postgres", autocommit=True) as conn:
            self._poll(conn)  # backends already running count from now on
        self.baseline, self.seen = self.seen, {}
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def seconds(self) -> float:
        return sum(cpu - self.baseline.get(pid, 0.0) for pid, cpu in self.seen.items())

    def _run(self):
        with common.connect("postgres", autocommit=True) as conn:
            while True:
                self._poll(conn)
                if self._stop.wait(self.every):
                    return

    def _poll(self, conn):
        pids = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [self.database],
        ).fetchall()
        for (pid,) in pids:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            self.seen[pid] = (int(fields[11]) + int(fields[12])) / self._tick


def cluster_run(database: str, limit: int, timeout: float, log: str) -> None:
    """`manage.py cluster_stories --restart` over the bench database (every article, or the
    first `limit` in date order), timed: wall clock, the command's own CPU (Python) and its
    PostgreSQL backends' CPU. Progress lines go to `log`. A run stopped by `timeout` reports
    how many articles it clustered in that time (a partial run, not a projection)."""
    argv = [common.PYTHON, "manage.py", "cluster_stories", "--restart"]
    argv += ["--limit", str(limit)] if limit else []
    env = common.production_env(
        DATABASE_URL=common.database_url(database), LOG_LEVEL="ERROR", DB_STATEMENT_TIMEOUT_MS="0"
    )
    total = count(database)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started, finished = time.monotonic(), True
    print(f"  cluster_stories {' '.join(argv[3:])} over {total:,} articles ...", flush=True)
    with open(log, "a") as progress, BackendClock(database) as backend:
        child = subprocess.Popen(
            argv, cwd=common.ROOT, env=env, stdout=subprocess.PIPE, stderr=progress, text=True
        )
        try:
            output, _ = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            child.terminate()
            output, _ = child.communicate()
            finished = False
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    python = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    clustered = common.sql(
        "SELECT count(*) FROM stories_fingerprint WHERE clustered", database=database
    )[0][0]
    links = common.sql("SELECT count(*) FROM stories_storyarticle", database=database)
    state = (
        "finished"
        if finished and child.returncode == 0
        else (f"STOPPED after {timeout:.0f} s" if not finished else f"FAILED ({child.returncode})")
    )
    print(
        f"  cluster_stories {state}: {clustered:,} of {total:,} articles clustered in "
        f"{wall:,.0f} s wall ({clustered / max(wall, 0.001):,.0f}/s); CPU: PostgreSQL backends "
        f"{backend.seconds:,.0f} s, Python {python:,.0f} s = "
        f"{(backend.seconds + python) * 1000 / max(clustered, 1):.2f} ms an article; "
        f"{links[0][0]:,} story memberships; load average {os.getloadavg()[0]:.1f}\n"
        f"  {output.strip()}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--source", default="briefing_articles_bench")
    parser.add_argument(
        "--prefix", default="briefing_stories_bench", help="bench databases are PREFIX_<size>"
    )
    parser.add_argument(
        "--generate",
        type=int,
        default=0,
        help="no source archive: generate this many articles, then replicate them up to size",
    )
    parser.add_argument("--pairs", default=str(PAIRS))
    parser.add_argument("--threshold", type=float)
    parser.add_argument("--time-limit", type=float, default=1800, help="seconds per step")
    parser.add_argument("--start-from", default="", help="a smaller bench database to copy first")
    parser.add_argument(
        "--prepare-only", action="store_true", help="fill the databases, no evaluation"
    )
    parser.add_argument(
        "--search-sample",
        type=int,
        default=0,
        help="time the candidate search on this many of the bench database's own articles "
        "instead of evaluating the labelled pairs",
    )
    parser.add_argument(
        "--replicate",
        action="store_true",
        help="when the source is too small, fill up with copies of its articles (see replicate())",
    )
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="time `cluster_stories --restart` over the whole bench database (wall, Python and "
        "PostgreSQL CPU) instead of evaluating the labelled pairs",
    )
    parser.add_argument(
        "--cluster-limit", type=int, default=0, help="with --cluster: only this many articles"
    )
    parser.add_argument(
        "--cluster-log", default="var/bench/cluster_stories.log", help="its progress lines"
    )
    args = parser.parse_args()
    for size in args.sizes:
        print(f"\n== {size:,} archived articles ==", flush=True)
        try:
            if args.generate:
                database = generated(size, args.generate, args.prefix, args.time_limit)
            else:
                try:
                    database = prepare(
                        size, args.source, args.time_limit, args.start_from, args.prefix
                    )
                except TooSmall:
                    if not args.replicate:
                        raise
                    database = f"{args.prefix}_{size}"
                    replicate(database, size)
            if args.search_sample:
                search_sample(database, args.search_sample)
            if args.cluster:
                cluster_run(database, args.cluster_limit, args.time_limit, args.cluster_log)
            if args.prepare_only or args.search_sample or args.cluster:
                continue
            extra = ["--threshold", str(args.threshold)] if args.threshold else []
            print(
                manage(
                    "postgres",
                    "evaluate_same_story",
                    args.pairs,
                    "--archive-template",
                    database,
                    "--archive-size",
                    str(size),
                    *extra,
                    timeout=args.time_limit,
                ),
                flush=True,
            )
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            print(f"  not measured: {error}", flush=True)


if __name__ == "__main__":
    main()
