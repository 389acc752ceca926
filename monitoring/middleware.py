"""Counts and times every request, and answers /metrics (before host checks and HTTPS
redirects, as /healthz is answered: Prometheus scrapes a worker by its address)."""

import threading
from time import perf_counter

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection

from core.metrics import record_request
from monitoring.views import metrics_view

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class QueryTimer:
    """connection.execute_wrapper: counts the queries of one request and adds up their time."""

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


def route_of(request, static_prefix: str) -> str:
    """The route's name (bounded: never the raw path, which any client can vary), from the
    match the URL resolver already made for the view."""
    match = request.resolver_match
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
        self.thread = threading.local()

    def thread_state(self) -> tuple[list, QueryTimer]:
        """This thread's database connection's list of wrappers, and a timer to put on it.

        Looking the connection up costs 2 us a request (asgiref's Local); its DatabaseWrapper,
        and so that list, stays the same for the thread's life: looked up once per thread.
        """
        state = self.thread.state = (connection.execute_wrappers, QueryTimer())
        return state

    def __call__(self, request):
        # Every line here runs on every request, on memory the request has not touched yet
        # (each lookup costs there about 5 times what it does in a loop): no call, no lookup
        # that need not be made (bench/bench_metrics.py).
        if request.path == "/metrics":
            return metrics_view(request)
        start = perf_counter()
        try:
            wrappers, timer = self.thread.state
        except AttributeError:
            wrappers, timer = self.thread_state()
        timer.count = 0
        timer.seconds = 0.0
        # connection.execute_wrapper(timer) without its context manager's cost: the same push
        # and pop of the connection's list of wrappers (a timer left on it would pile up, one
        # per handler, in a process that builds several: the test client does).
        wrappers.append(timer)
        try:
            response = self.get_response(request)
        finally:
            wrappers.pop()
        seconds = perf_counter() - start
        method = request.method
        record_request(
            route_of(request, self.static_prefix),
            method if method in METHODS else "other",
            response.status_code,
            seconds,
            timer.count,
            timer.seconds,
        )
        return response
