"""`make run`: the development site and a task worker in one terminal, until Ctrl-C.

Both run as child processes, each in its own process group, their output labelled line by
line (`web    | …`, `worker | …`). Ctrl-C or SIGTERM stops both, and the embedded PostgreSQL
stops after them. Links in emails, feeds and the sitemap (SITE_URL) follow the address served,
unless SITE_URL is set. The demo is loaded into an empty database only. DEBUG only.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

STOP_SECONDS = 10
MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]


class Command(BaseCommand):
    help = "Serve the site with a task worker beside it (emails, scheduled briefings)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000", help="[HOST:]PORT")

    def handle(self, *args, addrport, **options):
        if not settings.DEBUG:
            raise CommandError("manage.py dev is for development only: set DEBUG=true.")
        host, port = split_addrport(addrport)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo", if_empty=True, stdout=self.stdout)
        site_url = os.environ.get("SITE_URL") or f"http://{host}:{port}"
        self.banner(site_url)
        env = {**os.environ, "DEBUG": "true", "SITE_URL": site_url, "PYTHONUNBUFFERED": "1"}
        commands = {
            "web": ["runserver", f"{host}:{port}"],
            "worker": ["db_worker", "--no-startup-delay", "--reload"],
        }
        stopped = run_until_interrupted(commands, env)
        if stopped:
            raise CommandError(f"The {stopped} stopped on its own; the other was stopped too.")

    def banner(self, site_url: str) -> None:
        self.stdout.write(
            f"\n  Briefing is running at {site_url}/\n"
            f"  The editors' desk: {site_url}/admin/\n"
            "    editor / editor   an editor (articles, briefings, intake)\n"
            "    admin / admin     an admin (also subscribers, sends, site settings)\n"
            "  The worker publishes scheduled briefings and prints every email here "
            "(lines `worker |`).\n"
            "  Ctrl-C stops the site, the worker and the database.\n"
        )


def split_addrport(addrport: str) -> tuple[str, str]:
    host, _, port = addrport.rpartition(":")
    if not port.isdigit():
        raise CommandError(f"{addrport!r} is not [HOST:]PORT.")
    return host or "127.0.0.1", port


def run_until_interrupted(commands: dict[str, list[str]], env: dict) -> str | None:
    """Run the commands until Ctrl-C, SIGTERM or one's exit, then stop them all. Returns the
    label of a command that stopped on its own, if one did. Our handlers are set first, so
    that the children start with Ctrl-C's default (a shell's background job ignores it)."""
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    children, relays, stopped = {}, [], None
    try:
        for label, command in commands.items():
            children[label] = start(command, env)
            relays.append(relay(label, children[label]))
        while stopped is None:
            stopped = next((label for label, c in children.items() if c.poll() is not None), None)
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop(children.values())
        for thread in relays:
            thread.join(timeout=STOP_SECONDS)
    return stopped


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our own manage.py)
        [*MANAGE, *command],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # Ctrl-C reaches us only; we stop each group once
    )


_output = threading.Lock()


def relay(label: str, child: subprocess.Popen) -> threading.Thread:
    def copy():
        for line in child.stdout:
            with _output:
                sys.stdout.write(f"{label:<6} | {line}")
                sys.stdout.flush()

    thread = threading.Thread(target=copy, daemon=True)
    thread.start()
    return thread


def stop(children) -> None:
    """Ctrl-C (SIGINT) to each child's whole group, as a terminal would (runserver's and
    db_worker's reloaders fork; the worker finishes its task first), SIGKILL to what is left
    after STOP_SECONDS."""
    for sig in (signal.SIGINT, signal.SIGKILL):
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, sig)
        deadline = time.monotonic() + STOP_SECONDS
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
        if all(child.poll() is not None for child in children):
            return
