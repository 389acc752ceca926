"""Regressions found by bench/load_test.py and bench/faults.py, kept fixed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

WORKER_SCRIPT = Path(settings.BASE_DIR) / "deploy" / "worker.sh"


def test_worker_script_starts_db_worker_again_after_the_database_went_away(tmp_path):
    """faults.py: db_worker exits on a database restart; deploy/worker.sh must start it again
    (here the database never answers, so each db_worker exits at once), and still stop on
    SIGTERM, leaving no worker behind."""
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/unreachable",
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
