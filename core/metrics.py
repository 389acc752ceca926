"""The Prometheus instruments every process updates (web workers and `db_worker` alike).

With PROMETHEUS_MULTIPROC_DIR set before the process starts (gunicorn.conf.py and
deploy/worker.sh set it under METRICS_DIR), prometheus-client keeps each process's values in
its own file there, and /metrics (monitoring/views.py) adds them up: every worker counts.
Values the database already knows (deliveries by state, queue depth) are not counted here but
read at scrape time (monitoring/collectors.py).

What happens on every request (its count, latency, queries, the page cache's hits) is added up
in the thread that answered it, in plain lists only that thread writes (`record_request`,
`count`: no lock), and written to those values at most once a second (`flush`: by a thread of
this process, before this process answers /metrics, and on exit), as the difference from what
the last flush wrote: totals only grow, so a flush that reads a total half-updated writes the
rest the next time, and nothing is lost or counted twice. Writing each request's five values
to the files as it ends cost 3-8 % of a cheap request's CPU time; sums under one lock for the
process cost 1.3-2.2 %; these cost less (bench/bench_metrics.py). Another process's last
second reaches /metrics a second late.
"""

import atexit
import os
import threading
import time
from bisect import bisect_left
from time import perf_counter

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from prometheus_client import Counter, Histogram

FLUSH_SECONDS = 1.0
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "briefing_http_requests",
    "Requests answered, by route name, method and status code.",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "briefing_http_request_duration_seconds",
    "Time from the first middleware in to the response out, by route name.",
    ["route"],
    buckets=REQUEST_BUCKETS,
)
DB_QUERIES = Counter(
    "briefing_db_queries", "Database queries run while answering requests, by route.", ["route"]
)
DB_SECONDS = Counter(
    "briefing_db_query_seconds",
    "Time spent in database queries while answering requests, by route.",
    ["route"],
)
CACHE_LOOKUPS = Counter(
    "briefing_cache_lookups",
    "Lookups in our caches, by cache and hit or miss.",
    ["cache", "result"],
)
FEED_POLLS = Counter(
    "briefing_feed_polls",
    "Feed polls by result: read (an answer with content), not_modified (304) or failed.",
    ["result"],
)
DELIVERIES_RECORDED = Counter(
    "briefing_deliveries_recorded",
    "Delivery results written by the workers, by kind and the state written (sent, failed...).",
    ["kind", "status"],
)


# A request's tally: [requests, seconds, queries, query seconds, bucket 0, bucket 1, ...] (the
# last bucket: slower than them all). One flat list: the fewest objects a request touches.
SECONDS, QUERIES, QUERY_SECONDS, BUCKETS = 1, 2, 3, 4
TALLY_SIZE = BUCKETS + len(REQUEST_BUCKETS) + 1


class QueryTimer:
    """On a connection's execute_wrappers: counts its queries and adds up their time. Left on
    the connection for good (one per connection): the middleware reads and zeroes it."""

    __slots__ = ("count", "seconds")

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += perf_counter() - start
            self.count += 1


class ThreadTallies:
    """One thread's totals since it started, written by that thread only; and what the flushes
    have written of them so far, read and written by the flushes only."""

    __slots__ = ("thread", "requests", "counts", "written")

    def __init__(self):
        self.thread = threading.current_thread()
        self.requests: dict[tuple[str, str, int], list] = {}
        self.counts: dict[tuple[Counter, tuple[str, ...]], list] = {}
        self.written: dict[tuple, list] = {}


class Pending:
    """This process's threads' tallies, and the flushes that write their growth to the
    Prometheus values."""

    def __init__(self):
        self.lock = threading.Lock()  # taken once per thread, to register its tallies
        self.flush_lock = threading.Lock()  # one flush at a time: each growth written once
        self.threads: list[ThreadTallies] = []
        self.local = threading.local()
        self.flusher: threading.Thread | None = None
        self.flush_seconds = 0.0  # CPU time the flushes took (bench/bench_metrics.py adds it)
        self.children: dict[tuple, object] = {}  # the Prometheus values of each key

    def register(self) -> ThreadTallies:
        tallies = self.local.tallies = ThreadTallies()
        with self.lock:
            self.threads.append(tallies)
            if self.flusher is None:
                self.flusher = threading.Thread(target=self.flush_forever, daemon=True)
                self.flusher.start()
        return tallies

    def flush_forever(self) -> None:
        while True:
            time.sleep(FLUSH_SECONDS)
            self.flush()

    def flush(self) -> None:
        started = time.thread_time()
        with self.flush_lock:
            with self.lock:
                threads = list(self.threads)
            for tallies in threads:
                ended = not tallies.thread.is_alive()  # before reading: its totals are final
                self.write_growth(tallies)
                if ended:
                    with self.lock:
                        self.threads.remove(tallies)
        self.flush_seconds += time.thread_time() - started

    def write_growth(self, tallies: ThreadTallies) -> None:
        written, children = tallies.written, self.children
        # dict.copy() and a list's [:] are each one step the recording thread cannot split.
        for key, tally in tallies.requests.copy().items():
            now, before = tally[:], written.get(key) or [0] * TALLY_SIZE
            written[key] = now
            if now[0] == before[0]:
                continue
            if key not in children:
                route, method, status = key
                children[key] = (
                    REQUESTS.labels(route, method, str(status)),
                    REQUEST_SECONDS.labels(route),
                    DB_QUERIES.labels(route),
                    DB_SECONDS.labels(route),
                )
            requests, latency, queries, query_seconds = children[key]
            requests.inc(now[0] - before[0])
            # Histogram.observe() takes one value at a time; its sum and buckets take n at once.
            latency._sum.inc(now[SECONDS] - before[SECONDS])
            for bucket, n, m in zip(
                latency._buckets, now[BUCKETS:], before[BUCKETS:], strict=True
            ):
                if n > m:
                    bucket.inc(n - m)
            if now[QUERIES] > before[QUERIES]:
                queries.inc(now[QUERIES] - before[QUERIES])
                query_seconds.inc(now[QUERY_SECONDS] - before[QUERY_SECONDS])
        for key, total in tallies.counts.copy().items():
            now, before = total[0], written.get(key, (0,))[0]
            if now > before:
                written[key] = [now]
                if key not in children:
                    counter, labels = key
                    children[key] = counter.labels(*labels)
                children[key].inc(now - before)


pending = Pending()


def _after_fork_in_child() -> None:
    """A forked child starts empty (its parent writes what it counted) and without a thread."""
    global pending
    pending = Pending()


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(lambda: pending.flush())


def flush() -> None:
    """Write what this process counted to the Prometheus values now."""
    pending.flush()


def thread_tallies() -> ThreadTallies:
    try:
        return pending.local.tallies
    except AttributeError:
        return pending.register()


def request_state(connection) -> tuple[QueryTimer, dict]:
    """The calling thread's query timer (on its database connection, `connection`) and its
    tallies of requests, made once per thread: looking the thread's connection up costs 2 us
    (asgiref's Local), and it stays the same for the thread's life. A connection that already
    has a timer keeps it (threads that share one, as a test's live server does, share it)."""
    wrappers = connection.execute_wrappers
    timer = next((w for w in wrappers if isinstance(w, QueryTimer)), None)
    if timer is None:
        timer = QueryTimer()
        wrappers.append(timer)
    state = pending.local.request_state = (timer, thread_tallies().requests)
    return state


def add_request(requests: dict, key: tuple, seconds: float, timer: QueryTimer) -> None:
    """One request, into the tallies of its thread (from request_state)."""
    tally = requests.get(key)
    if tally is None:
        tally = requests[key] = [0, 0.0, 0, 0.0] + [0] * (TALLY_SIZE - BUCKETS)
    tally[0] += 1
    tally[SECONDS] += seconds
    tally[BUCKETS + bisect_left(REQUEST_BUCKETS, seconds)] += 1  # observe(): first bound >= it
    if timer.count:
        tally[QUERIES] += timer.count
        tally[QUERY_SECONDS] += timer.seconds


def record_request(
    route: str, method: str, status: int, seconds: float, queries: int, query_seconds: float
) -> None:
    """A request answered outside the middleware's path (a test, a bench)."""
    timer = QueryTimer()
    timer.count, timer.seconds = queries, query_seconds
    add_request(thread_tallies().requests, (route, method, status), seconds, timer)


# settings.METRICS_ENABLED, read once: every read of an attribute of django.conf.settings
# goes through LazyObject.__getattribute__ (0.5 us, a third of a cache lookup's count).
_enabled: bool | None = None


@receiver(setting_changed, dispatch_uid="core_metrics_enabled")
def _metrics_enabled_changed(*, setting, value, **kwargs) -> None:
    global _enabled
    if setting == "METRICS_ENABLED":
        _enabled = bool(value)


def enabled() -> bool:
    global _enabled
    if _enabled is None:
        _enabled = bool(settings.METRICS_ENABLED)
    return _enabled


def count(counter: Counter, *labels: str, amount: float = 1) -> None:
    """counter.labels(*labels).inc(amount), written with the next flush (METRICS_ENABLED on)."""
    if not enabled():
        return
    try:
        counts = pending.local.tallies.counts
    except AttributeError:
        counts = pending.register().counts
    key = (counter, labels)
    total = counts.get(key)
    if total is None:
        counts[key] = [amount]
    else:
        total[0] += amount
