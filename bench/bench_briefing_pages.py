"""Requests per second of the briefing pages under gunicorn, beside a trivial view.

Starts gunicorn (loopback, --no-control-socket, stopped at the end) on a PostgreSQL database
loaded with the demo data, then measures `/` (the latest briefing), a briefing day page and
`/healthz` (a trivial view answered by the first middleware: one `SELECT 1`) and `/robots.txt`
(a trivial template view behind the whole middleware chain) in the same run, with the
briefing cache on (Redis, when `redis-server` is installed: a private one on loopback, stopped
at the end; and the local-memory default, whose generation number is read from PostgreSQL)
and off. Prints each rate and its ratio to the trivial view's.

    .venv/bin/python bench/bench_briefing_pages.py [--seconds 3] [--connections 8]

BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/briefing_bench) is emptied and
reloaded with the demo fixtures. Uses `wrk` when installed, else a small Python client.
"""

import argparse
import contextlib
import http.client
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator

import common

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/briefing_bench"
# Two trivial views: /healthz is answered by the first middleware; /robots.txt is a tiny template
# view behind the whole middleware chain that every page pays for.
URLS = [
    ("trivial /healthz", "/healthz"),
    ("trivial /robots.txt", "/robots.txt"),
    ("home /", "/"),
    ("day page", "/briefings/2024/09/01/"),
]


def base_env(database_url: str) -> dict:
    return common.production_env(
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(common.ROOT / "var" / "bench-static"),
    )


def prepare_database(database_url: str) -> None:
    """Create the database (on its own server) if missing; migrate it, load the demo data."""
    server, name = database_url.rsplit("/", 1)
    common.database_create(name, server)
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["flush", "--noinput", "-v0"],
        ["loaddata", "demo", "demo_briefings", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        common.manage(*command, env=base_env(database_url))


@contextlib.contextmanager
def server(database_url: str, cache_seconds: int, workers: int, redis_url: str) -> Iterator[int]:
    """gunicorn on loopback without ./gunicorn.conf.py; yields its port, always stopped."""
    port = common.free_port()
    env = base_env(database_url) | {
        "BRIEFING_CACHE_SECONDS": str(cache_seconds),
        "REDIS_URL": redis_url,
    }
    args = ["--workers", str(workers), "--log-level", "warning"]
    with common.gunicorn(port, env=env, args=args):
        yield port


def get(port: int, path: str, connection=None) -> int:
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status


def rate_wrk(port: int, path: str, seconds: float, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True, timeout=seconds + 30,
    ).stdout  # fmt: skip
    if "Non-2xx" in out:
        raise RuntimeError(f"{path}: error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def rate_python(port: int, path: str, seconds: float, connections: int) -> float:
    counts = [0] * connections
    stop = time.monotonic() + seconds

    def client(slot):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            if get(port, path, connection) != 200:
                raise RuntimeError(f"{path}: error response")
            counts[slot] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def interleaved(measure, port: int, seconds: float, connections: int) -> dict[str, float]:
    """Mean rates over one-second slices taken in turn, URL after URL: the machine's load
    drifts, and each URL must see the same drift for the ratios to mean something."""
    totals = {name: 0.0 for name, _ in URLS}
    rounds = max(1, round(seconds))
    for _ in range(rounds):
        for name, path in URLS:
            totals[name] += measure(port, path, 1, connections)
    return {name: total / rounds for name, total in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=3.0, help="per URL, in 1 s slices (default 3)"
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    measure = rate_wrk if shutil.which("wrk") else rate_python
    print(f"preparing {database_url.rsplit('/', 1)[1]} with the demo data ...")
    prepare_database(database_url)
    client = "wrk" if measure is rate_wrk else "python"
    print(f"client: {client}, {args.connections} connections, {args.seconds:g} s per URL, "
          f"gunicorn {args.workers} sync workers")  # fmt: skip
    with common.redis_server() as redis_url:
        configurations = [
            ("cache on, Redis", 600, redis_url),
            ("cache on, local memory (generation read from PostgreSQL)", 600, ""),
            ("cache off", 0, ""),
        ]
        for label, cache_seconds, cache_url in configurations:
            if cache_url is None:
                print("\n(redis-server not installed: no Redis run)")
                continue
            with server(database_url, cache_seconds, args.workers, cache_url) as port:
                for _, path in URLS:  # warm up: connections, the cache, the templates
                    for _ in range(20):
                        get(port, path)
                rates = interleaved(measure, port, args.seconds, args.connections)
            healthz, robots = rates[URLS[0][0]], rates[URLS[1][0]]
            print(f"\n{label}:")
            for name, value in rates.items():
                print(
                    f"  {name:20} {value:8.0f} req/s   {value / healthz:6.0%} of /healthz"
                    f"   {value / robots:6.0%} of /robots.txt"
                )


if __name__ == "__main__":
    main()
