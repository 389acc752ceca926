"""Server-side latency of the archive's reader pages at a given archive size.

    .venv/bin/python bench/bench_articles.py --articles 100000
    .venv/bin/python bench/bench_articles.py --articles 1000000   # extends the same database

Creates (or reuses) the PostgreSQL database `--database` (default `briefing_articles_bench`) on
127.0.0.1, migrates it, tops it up to `--articles` generated articles with
`manage.py generate_archive`, then requests pages in-process with Django's test client and
prints p50/p95 latency per kind of page. Bounded: `--requests` per kind (default 200).
"""

import argparse
import logging
import os
import random
import statistics
import time
from urllib.parse import urlencode

import common

DATABASE = "briefing_articles_bench"  # the generated archive; others may read it, never write


def configure(database: str):
    common.database_create(database)
    env = {"DATABASE_URL": common.database_url(database), "DEBUG": "false", "HTTPS": "false",
           "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "ERROR"}  # fmt: skip
    common.django_setup(env, defaults={"SECRET_KEY": "bench-only-key"})
    logging.disable(logging.WARNING)  # a 404 is counted below, not logged


def top_up(articles: int):
    from django.core.management import call_command

    from articles.models import Article

    call_command("migrate", verbosity=0)
    have = Article.objects.count()
    if have < articles:
        print(f"Generating {articles - have} articles (have {have})...", flush=True)
        started = time.monotonic()
        call_command("generate_archive", articles=articles - have, seed=have + 1)
        print(f"generated in {time.monotonic() - started:.0f} s", flush=True)
    return Article.objects.count()


def search_urls(rng: random.Random, count: int) -> dict[str, list[str]]:
    from articles.generate import NEWS_WORDS
    from articles.models import Source

    sources = list(Source.objects.values_list("slug", flat=True)[:50])
    common = NEWS_WORDS[:10]
    middle = NEWS_WORDS[40:]
    kinds = {
        "search: one common word": lambda: rng.choice(common),
        "search: two words": lambda: f"{rng.choice(middle)} {rng.choice(middle)}",
        "search: phrase / or / -": lambda: rng.choice(
            [
                f'"{rng.choice(common)} {rng.choice(common)}"',
                f"{rng.choice(middle)} or {rng.choice(middle)}",
                f"{rng.choice(common)} -{rng.choice(common)}",
            ]
        ),
        "search: word + source + dates": None,
    }
    urls = {}
    for kind, make in kinds.items():
        urls[kind] = []
        for _ in range(count):
            if make is None:
                params = {
                    "q": rng.choice(middle),
                    "source": rng.choice(sources),
                    "date_from": f"{rng.randint(2008, 2020)}-01-01",
                    "date_to": "2026-12-31",
                }
            else:
                params = {"q": make()}
            urls[kind].append("/search/?" + urlencode(params))
    return urls


def page_urls(rng: random.Random, count: int) -> dict[str, list[str]]:
    from django.db.models import Count
    from taggit.models import Tag

    from articles.models import Article

    slugs = list(Article.objects.published().order_by("?").values_list("slug", flat=True)[:count])
    tags = list(
        Tag.objects.filter(slug__startswith="gen-tag-")
        .annotate(n=Count("taggit_taggeditem_items"))
        .order_by("-n")
        .values_list("slug", flat=True)[:200]
    )
    return {
        "article page": [f"/articles/{slug}/" for slug in slugs],
        "list page (pages 1-20)": [f"/articles/?page={rng.randint(1, 20)}" for _ in range(count)],
        "tag page (top 200 tags)": [f"/tags/{rng.choice(tags)}/" for _ in range(count)],
    }


def measure(urls: list[str]) -> tuple[float, float, int]:
    from django.test import Client

    client = Client()
    for url in urls[:5]:  # warm-up: connections, template and plan caches
        client.get(url)
    timings, errors = [], 0
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        errors += response.status_code != 200
    quantiles = statistics.quantiles(timings, n=100)
    return quantiles[49], quantiles[94], errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    configure(args.database)
    total = top_up(args.articles)
    rng = random.Random(42)
    print(f"\n{total:,} articles in {args.database}; {args.requests} requests per row")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'what':36} {'p50 ms':>8} {'p95 ms':>8} {'non-200':>8}")
    for kind, urls in {**search_urls(rng, args.requests), **page_urls(rng, args.requests)}.items():
        p50, p95, errors = measure(urls)
        print(f"{kind:36} {p50:8.1f} {p95:8.1f} {errors:8d}", flush=True)
    # The machine is shared: a load above its core count inflates every figure above.
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average during the run: {load} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
