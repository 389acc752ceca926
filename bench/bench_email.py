"""Briefing email throughput and worker memory, against a loopback SMTP sink.

    createdb -h 127.0.0.1 -U postgres briefing_email_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/briefing_email_bench \\
        .venv/bin/python bench/bench_email.py [--count 10000] [--large 100000]

Uses (and empties) the database DATABASE_URL names; needs PostgreSQL. Prints:
  1. emails/second rendered and handed to the sink by the real worker
     (`manage.py send_pending_deliveries`, a subprocess) for --count subscribers (10,000);
  2. emails/second for the same number of pre-rendered messages sent straight through smtplib
     over one connection, in the same run; and the ratio of the two (goal: >= 50 %);
  3. the worker's peak RSS at --count and at --large (100,000) subscribers (goal: flat).
The sink is bench/load/smtp_sink.py (aiosmtpd) in its own process. Every phase has a time limit.
"""

import argparse
import smtplib
import subprocess
import time

import common

common.django_setup(defaults={"DEBUG": "true", "LOG_LEVEL": "WARNING"})

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from briefing.models import Briefing, BriefingEntry  # noqa: E402
from subscribers.emails import BriefingEmail  # noqa: E402
from subscribers.models import BriefingSend, Delivery, Subscriber  # noqa: E402
from subscribers.services import briefing_send_create  # noqa: E402

# Runs the worker command in a child and reports that child's own peak RSS (KiB on Linux).
WORKER = (
    "import os, resource, sys, django; sys.path.insert(0, os.getcwd()); django.setup();"
    "from django.core.management import call_command;"
    "call_command('send_pending_deliveries', '--max-seconds', sys.argv[1]);"
    "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
)


def reset_list(count: int) -> Briefing:
    """Empty the subscribers and sends; add `count` confirmed subscribers in one statement."""
    Delivery.objects.all().delete()
    BriefingSend.objects.all().delete()
    Subscriber.objects.all().delete()
    table = connection.ops.quote_name(Subscriber._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (email, name, status, token, created_at, updated_at,"  # noqa: S608
            " confirmed_at, bounce_count)"
            " SELECT 'bench' || n || '@example.org', 'Reader ' || n, 'active',"
            " md5(random()::text) || md5(n::text), now(), now(), now() - interval '1 day', 0"
            " FROM generate_series(1, %s) AS n",
            [count],
        )
    return bench_briefing()


def bench_briefing() -> Briefing:
    if not Briefing.objects.filter(date="2024-09-01").exists():
        call_command("loaddata", "demo", "demo_briefings", verbosity=0)
    briefing = Briefing.objects.get(date="2024-09-01")
    for position, article_id in enumerate(range(1, 8)):  # a full day's briefing, not one item
        BriefingEntry.objects.get_or_create(
            briefing=briefing, article_id=article_id, defaults={"position": position}
        )
    return briefing


def run_worker(port: int, max_seconds: float) -> tuple[float, int]:
    # DEBUG off as in production (DEBUG keeps every query in memory).
    env = common.production_env(EMAIL_URL=f"smtp://127.0.0.1:{port}?timeout=30")
    started = time.perf_counter()
    result = subprocess.run(
        [common.PYTHON, "-c", WORKER, str(max_seconds)],
        cwd=common.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=max_seconds + 60,
    )
    elapsed = time.perf_counter() - started
    rss = [line for line in result.stdout.splitlines() if line.startswith("MAXRSS")]
    if result.returncode or not rss:
        raise SystemExit(f"worker failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, int(rss[0].split()[1])


def worker_send(port: int, count: int, max_seconds: float) -> tuple[float, int, int]:
    send, _ = briefing_send_create(briefing=reset_list(count))
    elapsed, rss_kib = run_worker(port, max_seconds)
    sent = send.deliveries.filter(status=Delivery.Status.SENT).count()
    return elapsed, rss_kib, sent


def raw_smtplib(port: int, count: int, briefing: Briefing) -> float:
    """The same number of messages, rendered beforehand, straight through smtplib."""
    email = BriefingEmail(briefing)
    samples = [email.message(s) for s in Subscriber.objects.order_by("pk")[:200]]
    messages = [(m.from_email, m.to, m.message().as_bytes(linesep="\r\n")) for m in samples]
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for n in range(count):
            sender, to, data = messages[n % len(messages)]
            smtp.sendmail(sender, to, data)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--max-seconds", type=float, default=300, help="per worker run")
    parser.add_argument("--memory-only", action="store_true", help="skip the throughput figures")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    port = common.free_port()
    with common.smtp_sink(port):
        report(port, args)


def report(port: int, args) -> None:
    Delivery.objects.all().delete()
    BriefingSend.objects.all().delete()
    _, rss_idle = run_worker(port, 10)
    print(f"worker peak RSS with nothing to send (Django loaded): {rss_idle / 1024:.1f} MiB")
    if args.memory_only:
        for count in (args.count, args.large):
            elapsed, rss, sent = worker_send(port, count, args.max_seconds)
            print(
                f"worker peak RSS at {count:,} subscribers: {rss / 1024:.1f} MiB "
                f"({sent:,} sent in {elapsed:.0f} s)"
            )
        return
    elapsed, rss_small, sent = worker_send(port, args.count, args.max_seconds)
    worker_rate = sent / elapsed
    print(f"worker: {sent:,} of {args.count:,} emails in {elapsed:.1f} s = {worker_rate:,.0f}/s")
    print("  (includes the worker process's start-up and its database writes, one per email)")
    raw_elapsed = raw_smtplib(port, args.count, Briefing.objects.get(date="2024-09-01"))
    raw_rate = args.count / raw_elapsed
    print(
        f"smtplib, pre-rendered: {args.count:,} emails in {raw_elapsed:.1f} s = {raw_rate:,.0f}/s"
    )
    print(f"ratio worker/smtplib: {100 * worker_rate / raw_rate:.0f} % (goal: >= 50 %)")
    print(f"worker peak RSS at {args.count:,} subscribers: {rss_small / 1024:.1f} MiB")
    elapsed, rss_large, sent = worker_send(port, args.large, args.max_seconds)
    print(
        f"worker peak RSS at {args.large:,} subscribers: {rss_large / 1024:.1f} MiB "
        f"({sent:,} sent in {elapsed:.0f} s; goal: flat)"
    )
    Delivery.objects.all().delete()
    BriefingSend.objects.all().delete()
    Subscriber.objects.all().delete()


if __name__ == "__main__":
    main()
