"""The Prometheus instruments every process updates (web workers and `db_worker` alike).

With PROMETHEUS_MULTIPROC_DIR set before the process starts (gunicorn.conf.py and
deploy/worker.sh set it under METRICS_DIR), prometheus-client keeps each process's values in
its own file there, and /metrics (monitoring/views.py) adds them up: every worker counts.
Values the database already knows (deliveries by state, queue depth) are not counted here but
read at scrape time (monitoring/collectors.py).
"""

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "briefing_http_requests",
    "Requests answered, by route name, method and status code.",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "briefing_http_request_duration_seconds",
    "Time from the first middleware in to the response out, by route name.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
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
DELIVERIES_RECORDED = Counter(
    "briefing_deliveries_recorded",
    "Delivery results written by the workers, by kind and the state written (sent, failed...).",
    ["kind", "status"],
)
