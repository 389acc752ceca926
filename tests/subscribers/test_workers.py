"""Real worker processes on PostgreSQL: killed with SIGKILL mid-send, and two at once."""

import io
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from subscribers.models import BriefingSend, Delivery, Subscriber
from subscribers.services import briefing_send_create, briefing_send_enqueue
from tests.db import database_url

pytestmark = pytest.mark.django_db(transaction=True)


def add_subscribers(count: int) -> set[str]:
    confirmed = timezone.now() - timezone.timedelta(days=1)
    Subscriber.objects.bulk_create(
        Subscriber(email=f"r{n}@example.org", status="active", confirmed_at=confirmed)
        for n in range(count)
    )
    return {f"r{n}@example.org" for n in range(count)}


def worker(smtp, tmp_path, *args, lease=2, batch=50):
    """A `manage.py` process on the test database, mailing the loopback server."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}?timeout=10",
        "SITE_URL": "http://testserver",
        "DEBUG": "false",
        "DELIVERY_LEASE_SECONDS": str(lease),
        "DELIVERY_BATCH_SIZE": str(batch),
        "DELIVERY_RETRY_BACKOFF_SECONDS": "0",
    }
    log = open(tmp_path / f"worker-{time.monotonic_ns()}.log", "w")  # noqa: SIM115
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


# Budgets, not measurements: generous enough for a loaded 2-core machine (at load 20 two
# workers took over a minute for 2,000 emails); a test ends as soon as the work is done.
MAX_SECONDS = "300"
MAX_SECONDS_WAIT = 360


def wait_for(predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def finish(process, timeout=MAX_SECONDS_WAIT):
    try:
        return process.wait(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_worker_killed_mid_send_is_finished_by_the_sweep(smtp, tmp_path, published_briefing):
    readers = add_subscribers(2000)
    briefing_send_enqueue(briefing=published_briefing)  # queues the django-tasks work
    db_worker = worker(
        smtp, tmp_path, "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.1"
    )
    try:
        wait_for(lambda: sum(smtp.counts().values()) >= 537)  # in the middle of a batch of 50
        db_worker.send_signal(signal.SIGKILL)
    finally:
        finish(db_worker)
    delivered_before = sum(smtp.counts().values())
    assert delivered_before < 2000, "the worker finished before it could be killed"
    assert DBTaskResult.objects.running().count() == 1  # django-tasks-db never recovers it
    assert Delivery.objects.filter(status="sending").exists()  # the dead worker's claim

    sweep = worker(
        smtp, tmp_path, "send_pending_deliveries", "--until-complete", "--max-seconds", MAX_SECONDS
    )
    assert finish(sweep) == 0

    counts = smtp.counts()
    assert set(counts) == readers
    twice = [address for address, n in counts.items() if n > 1]
    # At most the message in flight and the one result waiting for the pipelined writer.
    assert len(twice) <= 2
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert BriefingSend.objects.get().finished_at is not None


def test_two_workers_on_one_send_mail_everyone_exactly_once(smtp, tmp_path, published_briefing):
    smtp.delay = 0.001
    readers = add_subscribers(2000)
    briefing_send_create(briefing=published_briefing)
    args = ["send_pending_deliveries", "--until-complete", "--max-seconds", MAX_SECONDS]
    workers = [worker(smtp, tmp_path, *args, lease=30, batch=20) for _ in range(2)]
    assert [finish(w) for w in workers] == [0, 0]

    counts = smtp.counts()
    assert set(counts) == readers
    assert set(counts.values()) == {1}
    assert Delivery.objects.filter(status="sent").count() == 2000
    pids = {claim.split(":")[1] for claim in Delivery.objects.values_list("claim", flat=True)}
    assert len(pids) == 2  # both workers really shared the send


def test_faults_with_pipelined_result_writes(smtp, settings, published_briefing):
    """Outside a test transaction results are written by the writer thread: same outcome."""
    settings.DELIVERY_BATCH_SIZE = 7
    settings.DELIVERY_MAX_ATTEMPTS = 3
    readers = add_subscribers(30)
    smtp.rcpt_replies_once["r3@example.org"] = "450 4.2.1 Mailbox busy, try later"
    smtp.rcpt_replies["r5@example.org"] = "550 5.1.1 No such user"
    smtp.drop_on_data = {4, 11}
    send, _ = briefing_send_create(briefing=published_briefing)
    call_command(
        "send_pending_deliveries", "--until-complete", "--max-seconds", "30", stdout=io.StringIO()
    )
    counts = smtp.counts()
    assert set(counts) == readers - {"r5@example.org"}
    assert set(counts.values()) == {1}
    assert Delivery.objects.get(subscriber__email="r5@example.org").last_error.startswith("550")
    assert Delivery.objects.get(subscriber__email="r3@example.org").attempts == 2
    send.refresh_from_db()
    assert send.finished_at is not None
