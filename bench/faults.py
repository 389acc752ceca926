"""Fault tests of the production stack: PostgreSQL restarted under load; a worker killed mid-send.

    .venv/bin/python bench/faults.py [--users 16] [--seconds 40] [--down 4] [--subscribers 3000]

Same stack as bench/load_test.py (cluster 15/bench on port 5433, gunicorn, deploy/worker.sh,
Redis, a loopback SMTP sink), with SUBSCRIBE_RATE_PER_CLIENT raised for the run and
DELIVERY_LEASE_SECONDS=5 (so a dead worker's claim expires within the run).

1. Database restart under load: readers and signups run for --seconds; after 10 s the bench
   cluster is stopped for --down seconds, then started. Prints what readers got meanwhile (the
   site's 503 "Briefly unavailable" page, or anything else), when the site answered again
   without restarting gunicorn, whether gunicorn and the worker are still alive, and lost
   signups (answered "check your inbox", no subscriber row).
2. Worker killed mid-send: --subscribers confirmed subscribers, a briefing published (which
   queues its send for db_worker); the db_worker process is killed with SIGKILL a third of the
   way, deploy/worker.sh starts a new one, and the cron sweep
   `send_pending_deliveries --until-complete` finishes the dead worker's task.
   Prints, from the SMTP sink, who got 0, 1 or more emails.
"""

import argparse
import asyncio
import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter

import _stack
import common
from load.client import THANKS_TEXT, Catalogue, Results, drive, lost_signups, print_summary

DB_KINDS = {"article", "tag", "source", "author", "search", "archive", "feed", "signup-form"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--down", type=float, default=4, help="seconds the database is down")
    parser.add_argument("--subscribers", type=int, default=3000)
    parser.add_argument("--articles", type=int, default=100_000)
    _stack.add_options(parser)
    args = parser.parse_args()
    if not 15 <= args.seconds <= 300 or not 1 <= args.down <= 30:
        parser.error("--seconds must be in [15, 300] and --down in [1, 30]")

    extra = {
        "SUBSCRIBE_RATE_PER_CLIENT": "1000000/3600",
        "DELIVERY_LEASE_SECONDS": "5",
        "DELIVERY_RETRY_BACKOFF_SECONDS": "1",
    }
    with (
        _stack.archive_cluster(args, briefings=300),
        _stack.Stack(env_extra=extra, smtp_delay=0.002) as stack,
    ):
        restart_ok = database_restart(stack, args)
        send_ok = worker_kill(stack, args)
    return 0 if restart_ok and send_ok else 1


# --- 1. PostgreSQL restarted while readers and signups run ------------------------------------


async def restart_during_load(stack, args, catalogue, results) -> dict:
    marks = {}

    async def outage():
        await asyncio.sleep(10)
        marks["stop"] = time.monotonic() - results.started
        await asyncio.to_thread(_stack.cluster_ctl, "stop")
        marks["stopped"] = time.monotonic() - results.started
        await asyncio.sleep(args.down)
        await asyncio.to_thread(_stack.cluster_ctl, "start")
        marks["started"] = time.monotonic() - results.started

    run_id = uuid.uuid4().hex[:8]
    await asyncio.gather(
        drive(
            base_url=stack.base_url,
            catalogue=catalogue,
            users=args.users,
            seconds=args.seconds,
            signup_share=0.1,
            run_id=run_id,
            results=results,
            timeout=15,
        ),
        outage(),
    )
    return marks


def database_restart(stack, args) -> bool:
    print("\n== 1. PostgreSQL restarted under load ==", flush=True)
    catalogue = Catalogue.load()
    # Cold gunicorn workers take seconds over their first requests: warm them up, uncounted.
    common.log("warm-up: 8 s at 8 users (not counted)")
    asyncio.run(drive(base_url=stack.base_url, catalogue=catalogue, users=8, seconds=8,
                      signup_share=0, run_id="warmup"))  # fmt: skip
    results = Results()
    marks = asyncio.run(restart_during_load(stack, args, catalogue, results))
    common.log(
        f"cluster stop issued at {marks['stop']:.1f} s, down at {marks['stopped']:.1f} s, "
        f"up again at {marks['started']:.1f} s"
    )
    print_summary(results, args.seconds)
    during = Counter(s for t, _, s in results.timeline if marks["stop"] <= t <= marks["started"])
    print(
        f"statuses while the database was stopping/down (0 = connection error): "
        f"{dict(sorted(during.items()))}"
    )
    five_oh_three = sum(n for (_, s), n in results.statuses.items() if s == 503)
    print(
        f"503 answers: {five_oh_three}, of which the site's 'Briefly unavailable' page: "
        f"{results.unavailable_pages}"
    )
    other_5xx = {s: n for (_, s), n in results.statuses.items() if s >= 500 and s != 503}
    after = [(t, k, s) for t, k, s in results.timeline if t > marks["started"]]
    bad_after = [t for t, k, s in after if s == 0 or s >= 500]
    first_ok = next((t for t, k, s in after if k in DB_KINDS and s == 200), None)
    recovered = first_ok is not None and (not bad_after or max(bad_after) < args.seconds - 5)
    if first_ok is not None:
        last = f"{max(bad_after) - marks['started']:.1f} s after up" if bad_after else "none"
        print(
            f"first database page answered 200 at {first_ok:.1f} s "
            f"({first_ok - marks['started']:.1f} s after the cluster was up); "
            f"last error after the restart: {last}"
        )
    alive = stack.gunicorn.poll() is None
    # deploy/worker.sh starts db_worker again when it exits (it does when the database goes).
    common.wait_until(stack.worker_children, 30, "a db_worker under deploy/worker.sh")
    worker_alive = stack.workers[-1].poll() is None
    restarts = (common.VAR / "db_worker.log").read_text().count("db_worker exited with status")
    print(
        f"gunicorn master alive (never restarted): {alive}; deploy/worker.sh alive: "
        f"{worker_alive}, db_worker restarted by it {restarts} time(s), running again: "
        f"pid {stack.worker_children()}"
    )
    accepted, found, missing = lost_signups(results)
    print(
        f"signups: {accepted} answered 'check your inbox' ({results.thanks_shown} showed "
        f"'{THANKS_TEXT}'); refused: {dict(results.refused) or 0}; rows found: {found}; "
        f"lost signups: {len(missing)} {missing[:5] or ''}"
    )
    checks = {
        "503 page shown while down": results.unavailable_pages > 0,
        "no 5xx other than 503": not other_5xx,
        "recovered without restarting gunicorn": recovered and alive,
        "worker running again": worker_alive and bool(stack.worker_children()),
        "0 lost signups": not missing,
    }
    for check, ok in checks.items():
        print(f"check {check}: {'ok' if ok else 'FAILED'}{'' if ok else f' {other_5xx}'}")
    return all(checks.values())


# --- 2. A worker killed with SIGKILL during a send ---------------------------------------------


def send_prepare(count: int):
    """Replace last run's send subscribers with `count` confirmed ones; publish a new briefing."""
    from django.utils import timezone

    from articles.models import Article
    from briefing.models import Briefing, BriefingEntry
    from briefing.services import briefing_publish
    from subscribers.models import Subscriber

    Subscriber.objects.filter(email__startswith="fault-send-").delete()
    # Only these are mailable: earlier fault runs' briefings and the signups stay pending.
    Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).update(status="paused")
    confirmed = timezone.now() - datetime.timedelta(days=1)
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"fault-send-{n}@example.org", status="active", confirmed_at=confirmed
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    last = Briefing.objects.order_by("-date").values_list("date", flat=True).first()
    briefing = Briefing.objects.create(date=last + datetime.timedelta(days=1), title="Fault run")
    for position, article in enumerate(Article.objects.published().order_by("-id")[:3]):
        BriefingEntry.objects.create(briefing=briefing, article=article, position=position)
    briefing_publish(briefing=briefing)  # creates the send and queues it for db_worker
    return briefing


def worker_kill(stack, args) -> bool:
    print("\n== 2. db_worker killed with SIGKILL during a send ==", flush=True)
    common.django_setup(stack.env, app_dir=_stack.APP_DIR)
    from subscribers.models import Delivery

    briefing = send_prepare(args.subscribers)
    deliveries = Delivery.objects.filter(send__briefing=briefing)
    expected = {e.lower() for e in deliveries.values_list("subscriber__email", flat=True)}
    common.log(f"send of {briefing.date} queued for {len(expected)} subscribers")

    def delivered() -> int:
        return sum(1 for email in stack.sink_counts() if email in expected)

    common.wait_until(lambda: delivered() >= len(expected) // 3, 180, "a third of the send")
    (victim,) = stack.worker_children()
    os.kill(victim, signal.SIGKILL)  # the python process, as the OOM killer would
    before = delivered()
    states = Counter(deliveries.values_list("status", flat=True))
    common.log(
        f"killed db_worker (pid {victim}) with SIGKILL after {before} emails; "
        f"deliveries: {dict(states)}"
    )
    common.wait_until(lambda: stack.worker_children() not in ([], [victim]), 30, "a new worker")
    common.log(f"deploy/worker.sh started a new db_worker: pid {stack.worker_children()}")
    started = time.monotonic()
    sweep = subprocess.run(
        [
            common.PYTHON,
            "manage.py",
            "send_pending_deliveries",
            "--until-complete",
            "--max-seconds",
            "180",
        ],
        cwd=_stack.APP_DIR,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    common.log(
        f"sweep `send_pending_deliveries --until-complete` finished in "
        f"{time.monotonic() - started:.1f} s: {sweep.stdout.strip()}"
    )
    counts = {e: n for e, n in stack.sink_counts().items() if e in expected}
    missing = expected - set(counts)
    twice = {e: n for e, n in counts.items() if n > 1}
    states = Counter(deliveries.values_list("status", flat=True))
    print(
        f"subscribers: {len(expected)}; emails at the sink: {sum(counts.values())}; "
        f"exactly one: {sum(1 for n in counts.values() if n == 1)}; none: {len(missing)}; "
        f"more than one: {len(twice)} {twice or ''}"
    )
    print(f"deliveries: {dict(states)}; batch size {stack.env.get('DELIVERY_BATCH_SIZE', 100)}")
    ok = not missing and len(twice) <= 1 and set(states) == {"sent"}
    print(
        f"check every confirmed subscriber got exactly one email (at most the in-flight one "
        f"twice): {'ok' if ok else 'FAILED'}"
    )
    return ok


if __name__ == "__main__":
    sys.exit(main())
