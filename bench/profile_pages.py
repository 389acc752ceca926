"""Server CPU of one request to each kind of readers' page, uncached and from the page cache,
in this process (no HTTP, no other process): what the load test's CPU per request is made of.

    .venv/bin/python bench/profile_pages.py [--database bench_i18b_load] [--requests 40]
        [--profile article] [--ref main]

Runs Django as production does (DEBUG off, the cached template loader, every middleware) on
the load test's archive (bench cluster, port 5433, built by load_test.py: start it with
`load_test.py --keep-cluster` or `pg_ctlcluster 15 bench start`). For each kind of page it
requests `--requests` different pages of that kind twice: with the page cache off
(BRIEFING_CACHE_SECONDS=0 for that pass: every request renders) and on (a local-memory cache,
the second of two requests to each page), and prints the CPU milliseconds (process_time) per
request, p50 and mean, and the queries per request. `--profile KIND` adds cProfile's 25
costliest functions (own time) for the uncached pass of that kind. `--ref` runs a committed
version's code (exported with `git archive`, as load_test.py does) for a before/after.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time

import _stack
import common

KINDS = ["home", "day", "article", "tag", "source", "author", "index", "list", "search", "feed"]


def paths(kind: str, catalogue, count: int) -> list[str]:
    pick = {
        "home": lambda i: "/",
        "day": lambda i: f"/briefings/{catalogue.days[i % len(catalogue.days)]}/",
        "article": lambda i: f"/articles/{catalogue.articles[i]}/",
        "tag": lambda i: f"/tags/{catalogue.tags[i]}/",
        "source": lambda i: f"/sources/{catalogue.sources[i % len(catalogue.sources)]}/",
        "author": lambda i: f"/authors/{catalogue.authors[i]}/",
        "index": lambda i: ["/sources/", "/authors/", "/tags/", "/tags/?letter=B"][i % 4],
        "list": lambda i: f"/articles/?page={1 + i % 5}",
        "search": lambda i: f"/search/?q={QUERIES[i % len(QUERIES)]}",
        "feed": lambda i: ["/feeds/articles/rss/", "/briefings/feed/rss/"][i % 2],
    }[kind]
    return [pick(i) for i in range(count)]


QUERIES = ["ukraine", "gaza+ceasefire", "election", "climate", "oil+market"]


def measure(client, urls, *, profile: cProfile.Profile | None = None):
    from django.db import connection, reset_queries

    times, queries = [], []
    for url in urls:
        reset_queries()
        began = time.process_time()
        if profile:
            profile.enable()
        response = client.get(url)
        if profile:
            profile.disable()
        times.append(1000 * (time.process_time() - began))
        queries.append(len(connection.queries))
        if response.status_code not in (200, 404):
            raise SystemExit(f"{url}: {response.status_code}")
    return times, queries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_i18b_load")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--profile", choices=KINDS)
    parser.add_argument("--ref", default="")
    args = parser.parse_args()
    if not 0 < args.requests <= 500:
        parser.error("--requests must be in (0, 500]")
    _stack.app_dir_use(args.ref)
    _stack.database_use(args.database)
    env = _stack.base_env() | {"REDIS_URL": "", "ALLOWED_HOSTS": "testserver"}
    _stack.manage("collectstatic", "--noinput", "--verbosity", "0", env=env, timeout=300)
    common.django_setup(common.production_env(**env), app_dir=_stack.APP_DIR)
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from load.client import Catalogue

    connection.force_debug_cursor = True  # count queries with DEBUG off
    catalogue = Catalogue.load(sample=max(args.requests, 10))
    client = Client()
    client.get("/")  # imports, templates compiled, content types and site settings loaded
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared machine)")
    print(f"{'kind':8} {'uncached p50/mean ms':>21} {'q':>4}   {'cached p50/mean ms':>19} q")
    for kind in KINDS:
        urls = paths(kind, catalogue, args.requests)
        profile = cProfile.Profile() if kind == args.profile else None
        settings.BRIEFING_CACHE_SECONDS = 0
        cache.clear()
        cold, cold_q = measure(client, urls, profile=profile)
        settings.BRIEFING_CACHE_SECONDS = 600
        cache.clear()
        measure(client, urls)
        warm, warm_q = measure(client, urls)
        print(
            f"{kind:8} {statistics.median(cold):10.1f} /{statistics.mean(cold):6.1f}"
            f" {statistics.mean(cold_q):6.1f}   {statistics.median(warm):9.1f} /"
            f"{statistics.mean(warm):6.1f} {statistics.mean(warm_q):6.1f}"
        )
        if profile:
            stats = pstats.Stats(profile, stream=sys.stdout)
            stats.sort_stats(os.environ.get("PROFILE_SORT", "tottime"))
            stats.print_stats(os.environ.get("PROFILE_FILTER", ""), 25)
            if os.environ.get("PROFILE_CALLERS"):
                stats.print_callers(os.environ["PROFILE_CALLERS"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
