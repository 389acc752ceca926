"""Counts and times every request, and answers /metrics (before host checks and HTTPS
redirects, as /healthz is answered: Prometheus scrapes a worker by its address)."""

from time import perf_counter

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection

from core import metrics
from monitoring.views import metrics_view

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def unmatched_route(request, static_prefix: str) -> str:
    """The route label of a request the URL resolver did not match (a matched one's is its
    view name: bounded, never the raw path, which any client can vary)."""
    if request.path == "/healthz":
        return "healthz"
    if request.path.startswith(static_prefix):
        return "static"
    return "unmatched"


def metrics_middleware(get_response):
    """A function, not a class: every line of `middleware` runs on every request, on memory
    the request has not touched yet (each lookup costs there about 5 times what it does in a
    loop), and a closure's names cost less than an instance's attributes. No lookup or call
    that need not be made (bench/bench_metrics.py)."""
    if not settings.METRICS_ENABLED:
        raise MiddlewareNotUsed
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    add_request = metrics.add_request

    def middleware(request):
        if request.path == "/metrics":
            return metrics_view(request)
        try:
            timer, requests = metrics.pending.local.request_state
        except AttributeError:
            timer, requests = metrics.request_state(connection)
        timer.count = 0
        timer.seconds = 0.0
        start = perf_counter()
        response = get_response(request)
        seconds = perf_counter() - start
        match = request.resolver_match
        method = request.method
        key = (
            match.view_name if match is not None else unmatched_route(request, static_prefix),
            method if method in METHODS else "other",
            response.status_code,
        )
        add_request(requests, key, seconds, timer)
        return response

    return middleware
