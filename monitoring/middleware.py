"""Counts and times every request, and answers /metrics (before host checks and HTTPS
redirects, as /healthz is answered: Prometheus scrapes a worker by its address)."""

import time
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection

from core import metrics
from monitoring.views import metrics_view

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class QueryTimer:
    """connection.execute_wrapper: counts the queries of one request and adds up their time."""

    __slots__ = ("count", "seconds")

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.count += 1


@lru_cache(maxsize=2048)
def instruments(route: str, method: str, status: str):
    """The labelled children of one (route, method, status): labels() costs more than inc()."""
    return (
        metrics.REQUESTS.labels(route, method, status),
        metrics.REQUEST_SECONDS.labels(route),
        metrics.DB_QUERIES.labels(route),
        metrics.DB_SECONDS.labels(route),
    )


def route_of(request, static_prefix: str) -> str:
    """The route's name (bounded: never the raw path, which any client can vary)."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match.route or "unnamed"
    if request.path == "/healthz":
        return "healthz"
    if request.path.startswith(static_prefix):
        return "static"
    return "unmatched"


class MetricsMiddleware:
    def __init__(self, get_response):
        if not settings.METRICS_ENABLED:
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        if request.path == "/metrics":
            return metrics_view(request)
        start = time.perf_counter()
        timer = QueryTimer()
        # connection.execute_wrapper(timer) without its context manager's cost (a third of
        # this middleware's): the same push and pop of the connection's list of wrappers.
        wrappers = connection.execute_wrappers
        wrappers.append(timer)
        try:
            response = self.get_response(request)
        finally:
            wrappers.pop()
        method = request.method if request.method in METHODS else "other"
        requests, seconds, queries, query_seconds = instruments(
            route_of(request, self.static_prefix), method, str(response.status_code)
        )
        requests.inc()
        seconds.observe(time.perf_counter() - start)
        if timer.count:
            queries.inc(timer.count)
            query_seconds.inc(timer.seconds)
        return response
