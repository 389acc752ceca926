"""The Prometheus instruments every process updates (web workers and `db_worker` alike).

With PROMETHEUS_MULTIPROC_DIR set before the process starts (gunicorn.conf.py and
deploy/worker.sh set it under METRICS_DIR), prometheus-client keeps each process's values in
its own file there, and /metrics (monitoring/views.py) adds them up: every worker counts.
Values the database already knows (deliveries by state, queue depth) are not counted here but
read at scrape time (monitoring/collectors.py).

What happens on every request (its count, latency, queries, the page cache's hits) is added up
in this process first (`record_request`, `count`) and written to those values at most once a
second (`flush`: by a thread of this process, before this process answers /metrics, and on
exit). Writing each request's five values to the files as it ends cost 3-8 % of a cheap
request's CPU time; the sums cost less (bench/bench_metrics.py; a tuple queued a request and
added up by the flush was tried: what the request saved, the flush spent). Another process's
last second reaches /metrics a second late, never counted twice or lost.
"""

import atexit
import os
import threading
import time
from bisect import bisect_left

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


class RequestTally:
    """The requests of one (route, method, status) since the last flush."""

    __slots__ = ("requests", "seconds", "buckets", "queries", "query_seconds")

    def __init__(self):
        self.requests = 0
        self.seconds = 0.0
        self.buckets = [0] * (len(REQUEST_BUCKETS) + 1)  # the last one: slower than them all
        self.queries = 0
        self.query_seconds = 0.0


class Pending:
    """What this process counted and has not yet written to the Prometheus values."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests: dict[tuple[str, str, str], RequestTally] = {}
        self.counts: dict[tuple[Counter, tuple[str, ...]], float] = {}
        self.due = threading.Event()  # set when something waits to be written
        self.flusher: threading.Thread | None = None
        self.flush_seconds = 0.0  # CPU time the flushes took (bench/bench_metrics.py adds it)

    def wake(self) -> None:
        """Called with the lock held, when a first value waits since the last flush."""
        if self.flusher is None:
            self.flusher = threading.Thread(target=self.flush_forever, daemon=True)
            self.flusher.start()
        self.due.set()

    def flush_forever(self) -> None:
        while True:
            self.due.wait()
            self.due.clear()
            time.sleep(FLUSH_SECONDS)  # gather a second's worth
            self.flush()

    def flush(self) -> None:
        started = time.thread_time()
        with self.lock:
            requests, self.requests = self.requests, {}
            counts, self.counts = self.counts, {}
        for (route, method, status), tally in requests.items():
            REQUESTS.labels(route, method, status).inc(tally.requests)
            # Histogram.observe() takes one value at a time; its sum and buckets take n at once.
            latency = REQUEST_SECONDS.labels(route)
            latency._sum.inc(tally.seconds)
            for bucket, n in zip(latency._buckets, tally.buckets, strict=True):
                if n:
                    bucket.inc(n)
            if tally.queries:
                DB_QUERIES.labels(route).inc(tally.queries)
                DB_SECONDS.labels(route).inc(tally.query_seconds)
        for (counter, labels), amount in counts.items():
            counter.labels(*labels).inc(amount)
        self.flush_seconds += time.thread_time() - started


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


def record_request(
    route: str, method: str, status: int, seconds: float, queries: int, query_seconds: float
) -> None:
    bucket = bisect_left(REQUEST_BUCKETS, seconds)  # observe(): the first bound >= seconds
    todo = pending
    with todo.lock:
        tally = todo.requests.get((route, method, status))
        if tally is None:
            tally = todo.requests[(route, method, status)] = RequestTally()
            todo.wake()
        tally.requests += 1
        tally.seconds += seconds
        tally.buckets[bucket] += 1
        tally.queries += queries
        tally.query_seconds += query_seconds


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
    todo = pending
    key = (counter, labels)
    with todo.lock:
        if key in todo.counts:
            todo.counts[key] += amount
        else:
            todo.counts[key] = amount
            todo.wake()
