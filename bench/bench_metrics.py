"""What /metrics' instrumentation costs a request: with and without it, on a trivial and a
real page.

1. In one process (CPU time per request, Django's test client, no network): the same URL with
   the metrics middleware and without, in alternating batches, on PostgreSQL with the demo
   data, in Prometheus multiprocess mode (values in files, as under gunicorn).
2. The middleware alone, around a view that does nothing: the instrumentation's own cost.
3. Over loopback: two gunicorn servers side by side (--no-control-socket, stopped at the end),
   one with METRICS_ENABLED=false, measured in alternating one-second slices, so that both see
   the same drift of a shared machine.

    .venv/bin/python bench/bench_metrics.py [--requests 400] [--seconds 4] [--connections 4]

BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/briefing_bench_metrics) is
emptied and reloaded with the demo fixtures.
"""

import argparse
import os
import tempfile
import time

import common
from bench_briefing_pages import base_env, get, prepare_database, rate_python

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/briefing_bench_metrics"
URLS = [("trivial /robots.txt", "/robots.txt"), ("day page", "/briefings/2024/09/01/")]


def in_process(requests: int, batch: int = 50) -> dict[str, float]:
    """The cost of each URL, in microseconds (with minus without)."""
    from django.test import Client, override_settings

    clients = {}
    for enabled in (False, True):
        with override_settings(METRICS_ENABLED=enabled, ALLOWED_HOSTS=["testserver"]):
            clients[enabled] = Client()
            clients[enabled].get("/robots.txt")  # loads the middleware chain now
    print(f"\nin one process, CPU time per request ({requests} each, batches of {batch}):")
    costs = {}
    for name, path in URLS:
        times = {False: [], True: []}
        for _ in range(max(1, requests // batch)):
            for enabled, client in clients.items():
                with override_settings(ALLOWED_HOSTS=["testserver"]):
                    start = time.process_time()
                    for _ in range(batch):
                        assert client.get(path).status_code == 200
                times[enabled].append((time.process_time() - start) / batch)
        # The fastest batch: the one the other programs of a shared machine disturbed least.
        off, on = min(times[False]), min(times[True])
        print(f"  {name:20} without {off * 1e6:7.0f} us   with {on * 1e6:7.0f} us   "
              f"cost {(on - off) * 1e6:+6.0f} us = {(on - off) / off:+.2%}")  # fmt: skip
        costs[name] = (on - off) * 1e6
    return costs


def middleware_alone(rounds: int = 15, calls: int = 2000) -> None:
    """The instrumentation's own CPU cost per request: the middleware around a view that does
    nothing (one query timer, a counter, a histogram), best of `rounds`; in microseconds."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from monitoring.middleware import MetricsMiddleware

    response = HttpResponse("ok")
    request = RequestFactory().get("/robots.txt")
    bare, measured = (lambda r: response), MetricsMiddleware(lambda r: response)
    best = {}
    for name, handler in (("bare", bare), ("measured", measured)):
        best[name] = float("inf")
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(calls):
                handler(request)
            best[name] = min(best[name], (time.perf_counter() - start) / calls)
    cost = (best["measured"] - best["bare"]) * 1e6
    print(f"\nthe middleware alone (best of {rounds} x {calls} calls): {cost:.1f} us a request")


def over_loopback(
    database_url: str, seconds: float, connections: int, metrics_dir: str, costs: dict
) -> None:
    env = base_env(database_url) | {"PROMETHEUS_MULTIPROC_DIR": metrics_dir}
    off_env = base_env(database_url) | {"METRICS_ENABLED": "false"}
    off_env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # set in this process by in_process()
    args = ["--workers", "1", "--log-level", "warning"]
    on_port, off_port = common.free_port(), common.free_port()
    with (
        common.gunicorn(on_port, env=env, args=args),
        common.gunicorn(off_port, env=off_env, args=args),
    ):
        for port in (on_port, off_port):
            for _, path in URLS:
                for _ in range(30):
                    assert get(port, path) == 200, f"{path} on port {port}"
        rates = {(name, on): 0.0 for name, _ in URLS for on in (False, True)}
        rounds = max(1, round(seconds))
        for _ in range(rounds):
            for name, path in URLS:
                for on, port in ((False, off_port), (True, on_port)):
                    rates[(name, on)] += rate_python(port, path, 1, connections) / rounds
        assert get(on_port, "/metrics") == 200  # the files were written and read back
    print(f"\nover loopback, gunicorn 1 sync worker each, {connections} connections, "
          f"{rounds} x 1 s slices per URL and server:")  # fmt: skip
    for name, _ in URLS:
        off, on = rates[(name, False)], rates[(name, True)]
        # One saturated worker: 1/rate is its time per request; the cost measured in one process.
        share = costs[name] / (1e6 / off)
        print(
            f"  {name:20} without {off:5.0f} req/s   with {on:5.0f} req/s   ({on / off - 1:+.1%});"
            f" cost {costs[name]:.0f} us = {share:.2%} of a request"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    print(f"preparing {database_url.rsplit('/', 1)[1]} with the demo data ...")
    prepare_database(database_url)
    with tempfile.TemporaryDirectory() as metrics_dir:
        common.django_setup(base_env(database_url) | {"PROMETHEUS_MULTIPROC_DIR": metrics_dir})
        costs = in_process(args.requests)
        middleware_alone()
    with tempfile.TemporaryDirectory() as metrics_dir:
        over_loopback(database_url, args.seconds, args.connections, metrics_dir, costs)


if __name__ == "__main__":
    main()
