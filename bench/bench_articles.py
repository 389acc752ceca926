"""Server-side latency of the archive's search and listing pages, before and after issue 18.

    .venv/bin/python bench/bench_articles.py --articles 100000
    .venv/bin/python bench/bench_articles.py --articles 125000 --copies 8 --database bench_1m

Creates (or reuses) the PostgreSQL database `--database` (default `briefing_articles_bench`) on
127.0.0.1, migrates it, tops it up to `--articles` generated articles with
`manage.py generate_archive` (and `--copies` times that by copying them, minutes for a
million), then times every class of search (rare, common, two words, phrase, or, not, each
filter and their combinations) and the source, author and tag pages three ways, taking turns
on each request: the design before issue 18 (bench/legacy_design.py), the same work today,
and today's whole page through Django's test client. Prints p50/p95 per class and design.
Bounded: `--requests` per class (default 100).
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


def top_up(articles: int, copies: int = 1):
    from django.core.management import call_command

    from articles.models import Article

    call_command("migrate", verbosity=0)
    have = Article.objects.count()
    if have < articles:
        print(f"Generating {articles - have} articles (have {have})...", flush=True)
        started = time.monotonic()
        call_command("generate_archive", articles=articles - have, seed=have + 1)
        print(f"generated in {time.monotonic() - started:.0f} s", flush=True)
    if copies > 1 and have < articles * copies:
        started = time.monotonic()
        call_command("generate_archive", copies=copies)
        print(f"copied in {time.monotonic() - started:.0f} s", flush=True)
    return Article.objects.count()


def search_classes(rng: random.Random, count: int) -> dict[str, list[dict]]:
    """Every class of query: the form's parameters for `count` searches of each."""
    from taggit.models import Tag

    from articles.generate import NEWS_WORDS, Vocabulary
    from articles.models import Source

    sources = list(Source.objects.filter(slug__startswith="gen-").values_list("slug", flat=True))
    tags = list(
        Tag.objects.filter(slug__startswith="gen-tag-").order_by("id").values_list("slug", "id")
    )
    big_tags = [slug for slug, pk in tags[:200]]  # the generator's most used tags come first
    rare = Vocabulary(random.Random(1)).words[5000:]  # in about 0.1 % of articles each
    common, middle = NEWS_WORDS[:10], NEWS_WORDS[40:]
    one = rng.choice
    words = {
        "one rare word": lambda: one(rare),
        "one common word": lambda: one(common),
        "two words": lambda: f"{one(middle)} {one(middle)}",
        "phrase": lambda: f'"{one(common)} {one(common)}"',
        "or": lambda: f"{one(middle)} or {one(middle)}",
        "not": lambda: f"{one(common)} -{one(common)}",
    }
    since = lambda: f"{rng.randint(2008, 2020)}-01-01"  # noqa: E731
    filters = {
        "word + source": lambda: {"source": one(sources)},
        "word + tag": lambda: {"tag": one(big_tags)},
        "word + dates": lambda: {"date_from": since(), "date_to": "2026-12-31"},
        "word + source + dates": lambda: {
            "source": one(sources),
            "date_from": since(),
            "date_to": "2026-12-31",
        },  # fmt: skip
        "word + tag + dates": lambda: {"tag": one(big_tags), "date_from": since()},
    }
    classes = {f"search: {k}": [{"q": make()} for _ in range(count)] for k, make in words.items()}
    for kind, make in filters.items():
        classes[f"search: {kind}"] = [{"q": one(middle), **make()} for _ in range(count)]
    return classes


def page_classes(rng: random.Random, count: int) -> dict[str, list[tuple[str, str, int]]]:
    """(kind, slug, page) of source, author and tag pages: the 200 most used tags."""
    from taggit.models import Tag

    from articles.models import Author, Source

    tags = Tag.objects.filter(slug__startswith="gen-tag-").order_by("id")  # most used first
    tags = list(tags.values_list("slug", flat=True))
    sources = list(Source.objects.filter(slug__startswith="gen-").values_list("slug", flat=True))
    authors = list(Author.objects.filter(slug__startswith="gen-").values_list("slug", flat=True))
    owners = {"tag": tags[:200], "source": sources, "author": authors}
    return {
        f"{kind} page (pages 1-5)": [
            (kind, rng.choice(slugs), rng.randint(1, 5)) for _ in range(count)
        ]  # fmt: skip
        for kind, slugs in owners.items()
    }


def filters_of(params: dict):
    from articles.forms import SearchForm

    form = SearchForm(params)
    assert form.is_valid(), form.errors
    return form.search_filters()


def new_search(params: dict) -> None:
    from articles.models import Article
    from articles.search import headlines, ranked_ids

    ids = ranked_ids(params["q"], filters_of(params))[:20]
    headlines(list(Article.objects.with_byline().in_bulk(ids).values()), params["q"])


def new_listing(kind: str, owner_id: int, page: int) -> None:
    from articles.models import Article, ListingEntry
    from articles.pagination import BoundedPaginator

    entries = ListingEntry.objects.filter(kind=ListingEntry.Kind[kind.upper()], owner_id=owner_id)
    ids = entries.order_by("-published_at", "-article").values_list("article", flat=True)
    paginator = BoundedPaginator(ids, 20)
    list(Article.objects.with_byline().in_bulk(list(paginator.get_page(page).object_list)))


def owner_id(kind: str, slug: str) -> int:
    from taggit.models import Tag

    from articles.models import Author, Source

    model = {"tag": Tag, "source": Source, "author": Author}[kind]
    return model.objects.get(slug=slug).pk


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def quantiles(timings: list[float]) -> tuple[float, float]:
    cut = statistics.quantiles(timings, n=100)
    return cut[49], cut[94]


def measure_class(calls: list[tuple]) -> list[tuple[float, float]]:
    """p50/p95 of each design's call, the designs taking turns on each request (the same
    load, the same caches), after a warm-up of five requests."""
    for row in calls[:5]:
        for call in row:
            call()
    timings = [[timed(call) for call in row] for row in calls]
    return [quantiles(column) for column in zip(*timings, strict=True)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--copies", type=int, default=1, help="see generate_archive --copies")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--only", default="", help="only the classes whose name has this text")
    args = parser.parse_args()
    configure(args.database)
    total = top_up(args.articles, args.copies)
    import legacy_design
    from django.test import Client

    started = time.monotonic()
    legacy_design.ensure_index()
    print(f"today's GIN index on the article table ready in {time.monotonic() - started:.0f} s")
    prewarm()
    rng = random.Random(42)
    client = Client()
    print(f"\n{total:,} articles in {args.database}; {args.requests} requests per row")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("p50/p95 ms; before: the design before issue 18 (its queries); after: the same work")
    print("(ids, a page of articles, snippets) today; page: the whole page through Django")
    header = f"{'what':32} {'before p50/p95':>16} {'after p50/p95':>16} {'page p50/p95':>16}"
    print(header, flush=True)
    cpu = time.process_time()
    for kind, searches in search_classes(rng, args.requests).items():
        if args.only not in kind:
            continue
        calls = [
            (
                lambda p=params: legacy_design.search_page(p["q"], filters_of(p)),
                lambda p=params: new_search(p),
                lambda p=params: client.get("/search/?" + urlencode(p)),
            )
            for params in searches
        ]
        report(kind, measure_class(calls))
    for kind, pages in page_classes(rng, args.requests).items():
        if args.only not in kind:
            continue
        calls = []
        for owner_kind, slug, page in pages:
            pk = owner_id(owner_kind, slug)
            url = f"/{owner_kind}s/{slug}/?page={page}"
            calls.append(
                (
                    lambda k=owner_kind, o=pk, n=page: legacy_design.listing_page(k, o, n),
                    lambda k=owner_kind, o=pk, n=page: new_listing(k, o, n),
                    lambda u=url: client.get(u),
                )
            )
        report(kind, measure_class(calls))
    print(f"CPU time of this process (Django and the client): {time.process_time() - cpu:.0f} s")
    # The machine is shared: a load above its core count inflates every figure above.
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average during the run: {load} on {os.cpu_count()} cores")


def prewarm() -> None:
    """Every table and index of the database read once into the OS's file cache (pg_prewarm,
    'read' mode): a running server's steady state. This VM keeps no file written by the build
    in its cache (`free` shows it), and a read from its disk costs ~70 us against ~5 from the
    cache, so without this step the first requests measure the disk."""
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        cursor.execute(
            "SELECT coalesce(sum(pg_prewarm(c.oid, 'read')), 0) FROM pg_class AS c "
            "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 'i', 't', 'm') "
            "AND c.relpersistence = 'p'"
        )
        blocks = cursor.fetchone()[0]
    print(f"prewarmed {blocks * 8 / 1024 / 1024:.1f} GB into the OS's file cache in"
          f" {time.monotonic() - started:.0f} s")  # fmt: skip


def report(kind: str, figures: list[tuple[float, float]]) -> None:
    cells = " ".join(f"{p50:7.1f} /{p95:7.1f}" for p50, p95 in figures)
    print(f"{kind:32} {cells}", flush=True)


if __name__ == "__main__":
    main()
