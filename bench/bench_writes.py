"""What a write costs: one article saved with its byline and tags, and a bulk import.

    .venv/bin/python bench/bench_writes.py [--saves 300] [--posts 3000] [--database NAME]

On a scratch database (`--database`, created, migrated, dropped afterwards), on top of an
archive of `--archive` generated articles: saves `--saves` articles one by one as the desk
does (article, two authors, three tags, derived data refreshed once, as a request does) and
prints their p50/p95 in ms and the process CPU time per save; then imports a generated
WordPress export of `--posts` posts (bench_wordpress_import.py's generator) and prints
posts/s. Run it from two checkouts (e.g. before and after a change) to compare them.
"""

import argparse
import os
import statistics
import tempfile
import time
from io import StringIO
from pathlib import Path

import common
from bench_wordpress_import import generate


def saves(count: int) -> tuple[float, float, float]:
    from articles.models import Article, Author, Source
    from core.deferred import batch

    source = Source.objects.create(name="Bench Source", slug="bench-source")
    writers = [
        Author.objects.create(name=f"Bench Writer {n}", slug=f"bench-{n}") for n in range(9)
    ]
    timings, cpu = [], time.process_time()
    for n in range(count):
        started = time.perf_counter()
        with batch():
            article = Article.objects.create(
                title=f"Bench article {n} on grain and ceasefire talks",
                slug=f"bench-article-{n}",
                source=source,
                original_date="2024-05-01",
                original_url=f"https://bench.example.com/{n}",
                pull_quote="Talks resume in Ankara next week.",
                excerpt="<p>" + "Ministers met to discuss the grain corridor. " * 20 + "</p>",
                status=Article.Status.PUBLISHED,
            )
            article.authors.add(writers[n % 9], writers[(n + 1) % 9])
            article.tags.add("grain", "diplomacy", f"week-{n % 30}")
        timings.append((time.perf_counter() - started) * 1000)
    quantiles = statistics.quantiles(timings, n=100)
    return quantiles[49], quantiles[94], (time.process_time() - cpu) * 1000 / count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="bench_i18_writes")
    parser.add_argument("--archive", type=int, default=20_000)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--posts", type=int, default=3000)
    args = parser.parse_args()
    common.database_drop(args.database)
    common.database_create(args.database)
    env = {"DATABASE_URL": common.database_url(args.database), "DEBUG": "false",
           "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "ERROR"}  # fmt: skip
    common.django_setup(env, defaults={"SECRET_KEY": "bench-only-key"})
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        call_command("generate_archive", articles=args.archive, stdout=StringIO())
        print(f"code: {common.ROOT}; load average {os.getloadavg()[0]:.1f}")
        p50, p95, cpu = saves(args.saves)
        print(f"article save: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {cpu:.1f} ms CPU (this process)")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "export.xml"
            generate(path, args.posts)
            started = time.monotonic()
            call_command("import_wordpress", str(path), stdout=StringIO(), stderr=StringIO())
            elapsed = time.monotonic() - started
        print(f"bulk import: {args.posts} posts in {elapsed:.1f} s, {args.posts / elapsed:.0f}/s")
        print(f"load average after: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        from django.db import connections

        connections.close_all()
        common.database_drop(args.database)


if __name__ == "__main__":
    main()
