"""/metrics adds up every process: several gunicorn workers and two db_worker processes,
started the way production starts them (gunicorn.conf.py, deploy/worker.sh), on loopback."""

import http.client
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from subscribers.models import BriefingSend, Delivery
from subscribers.services import briefing_send_enqueue
from subscribers.tasks import briefing_send_deliver
from tests.db import database_url
from tests.monitoring.conftest import parse_metrics, total
from tests.subscribers.test_workers import add_subscribers, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(settings.BASE_DIR)


def environment(metrics_dir: Path, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}?timeout=10",
        "SITE_URL": "http://testserver",
        "DEBUG": "false",
        "HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "insecure-test-only-key",
        "METRICS_DIR": str(metrics_dir),
        "DELIVERY_BATCH_SIZE": "25",
    }


def start(argv, env, log: Path) -> subprocess.Popen:
    with open(log, "w") as out:
        return subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def get(port: int, path: str) -> tuple[int, str]:
    """One request on a new connection (so that gunicorn hands it to any of its workers)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def up(port: int) -> bool:
    try:
        return get(port, "/healthz?scope=web")[0] == 200
    except OSError:
        return False


def test_metrics_count_every_gunicorn_worker_and_every_db_worker(
    smtp_server, tmp_path, free_port, published_briefing
):
    add_subscribers(1000)
    metrics_dir, port = tmp_path / "metrics", free_port()
    # A file of an earlier run (unreadable, even): gunicorn's master must empty the folder.
    (metrics_dir / "web").mkdir(parents=True)
    (metrics_dir / "web" / "counter_4242.db").write_bytes(b"left by the last run")
    env = environment(metrics_dir, smtp_server.port)
    web = start(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--config",
         "gunicorn.conf.py", "--no-control-socket", "--workers", "3", "--bind",
         f"127.0.0.1:{port}"],
        env,
        tmp_path / "gunicorn.log",
    )  # fmt: skip
    worker_args = ["sh", "deploy/worker.sh", "--no-startup-delay", "--no-reload"]
    workers = [
        start([*worker_args, "--interval", "0.1"], env, tmp_path / f"worker-{n}.log")
        for n in range(2)
    ]
    try:
        wait_for(lambda: up(port), timeout=60)
        send = briefing_send_enqueue(briefing=published_briefing)
        # A second task for the same send, so that both workers claim its deliveries at once.
        briefing_send_deliver.enqueue(send_id=send.pk)
        wait_for(lambda: BriefingSend.objects.get().finished_at is not None, timeout=120)
        for _ in range(60):
            assert get(port, "/robots.txt")[0] == 200

        scrapes = []
        for _ in range(6):  # each scrape is answered by whichever worker gunicorn picks
            status, text = get(port, "/metrics")
            assert status == 200, text
            scrapes.append(parse_metrics(text))
        web_files = list((metrics_dir / "web").glob("counter_*.db"))
        worker_folders = [p for p in metrics_dir.iterdir() if p.name.startswith("worker-")]
    finally:
        for process in [*workers, web]:
            stop(process)

    assert Delivery.objects.filter(status="sent").count() == 1000
    claims = set(Delivery.objects.values_list("claim", flat=True))
    assert len({claim.split(":")[1] for claim in claims}) == 2  # both workers sent some
    assert len(web_files) >= 2, "only one gunicorn worker answered"
    assert len(worker_folders) == 2
    for samples in scrapes:
        sent = total(samples, "briefing_deliveries_recorded_total", kind="briefing", status="sent")
        assert sent == 1000  # counted by the two db_worker processes, added up
        assert total(samples, "briefing_send_deliveries", status="sent") == 1000  # the rows
        assert total(samples, "briefing_send_deliveries", status="pending") == 0
        robots = total(samples, "briefing_http_requests_total", route="robots_txt", status="200")
        assert robots == 60  # whichever worker answered each request
    # Stopped, each worker script removed its folder; gunicorn's is emptied at its next start.
    assert [p for p in metrics_dir.iterdir() if p.name.startswith("worker-")] == []
