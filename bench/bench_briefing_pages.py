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
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
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
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only-secret-key",
        "DEBUG": "false",
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    }


def prepare_database(database_url: str) -> None:
    url = urlparse(database_url)
    name = url.path.lstrip("/")
    admin_url = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not exists.fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    env = base_env(database_url)
    manage = [PYTHON, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["flush", "--noinput", "-v0"],
        ["loaddata", "demo", "demo_briefings", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([*manage, *command], env=env, cwd=ROOT, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn on loopback with its own empty config file; always stopped."""

    def __init__(self, database_url: str, cache_seconds: int, workers: int, redis_url: str):
        self.port = free_port()
        descriptor, self.config = tempfile.mkstemp(suffix=".py")  # no ./gunicorn.conf.py
        os.close(descriptor)
        env = base_env(database_url) | {
            "BRIEFING_CACHE_SECONDS": str(cache_seconds),
            "REDIS_URL": redis_url,
        }
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "config.wsgi:application", "-c", self.config,
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--no-control-socket", "--log-level", "warning"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def __enter__(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if get(self.port, "/healthz") == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.unlink(self.config)


class Redis:
    """A private redis-server on loopback (no persistence), or nothing when not installed."""

    def __enter__(self):
        self.process = None
        if not shutil.which("redis-server"):
            return None
        port = free_port()
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return f"redis://127.0.0.1:{port}/0"
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def __exit__(self, *exc):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)


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
    print(f"preparing {urlparse(database_url).path.lstrip('/')} with the demo data ...")
    prepare_database(database_url)
    client = "wrk" if measure is rate_wrk else "python"
    print(f"client: {client}, {args.connections} connections, {args.seconds:g} s per URL, "
          f"gunicorn {args.workers} sync workers")  # fmt: skip
    with Redis() as redis_url:
        configurations = [
            ("cache on, Redis", 600, redis_url),
            ("cache on, local memory (generation read from PostgreSQL)", 600, ""),
            ("cache off", 0, ""),
        ]
        for label, cache_seconds, cache_url in configurations:
            if cache_url is None:
                print("\n(redis-server not installed: no Redis run)")
                continue
            with Server(database_url, cache_seconds, args.workers, cache_url) as server:
                for _, path in URLS:  # warm up: connections, the cache, the templates
                    for _ in range(20):
                        get(server.port, path)
                rates = interleaved(measure, server.port, args.seconds, args.connections)
            healthz, robots = rates[URLS[0][0]], rates[URLS[1][0]]
            print(f"\n{label}:")
            for name, value in rates.items():
                print(
                    f"  {name:20} {value:8.0f} req/s   {value / healthz:6.0%} of /healthz"
                    f"   {value / robots:6.0%} of /robots.txt"
                )


if __name__ == "__main__":
    main()
