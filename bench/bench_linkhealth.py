"""The link checker's throughput and CPU: 100,000 articles whose originals are spread over
2,000 hosts served on loopback (127.1.x.y, one listening socket each, one asyncio server
process), checked with the per-host politeness on (one request at a time per host,
LINKHEALTH_HOST_DELAY seconds apart), HEAD then GET, each page compared with its snapshot.

    .venv/bin/python bench/bench_linkhealth.py [--articles 100000] [--hosts 2000]
        [--seconds 120] [--concurrency 8] [--delay 2]

The check runs for at most --seconds (the archive is made whole, the pass is measured on what
that time reaches) and prints: checks done, wall and CPU time (this process: the checker and its
database writes; the server runs apart), checks per second, CPU per check, the projected time of
a full pass at that rate and at the politeness floor, and the politeness the server observed.
"""

import argparse
import json
import random
import resource
import sys
import time
import urllib.request

import common

DATABASE = "bench_i16_links"
WORDS = """council harbour wall flood vote budget minister election court ruling report border
ceasefire talks energy prices hospital strike school teachers farmers grain exports shipping port
storm rescue police inquiry museum festival bridge railway airport parliament treaty sanctions
market shares bank rates inflation housing rent water""".split()  # noqa: SIM905


def story_text(n: int, words: int = 220) -> str:
    """The text of story n (the server's page and the bench's snapshot say the same)."""
    rng = random.Random(n)
    return " ".join(rng.choice(WORDS) for _ in range(words)) + f" story{n}."


def host(index: int) -> str:
    return f"127.1.{index // 250}.{index % 250 + 1}"


def build(args, port: int) -> None:
    from django.utils import timezone

    from articles.models import Article, Source
    from articles.normalize import normalize_url
    from intake.models import ArticleSnapshot

    sources = Source.objects.bulk_create(
        Source(name=f"Outlet {h}", slug=f"outlet-{h}") for h in range(args.hosts)
    )
    now = timezone.now()
    for start in range(0, args.articles, 5000):
        batch = []
        for n in range(start, min(start + 5000, args.articles)):
            url = f"http://{host(n % args.hosts)}:{port}/story/{n}"
            batch.append(Article(
                title=f"Story {n}", slug=f"story-{n}", source=sources[n % args.hosts],
                original_date=now.date(), original_url=url, url_key=normalize_url(url),
                excerpt="<p>An excerpt.</p>", status="published", published_at=now,
            ))  # fmt: skip
        made = Article.objects.bulk_create(batch)
        ArticleSnapshot.objects.bulk_create(
            ArticleSnapshot(article=a, url=a.original_url, body_text=story_text(int(a.slug[6:])),
                            captured_at=now)
            for a in made
        )  # fmt: skip
        common.log(f"archive: {start + len(made)}/{args.articles} articles")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--hosts", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--delay", type=float, default=2.0)
    args = parser.parse_args()
    hosts = [host(i) for i in range(args.hosts)]
    port = common.free_port()
    env = common.production_env(
        DATABASE_URL=common.database_url(DATABASE),
        INTAKE_ALLOWED_HOSTS=",".join(hosts),
        LINKHEALTH_CONCURRENCY=str(args.concurrency),
        LINKHEALTH_HOST_DELAY=str(args.delay),
        LINKHEALTH_TIMEOUT="10",
        WAYBACK_AVAILABILITY_URL="http://127.0.0.1:9/wayback/available",  # never the real one
    )
    common.database_drop(DATABASE)
    common.database_create(DATABASE)
    common.manage("migrate", "-v0", env=env)
    common.django_setup(env)
    from core.progress import ProgressBar
    from linkhealth.models import ArticleLink
    from linkhealth.services import links_check, links_enroll

    server = [common.PYTHON, str(common.ROOT / "bench" / "load" / "article_server.py"), str(port)]
    try:
        build(args, port)
        started = time.monotonic()
        enrolled = links_enroll()
        enroll_seconds = time.monotonic() - started
        with common.running([*server, *hosts], what="article server", port=port, wait=60,
                            ready=lambda: common.listening(port, hosts[-1])):  # fmt: skip
            bar = ProgressBar(sys.stdout, args.articles, label="Checking", unit="links")
            wall, cpu = time.monotonic(), time.process_time()
            counts = links_check(limit=args.articles, seconds=args.seconds, progress=bar)
            wall, cpu = time.monotonic() - wall, time.process_time() - cpu
            with urllib.request.urlopen(f"http://{hosts[0]}:{port}/__stats") as response:
                seen = json.load(response)
        states = {
            s: ArticleLink.objects.filter(status=s).count() for s in ArticleLink.Status.values
        }
    finally:
        from django.db import connections

        connections.close_all()
        common.database_drop(DATABASE)
    report(args, counts, wall, cpu, seen, states, enrolled, enroll_seconds)
    return 0


def report(args, counts, wall, cpu, seen, states, enrolled, enroll_seconds) -> None:
    checked = counts["checked"]
    rate = checked / wall if wall else 0
    per_host = args.articles / args.hosts
    floor = per_host * args.delay  # a host's checks, one after another, `delay` apart
    full = args.articles / rate if rate else float("inf")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{args.articles:,} articles on {args.hosts:,} loopback hosts ({per_host:.0f} each); "
          f"{args.concurrency} threads, {args.delay:g} s between checks of a host")  # fmt: skip
    print(f"records made for the archive: {enrolled:,} in {enroll_seconds:.1f} s")
    print(f"checked {checked:,} links in {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"(budget {args.seconds:g} s; the rest stays due)")  # fmt: skip
    print(f"throughput: {rate:,.0f} checks/s; CPU {1000 * cpu / max(checked, 1):.2f} ms a check; "
          f"peak RSS {peak:.0f} MiB")  # fmt: skip
    print(f"server saw {seen['requests']:,} requests ({seen['requests'] / max(checked, 1):.2f} "
          f"a check: HEAD then GET), at most {seen['max_in_flight_per_host']} in flight to one "
          f"host, shortest pause between two checks of a host "
          f"{_seconds(seen['min_pause_per_host'])}")  # fmt: skip
    print("states: " + ", ".join(f"{s} {n:,}" for s, n in states.items() if n))
    print(f"projected full pass of {args.articles:,} at this rate: {full / 60:.1f} min "
          f"({full / 3600:.2f} h); politeness floor {floor / 60:.1f} min "
          f"({per_host:.0f} checks a host x {args.delay:g} s); CPU for a full pass "
          f"{cpu / max(checked, 1) * args.articles / 60:.1f} min")  # fmt: skip
    print(f"the default period is 7 days: {7 * 86400 / full:.0f}x the time a pass needs")


def _seconds(value: float | None) -> str:
    return "(no host was checked twice)" if value is None else f"{value:.2f} s"


if __name__ == "__main__":
    sys.exit(main())
