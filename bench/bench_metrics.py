"""What /metrics' instrumentation costs a request: CPU time with it and without, on a trivial
and a real page, measured so that a shared machine cannot fake the answer.

1. In one process, through Django's WSGI handler as gunicorn calls it, in Prometheus
   multiprocess mode (values in files, as under gunicorn), on PostgreSQL with the demo data:
   three stacks (metrics on, off, and off again as a control) taking turns request by
   request; each request's CPU time (time.process_time: every thread of the process, the one
   that writes the figures each second included); lower quartile and median per stack.
2. The middleware alone around a view that does nothing: its own CPU cost in microseconds.
3. --instructions N: instructions per request counted by valgrind's callgrind, metrics on and
   off: the one figure other programs on the machine cannot change.
4. --loopback N: two gunicorn servers side by side (1 sync worker each, --no-control-socket,
   stopped at the end), one with METRICS_ENABLED=false; each worker's CPU time per request
   from /proc/<pid>/task/*/schedstat.

    .venv/bin/python bench/bench_metrics.py [--requests 5000] [--instructions 50] [--loopback N]

--reader-pages adds the load test's other pages to 1 (home, article, tag, source, search, list).
--requests 0 skips 1. BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_metrics)
is emptied and reloaded with the demo fixtures.
"""

import argparse
import os
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import common
from bench_briefing_pages import base_env, get, prepare_database

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_metrics"
URLS = [("trivial /robots.txt", "/robots.txt"), ("day page", "/briefings/2024/09/01/")]
# --reader-pages: the other pages of the load test's mix, on the demo data (in one process).
READER_PAGES = [
    ("home page", "/"),
    ("article page", "/articles/britain-moves-left-but-how-far/"),
    ("tag page", "/tags/economy/"),
    ("source page", "/sources/cnn/"),
    ("search", "/search/?q=ukraine"),
    ("articles list", "/articles/"),
]


BLOCKS = 10


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cost(off: list[float], on: list[float], q: float) -> float:
    return quantile(on, q) / quantile(off, q) - 1


def summary(name: str, off: list[float], on: list[float]) -> None:
    """Prints the cost of one URL from interleaved measurements (seconds per request each).

    A shared machine inflates many requests' CPU time (another program evicted the caches or
    holds the core's other hyperthread): those inflations come and go at random, alike for
    both stacks since they take turns, and a quantile of many requests compares like with like.
    The lower quartile is the headline (the requests disturbed least); the median is printed
    too. Spread: the same figure in each tenth of the run, taken one after the other.
    """
    size = len(off) // BLOCKS
    blocks = sorted(
        cost(off[b * size : (b + 1) * size], on[b * size : (b + 1) * size], 0.25)
        for b in range(BLOCKS)
    )
    print(
        f"  {name:20} lower quartile: off {quantile(off, 0.25) * 1e6:6.1f} us,"
        f" on {quantile(on, 0.25) * 1e6:6.1f} us,"
        f" cost {cost(off, on, 0.25):+.2%} (its {BLOCKS} tenths: {blocks[0]:+.2%} .. median"
        f" {statistics.median(blocks):+.2%} .. {blocks[-1]:+.2%});"
        f" median: cost {cost(off, on, 0.5):+.2%}"
    )  # fmt: skip


def metrics_switch(enabled: bool) -> None:
    """settings.METRICS_ENABLED = enabled, as a test's settings change does it: with the signal
    that core.metrics listens to (it reads the setting once, not on every count)."""
    from django.conf import settings
    from django.core.signals import setting_changed

    settings.METRICS_ENABLED = enabled
    setting_changed.send(sender=None, setting="METRICS_ENABLED", value=enabled, enter=True)


def in_process(requests: int, urls: list[tuple[str, str]]) -> None:
    """Django's WSGI handler as gunicorn calls it: one stack with the metrics and two without
    (the second, a control: what two identical stacks differ by here and now); each request's
    CPU time on its own, in triples (one of each, in a rotating order)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    from core import metrics

    stacks = {"off": False, "control": False, "on": True}
    handlers = {}
    for stack, enabled in stacks.items():
        metrics_switch(enabled)
        handlers[stack] = WSGIHandler()  # its middleware chain, with or without the metrics
    factory = RequestFactory(HTTP_HOST="127.0.0.1")
    environs = {path: factory.get(path).environ for _, path in urls}

    def request(stack: str, path: str) -> float:
        """One request's CPU time (the handler, its response's iteration and close)."""
        metrics_switch(stacks[stack])  # the page cache's hit counter, on or off
        environ = environs[path].copy()
        start = time.process_time()
        response = handlers[stack](environ, lambda status, headers: None)
        for _ in response:
            pass
        response.close()
        seconds = time.process_time() - start
        assert response.status_code == 200, (path, response.status_code)
        return seconds

    times = {(name, stack): [] for name, _ in urls for stack in stacks}
    orders = [("off", "control", "on"), ("on", "off", "control"), ("control", "on", "off")]
    for _, path in urls:
        for _ in range(100):  # warm: the page cache, the children, the code paths
            for stack in stacks:
                request(stack, path)
    # The process's first flush makes the values' files and label children (once a process:
    # 3 ms); the measured requests' flushes start after it.
    metrics.flush()
    flushed_before = metrics.pending.flush_seconds
    for n in range(requests):
        for name, path in urls:
            for stack in orders[n % 3]:
                times[(name, stack)].append(request(stack, path))
    metrics_switch(True)
    flushes = metrics.pending.flush_seconds - flushed_before
    print(f"\nin one process, CPU time per request ({requests} requests per URL and stack):")
    for name, _ in urls:
        summary(name, times[(name, "off")], times[(name, "on")])
        summary("  control (off, off)", times[(name, "off")], times[(name, "control")])
    # The thread that writes the figures each second ran beside them: its CPU time fell on
    # whichever request was running (of any stack, and rarely at the lower quartile). Its whole
    # time, shared among the requests that were counted:
    share = flushes / (requests * len(urls))
    print(f"  the flushes: {flushes * 1e3:.1f} ms of CPU in all, {share * 1e6:.2f} us a request")
    for name, _ in urls:
        off, on = quantile(times[(name, "off")], 0.25), quantile(times[(name, "on")], 0.25)
        with_share = (on + share) / off - 1
        print(f"  {name:20} lower quartile, the flushes' share added: cost {with_share:+.2%}")


def middleware_alone(rounds: int = 31, calls: int = 2000) -> None:
    """The instrumentation's own CPU cost per request: the middleware around a view that does
    nothing (the query timer, the request's sums), median of `rounds`; in microseconds."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from monitoring.middleware import metrics_middleware

    response = HttpResponse("ok")
    request = RequestFactory().get("/robots.txt")
    bare, measured = (lambda r: response), metrics_middleware(lambda r: response)
    times = {"bare": [], "measured": []}
    for _ in range(rounds):
        for name, handler in (("bare", bare), ("measured", measured)):
            start = time.process_time()
            for _ in range(calls):
                handler(request)
            times[name].append((time.process_time() - start) / calls)
    cost = [(m - b) * 1e6 for b, m in zip(times["bare"], times["measured"], strict=True)]
    q1, median, q3 = statistics.quantiles(cost, n=4)
    print(
        f"\nthe middleware alone ({rounds} rounds x {calls} calls): {median:.2f} us a request"
        f" (quartiles {q1:.2f} .. {q3:.2f})"
    )


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, f"gunicorn {master} has workers {children}"
    return int(children[0])


def cpu_seconds(pid: int) -> float:
    """On-CPU time of every thread of `pid` so far (the first field of schedstat: ns)."""
    tasks = Path(f"/proc/{pid}/task").iterdir()
    return sum(int((task / "schedstat").read_text().split()[0]) for task in tasks) / 1e9


def over_loopback(database_url: str, requests: int, metrics_dir: str) -> None:
    """Each request on its own: the worker's CPU time read before it and, once the worker is
    idle again (after the other server's request and a pause), after it."""
    env = base_env(database_url) | {"PROMETHEUS_MULTIPROC_DIR": metrics_dir}
    off_env = base_env(database_url) | {"METRICS_ENABLED": "false"}
    off_env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # set in this process by in_process()
    # No recycling of the worker during the run.
    args = ["--workers", "1", "--log-level", "warning", "--max-requests", "0"]
    on_port, off_port = common.free_port(), common.free_port()
    with (
        common.gunicorn(on_port, env=env, args=args) as on_server,
        common.gunicorn(off_port, env=off_env, args=args) as off_server,
    ):
        pids = {True: worker_pid(on_server.pid), False: worker_pid(off_server.pid)}
        ports = {True: on_port, False: off_port}
        for port in ports.values():
            for _, path in URLS:
                for _ in range(100):
                    assert get(port, path) == 200, f"{path} on port {port}"
        times = {(name, on): [] for name, _ in URLS for on in (False, True)}
        for n in range(requests):
            order = (False, True) if n % 2 else (True, False)
            for name, path in URLS:
                before = {}
                for on in order:
                    before[on] = cpu_seconds(pids[on])
                    assert get(ports[on], path) == 200
                time.sleep(0.002)  # the worker's work after its response (close, log) ends
                for on in order:
                    times[(name, on)].append(cpu_seconds(pids[on]) - before[on])
        assert get(on_port, "/metrics") == 200  # the files were written and read back
    print(
        f"\nover loopback, CPU time of the gunicorn worker per request (1 sync worker each,"
        f" a new connection each request; {requests} pairs per URL):"
    )
    for name, _ in URLS:
        summary(name, times[(name, False)], times[(name, True)])


def instructions_child(stack: str, requests: int) -> None:
    """Under callgrind (see instructions()): each URL warmed, then `requests` of it between two
    calls of getppid(), at which callgrind writes out the instructions counted so far."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    from core import metrics

    metrics_switch(stack == "on")
    # valgrind runs ~50 times slower: a flush a second would come every few requests instead
    # of every few hundred, and a flush of a handful of requests costs as much as one of
    # hundreds. The figures are written once, at the end, outside the counts: the flushes'
    # share is what the in-process run measures of them ("the flushes: ... a request").
    metrics.FLUSH_SECONDS = 3600
    handler = WSGIHandler()
    for _, path in URLS:
        environ = RequestFactory(HTTP_HOST="127.0.0.1").get(path).environ
        for count in (20, requests):  # the warm-up, then the measured requests
            os.getppid()
            for _ in range(count):
                response = handler(environ.copy(), lambda status, headers: None)
                for _ in response:
                    pass
                response.close()
                assert response.status_code == 200, path
    os.getppid()
    metrics.flush()  # while the folder of the files is still there


def instructions(database_url: str, requests: int) -> None:
    """Instructions per request, counted by valgrind's callgrind: the one figure here that
    other programs on the machine cannot change. Both stacks run at once, each in its own
    process; about a CPU-minute each at 50 requests."""
    with tempfile.TemporaryDirectory() as out:
        runs = {
            stack: subprocess.Popen(
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--dump-before=getppid",
                    f"--callgrind-out-file={out}/{stack}",
                    common.PYTHON,
                    __file__,
                    "--child",
                    stack,
                    "--requests",
                    str(requests),
                ],
                env=os.environ | {"BENCH_DATABASE_URL": database_url, "PYTHONHASHSEED": "0"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            for stack in ("off", "on")
        }
        for stack, run in runs.items():
            assert run.wait(timeout=1800) == 0, f"callgrind run '{stack}' failed"
        per_request = {}
        for stack in runs:
            # Dump 1: the set-up; 2: URL 1 warming; 3: URL 1 measured; 4, 5: the same for URL 2.
            for (name, _), dump in zip(URLS, (3, 5), strict=True):
                text = Path(f"{out}/{stack}.{dump}").read_text()
                total = int(re.search(r"^summary: (\d+)", text, re.M).group(1))
                per_request[(name, stack)] = total / requests
    print(f"\ninstructions per request, counted by callgrind ({requests} per URL and stack):")
    for name, _ in URLS:
        off, on = per_request[(name, "off")], per_request[(name, "on")]
        print(
            f"  {name:20} off {off:10,.0f}  on {on:10,.0f}"
            f"  cost {on - off:+8,.0f} = {on / off - 1:+.2%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="in-process pairs per URL")
    parser.add_argument("--loopback", type=int, default=0, help="loopback pairs per URL")
    parser.add_argument("--instructions", type=int, default=0, help="callgrind: requests per URL")
    parser.add_argument(
        "--reader-pages", action="store_true", help="also the load test's other pages (in process)"
    )
    parser.add_argument("--child", choices=["on", "off"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    if args.child:
        with tempfile.TemporaryDirectory() as metrics_dir:
            env = base_env(database_url) | {"PROMETHEUS_MULTIPROC_DIR": metrics_dir}
            common.django_setup(env)
            instructions_child(args.child, args.requests)
        return
    print(f"preparing {database_url.rsplit('/', 1)[1]} with the demo data ...")
    prepare_database(database_url)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as metrics_dir:
        common.django_setup(base_env(database_url) | {"PROMETHEUS_MULTIPROC_DIR": metrics_dir})
        if args.requests:
            in_process(args.requests, URLS + (READER_PAGES if args.reader_pages else []))
        middleware_alone()
        from core import metrics

        metrics.flush()  # while the folder of the files is still there
    if args.instructions:
        instructions(database_url, args.instructions)
    if args.loopback:
        with tempfile.TemporaryDirectory() as metrics_dir:
            over_loopback(database_url, args.loopback, metrics_dir)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
