"""Counts and times every request, and answers /metrics (before host checks and HTTPS
redirects, as /healthz is answered: Prometheus scrapes a worker by its address)."""

import time

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


def route_of(request) -> str:
    """The route's name (bounded: never the raw path, which any client can vary)."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match.route or "unnamed"
    if request.path == "/healthz":
        return "healthz"
    if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"
    return "unmatched"


class MetricsMiddleware:
    def __init__(self, get_response):
        if not settings.METRICS_ENABLED:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/metrics":
            return metrics_view(request)
        start = time.perf_counter()
        timer = QueryTimer()
        with connection.execute_wrapper(timer):
            response = self.get_response(request)
        route = route_of(request)
        method = request.method if request.method in METHODS else "other"
        metrics.REQUESTS.labels(route, method, str(response.status_code)).inc()
        metrics.REQUEST_SECONDS.labels(route).observe(time.perf_counter() - start)
        if timer.count:
            metrics.DB_QUERIES.labels(route).inc(timer.count)
            metrics.DB_SECONDS.labels(route).inc(timer.seconds)
        return response
