"""Load test of the production stack: readers and signups at 64 concurrent clients for 60 s.

    .venv/bin/python bench/load_test.py [--users 64] [--seconds 60] [--articles 100000]

Uses its own PostgreSQL cluster (15/bench, port 5433; created on the first run, started, and
stopped at the end unless --keep-cluster) holding the demo data grown to --articles generated
articles and --briefings published briefings (built once, reused). Starts gunicorn with
gunicorn.conf.py (DEBUG off, 127.0.0.1, --no-control-socket), one `db_worker`, Redis cache
(redis://127.0.0.1:6379/1, key prefix bench-load) and a loopback SMTP sink, then drives a mix
of readers (home, briefing days, articles, tags, sources, authors, search, feeds, archives) and
signups with bench/load/client.py. Prints requests/s, p50/p95/p99, statuses, server errors and
lost signups (answered "check your inbox" but with no subscriber row afterwards).

All load comes from 127.0.0.1, so the run raises SUBSCRIBE_RATE_PER_CLIENT to 1000000/3600
(a real site keeps its limit; each user is a distinct client there). Goals: 0 server errors,
0 lost signups, p99 under 500 ms.
"""

import argparse
import asyncio
import os
import sys
import time
import uuid

import _stack
import common
from load.client import Catalogue, drive, lost_signups, print_summary

RATE_FOR_THE_RUN = "1000000/3600"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5, help="uncounted seconds first")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--briefings", type=int, default=300)
    parser.add_argument("--signup-share", type=float, default=0.05)
    parser.add_argument("--workers", type=int, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--threads", type=int, help="gunicorn threads (GUNICORN_THREADS)")
    _stack.add_options(parser)
    args = parser.parse_args()
    if not 0 < args.seconds <= 600 or not 0 < args.users <= 512:
        parser.error("--seconds must be in (0, 600] and --users in (0, 512]")

    extra = {"SUBSCRIBE_RATE_PER_CLIENT": RATE_FOR_THE_RUN}
    if args.workers:
        extra["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        extra["GUNICORN_THREADS"] = str(args.threads)
    with (
        _stack.archive_cluster(args, briefings=args.briefings),
        _stack.Stack(env_extra=extra) as stack,
    ):
        return run(stack, args)


def run(stack: _stack.Stack, args) -> int:
    catalogue = Catalogue.load()
    (articles,) = _stack.sql("SELECT count(*) FROM articles_article")[0]
    (days,) = _stack.sql("SELECT count(*) FROM briefing_briefing WHERE status='published'")[0]
    run_id = uuid.uuid4().hex[:8]
    common.log(
        f"archive: {articles} articles, {days} published briefings; gunicorn on "
        f"{stack.base_url}; SUBSCRIBE_RATE_PER_CLIENT={RATE_FOR_THE_RUN} for this run"
    )
    if args.warmup:
        common.log(f"warm-up: {args.warmup:.0f} s at 8 users (not counted)")
        asyncio.run(
            drive(
                base_url=stack.base_url,
                catalogue=catalogue,
                users=8,
                seconds=args.warmup,
                signup_share=0,
                run_id=run_id,
            )
        )
    common.log(
        f"load: {args.users} users for {args.seconds:.0f} s, "
        f"{args.signup_share:.0%} of actions are signups"
    )
    cpu_before = _stack.cpu_snapshot(stack.gunicorn.pid)
    started = time.monotonic()
    results = asyncio.run(
        drive(
            base_url=stack.base_url,
            catalogue=catalogue,
            users=args.users,
            seconds=args.seconds,
            signup_share=args.signup_share,
            run_id=run_id,
        )
    )
    elapsed = time.monotonic() - started
    cpu = _stack.cpu_used(cpu_before, _stack.cpu_snapshot(stack.gunicorn.pid))
    figures = print_summary(results, elapsed)
    per_request = {kind: 1000 * used / max(figures["requests"], 1) for kind, used in cpu.items()}
    total = sum(per_request.values())
    print(
        f"server CPU per request: gunicorn {per_request['gunicorn']:.0f} ms + PostgreSQL "
        f"{per_request['postgresql']:.0f} ms = {total:.0f} ms; the stack got "
        f"{sum(cpu.values()) / elapsed:.2f} of the {os.cpu_count()} cores (shared machine: "
        f"load average {os.getloadavg()[0]:.1f}); with every core to itself it could serve "
        f"about {1000 * (os.cpu_count() or 1) / max(total, 1):.0f} requests/s"
    )
    accepted, found, missing = lost_signups(results)
    print(
        f"signups: {accepted} answered 'check your inbox' ({results.thanks_shown} thanks pages "
        f"shown), {results.rate_limited} rate-limited (429), refused: "
        f"{dict(results.refused) or 0}; subscriber rows found: {found}; "
        f"lost signups: {len(missing)}"
    )
    time.sleep(2)  # confirmation emails are sent after each commit; let the last ones land
    mailed = sum(1 for email in results.accepted if stack.sink_counts().get(email.lower()))
    print(f"confirmation emails at the SMTP sink for accepted signups: {mailed}/{accepted}")
    goals = {
        "0 server errors": figures["server_errors"] == 0,
        "0 lost signups": not missing,
        "p99 under 500 ms": figures["p99"] < 500,
    }
    for goal, met in goals.items():
        print(f"goal {goal}: {'met' if met else 'NOT MET'}")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
