"""Regressions found by bench/load_test.py and bench/faults.py, kept fixed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from subscribers.models import Subscriber

WORKER_SCRIPT = Path(settings.BASE_DIR) / "deploy" / "worker.sh"


def test_worker_script_starts_db_worker_again_after_the_database_went_away(tmp_path):
    """faults.py: db_worker exits on a database restart; deploy/worker.sh must start it again
    (here the database never answers, so each db_worker exits at once), and still stop on
    SIGTERM, leaving no worker behind."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/unreachable",
        "SITE_URL": "https://briefing.example.org",
        "DEBUG": "false",
        "SECRET_KEY": "insecure-test-only-key",
        "WORKER_RESTART_DELAY": "0.2",
    }
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        script = subprocess.Popen(
            ["sh", str(WORKER_SCRIPT), "--no-startup-delay", "--no-reload"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 90
            while log.read_text().count("restarting in") < 2 and time.monotonic() < deadline:
                assert script.poll() is None, log.read_text()
                time.sleep(0.2)
            assert log.read_text().count("restarting in") >= 2, log.read_text()
            script.send_signal(signal.SIGTERM)
            assert script.wait(timeout=30) == 0
        finally:
            if script.poll() is None:
                os.killpg(script.pid, signal.SIGKILL)
                script.wait()
    leftovers = subprocess.run(
        ["pgrep", "-g", str(script.pid)], capture_output=True, text=True
    ).stdout.split()
    assert leftovers == []


@pytest.mark.django_db(transaction=True)
def test_a_signup_sent_while_the_database_is_down_is_not_called_saved(client, free_port):
    """faults.py: signups POSTed during a restart get the 503 page, which used to say "nothing
    you sent has been lost" although the signup was not saved; it must ask to send it again."""
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
    try:
        response = client.post("/subscribe/", {"email": "down@example.org", "website": ""})
    finally:
        connection.close()
        connection.settings_dict.update(original)
    page = response.content.decode()
    assert response.status_code == 503
    assert "Briefly unavailable" in page
    assert "please send it again" in page
    assert "has been lost" not in page
    assert not Subscriber.objects.filter(email="down@example.org").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/", "/articles/", "/search/?q=gaza", "/subscribe/", "/admin/"])
def test_a_reader_with_a_session_gets_the_503_page_while_the_database_is_down(
    client, free_port, path
):
    """faults.py: the session (read from the database by middleware and context processors)
    must not turn the restart into a 500 for signed-in editors or readers with a session."""
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
    original = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(free_port()))
    try:
        response = client.get(path)
    finally:
        connection.close()
        connection.settings_dict.update(original)
    assert response.status_code == 503
    assert "Briefly unavailable" in response.content.decode()
