"""The feed poller's cost: 1,000 RSS feeds served on loopback (20 host addresses, 50 feeds each,
20 items per feed) polled in one round, then a second round where every feed answers a
conditional GET with 304.

    .venv/bin/python bench/bench_feeds.py [--feeds 1000] [--hosts 20]

Prints wall time, this process's CPU time (the poller; the server runs in another process),
requests, bytes received and items stored per round, and what conditional GET saved.
"""

import argparse
import sys
import time

import common

DATABASE = "briefing_bench_feeds"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=20)
    args = parser.parse_args()
    hosts = [f"127.0.0.{n + 2}" for n in range(args.hosts)]
    port = common.free_port()
    env = common.production_env(
        DATABASE_URL=common.database_url(DATABASE), INTAKE_ALLOWED_HOSTS=",".join(hosts)
    )
    common.database_drop(DATABASE)
    common.database_create(DATABASE)
    common.manage("migrate", "-v0", env=env)
    common.django_setup(env)
    from django.utils import timezone

    from articles.models import Source
    from intake.models import Feed, FeedItem
    from intake.polling import feeds_poll

    source = Source.objects.create(name="Bench source", slug="bench-source")
    Feed.objects.bulk_create(
        Feed(source=source, url=f"http://{hosts[n % len(hosts)]}:{port}/feed/{n}")
        for n in range(args.feeds)
    )
    server = [common.PYTHON, str(common.ROOT / "bench" / "load" / "feed_server.py"), str(port)]
    rounds = []
    try:
        with common.running(
            [*server, *hosts], what="feed server", port=port,
            ready=lambda: common.listening(port, hosts[-1]),
        ):  # fmt: skip
            for name in ("first round", "second round (conditional GET)"):
                Feed.objects.update(next_poll_at=timezone.now())
                wall, cpu = time.monotonic(), time.process_time()
                counts = feeds_poll()
                wall, cpu = time.monotonic() - wall, time.process_time() - cpu
                rounds.append((name, wall, cpu, counts, FeedItem.objects.count()))
                common.log(f"{name}: {counts}")
    finally:
        from django.db import connections

        connections.close_all()
        common.database_drop(DATABASE)
    print(f"{args.feeds} feeds on {len(hosts)} loopback hosts (one connection per host at a time)")
    print(
        "round                              wall s   CPU s   200s   304s  errors   KiB in  items"
    )
    for name, wall, cpu, counts, items in rounds:
        full = counts["feeds"] - counts["not_modified"] - counts["errors"]
        print(
            f"{name:<34} {wall:6.2f}  {cpu:6.2f}  {full:5d}  {counts['not_modified']:5d}"
            f"  {counts['errors']:6d}  {counts['bytes'] / 1024:7.0f}  {items:5d}"
        )
    (_, wall1, cpu1, c1, _), (_, wall2, cpu2, c2, _) = rounds
    print(
        f"conditional GET saved {1 - wall2 / wall1:.0%} of the wall time, "
        f"{1 - cpu2 / cpu1:.0%} of the CPU and {1 - c2['bytes'] / max(c1['bytes'], 1):.0%} "
        "of the bytes of the first round"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
