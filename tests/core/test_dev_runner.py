"""`make run` (manage.py dev): the site (its pages and the admin) and a worker in one terminal,
on the embedded PostgreSQL when the tests run without DATABASE_URL (.ci/embedded_smoke runs
this file so). A briefing scheduled a moment ahead goes live and is emailed (printed by the
worker) with links to the port served; Ctrl-C stops both. The demo goes into an empty
database only, with an account per role."""

import datetime
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from articles.models import Article
from briefing.models import Briefing, BriefingEntry
from briefing.services import briefing_schedule
from tests.db import database_url

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(settings.BASE_DIR)


def wait_for(predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
    return result


def answers(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return response.read() if response.status == 200 else None
    except OSError:
        return None


@pytest.fixture
def dev(free_port, tmp_path):
    """`manage.py dev` on the test database and a free port, as `make run PORT=…` starts it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    env.update(DATABASE_URL=database_url(), DEBUG="true", LOG_LEVEL="INFO")
    log = tmp_path / "dev.log"
    with open(log, "w") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "dev", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    runner = type("Dev", (), {"process": process, "url": f"http://127.0.0.1:{port}", "log": log})
    try:
        wait_for(lambda: answers(f"{runner.url}/") or process.poll() is not None)
        wait_for(lambda: "Starting worker" in log.read_text() or process.poll() is not None)
        assert process.poll() is None, log.read_text()
        yield runner
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)


def test_a_briefing_scheduled_a_moment_ahead_goes_live_and_is_emailed(dev):
    output = dev.log.read_text()
    assert "editor / editor" in output and "admin / admin" in output
    robots = answers(f"{dev.url}/robots.txt").decode()
    assert f"Sitemap: {dev.url}/sitemap.xml" in robots  # SITE_URL follows the port served
    admin = answers(f"{dev.url}/admin/").decode()  # redirected to the login page, served
    assert 'name="username"' in admin and 'name="password"' in admin

    with transaction.atomic():
        briefing = Briefing.objects.create(date=timezone.localdate(), email_subscribers=True)
        BriefingEntry.objects.create(briefing=briefing, article=Article.objects.published()[0])
        soon = timezone.now() + datetime.timedelta(seconds=2)
        briefing_schedule(briefing=briefing, publish_at=soon)
    page = f"{dev.url}{briefing.get_absolute_url()}"
    assert answers(page) is None  # not live yet

    wait_for(lambda: answers(page))
    wait_for(lambda: "To: Ben Reader <ben.reader@example.org>" in dev.log.read_text())
    output = dev.log.read_text()
    assert "worker | To: Ann Reader <ann.reader@example.org>" in output
    assert f"worker |  <{dev.url}/subscription/" in output  # List-Unsubscribe, on this port
    assert "web    | " in output


def test_ctrl_c_stops_the_site_and_the_worker(dev):
    dev.process.send_signal(signal.SIGINT)
    assert dev.process.wait(timeout=60) == 0
    assert answers(f"{dev.url}/") is None
    assert "shutting down gracefully" in dev.log.read_text()  # the worker, told by the runner


def test_the_demo_goes_into_an_empty_database_only(settings):
    settings.DEBUG = True
    call_command("load_demo", if_empty=True)
    briefing = Briefing.objects.published().first()
    briefing.title = "The newcomer's title"
    briefing.save()

    call_command("load_demo", if_empty=True)  # the next `make run`
    briefing.refresh_from_db()
    assert briefing.title == "The newcomer's title"

    call_command("load_demo", reset=True, interactive=False)  # `make demo-reset`
    assert not Briefing.objects.filter(title="The newcomer's title").exists()
    assert Briefing.objects.published().filter(pk=briefing.pk).exists()


def signed_in(username: str, password: str) -> Client:
    """Signed in through the admin's login form, with the password `make run` prints."""
    browser = Client()
    form = {"username": username, "password": password, "next": "/admin/"}
    assert browser.post("/admin/login/", form).url == "/admin/"
    return browser


def test_each_demo_account_opens_the_pages_of_its_role(settings):
    settings.DEBUG = True
    call_command("load_demo")
    editor, admin = signed_in("editor", "editor"), signed_in("admin", "admin")
    assert editor.get("/admin/briefing/briefing/").status_code == 200
    assert editor.get("/admin/subscribers/subscriber/").status_code == 403
    for page in ["/admin/subscribers/subscriber/", "/admin/subscribers/briefingsend/"]:
        assert admin.get(page).status_code == 200
    assert "ann.reader@example.org" in admin.get("/admin/subscribers/subscriber/").text
