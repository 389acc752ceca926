"""The link checker's tests: the intake's loopback web server (pages that answer, move, vanish,
fail, time out), and a loopback Wayback Machine speaking Save Page Now 2 (submit, status, 429
with Retry-After) and the availability API as the Internet Archive documents them."""

import datetime
import json
import uuid
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from intake.extract import extract
from intake.models import ArticleSnapshot
from linkhealth.models import ArticleLink
from linkhealth.services import links_check
from tests.factories import ArticleFactory
from tests.intake.conftest import Answer, article_page, web  # noqa: F401  (the `web` fixture)
from tests.loopback import LoopbackServer

CAPTURED = "20230412093000"


class Wayback(LoopbackServer):
    """SPN2: POST /save (form `url`, `Authorization: LOW key:secret`) -> {"url", "job_id"};
    GET /save/status/<job_id> -> {"status": "pending" | "success" | "error", ...}; 429 with
    Retry-After while `throttle` > 0. Availability: GET /wayback/available?url=&timestamp=."""

    def __init__(self):
        self.submitted: list[dict] = []  # the form and auth of every submission
        self.status_reads: list[str] = []
        self.availability: list[dict] = []
        self.jobs: dict[str, dict] = {}
        self.pending_reads = 1  # status reads that answer "pending" before "success"
        self.throttle = 0  # submissions answered 429 before one is taken
        self.retry_after = "30"
        self.archived: dict[str, str] = {}  # url -> timestamp the availability API knows
        wayback = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path.rstrip("/") != "/save":
                    return self.reply(404, {})
                wayback.submitted.append({**form, "auth": self.headers.get("Authorization")})
                if wayback.throttle > 0:
                    wayback.throttle -= 1
                    return self.reply(
                        429, {"message": "Too many"}, {"Retry-After": wayback.retry_after}
                    )
                job = uuid.uuid4().hex
                wayback.jobs[job] = {"url": form["url"], "reads": 0}
                self.reply(200, {"url": form["url"], "job_id": job})

            def do_GET(self):  # noqa: N802
                parts = urlsplit(self.path)
                if parts.path.startswith("/save/status/"):
                    job_id = parts.path.rsplit("/", 1)[-1]
                    wayback.status_reads.append(job_id)
                    job = wayback.jobs.get(job_id)
                    if job is None:
                        return self.reply(200, {"status": "error", "status_ext": "error:not-found",
                                                "message": "No such job"})  # fmt: skip
                    job["reads"] += 1
                    if job["reads"] <= wayback.pending_reads:
                        return self.reply(200, {"status": "pending", "job_id": job_id})
                    done = {"status": "success", "job_id": job_id, "timestamp": CAPTURED}
                    return self.reply(200, {**done, "original_url": job["url"]})
                if parts.path == "/wayback/available":
                    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                    wayback.availability.append(query)
                    stamp = wayback.archived.get(query.get("url", ""))
                    if not stamp:
                        return self.reply(200, {"url": query.get("url"), "archived_snapshots": {}})
                    copy = f"http://web.archive.org/web/{stamp}/{query['url']}"
                    closest = {"status": "200", "available": True, "timestamp": stamp, "url": copy}
                    return self.reply(
                        200, {"url": query["url"], "archived_snapshots": {"closest": closest}}
                    )
                self.reply(404, {})

            def reply(self, status, data, headers=None):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(Handler)


@pytest.fixture
def wayback(settings):
    server = Wayback()
    server.thread.start()
    settings.WAYBACK_SAVE_URL = server.url("/save")
    settings.WAYBACK_AVAILABILITY_URL = server.url("/wayback/available")
    settings.WAYBACK_ACCESS_KEY, settings.WAYBACK_SECRET_KEY = "access", "secret"
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _quick_checks(settings):
    """No pause between two requests to a host unless a test asks for one, short timeouts, and
    no Wayback Machine but the loopback one (`wayback`): otherwise a closed loopback port."""
    settings.LINKHEALTH_HOST_DELAY = 0
    settings.LINKHEALTH_TIMEOUT = 1.0
    settings.WAYBACK_SAVE_URL = "http://127.0.0.1:9/save"
    settings.WAYBACK_AVAILABILITY_URL = "http://127.0.0.1:9/wayback/available"


def captured_article(server, path: str = "/story", **fields):
    """A published article whose original is served at `path`, with the snapshot the intake
    took of it (the page's extracted text)."""
    url = server.page(path)
    article = ArticleFactory(original_url=url, **fields)
    text = extract(article_page().decode(), url).body_text
    ArticleSnapshot.objects.create(article=article, url=url, body_text=text,
                                   captured_at="2023-04-12T09:30:00Z")  # fmt: skip
    return article


REWRITTEN = (
    b"<html><head><title>Sorry</title></head><body><h1>Page not found</h1>"
    b"<p>We could not find that story. Try our home page or search.</p></body></html>"
)
PAYWALLED = (
    b'<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
    b'"isAccessibleForFree": "False"}</script></head><body><p>Subscribe to read.</p></body></html>'
)


def days_pass(article, days: float) -> None:
    """As if `days` went by since the last check: the record's times move back, and it is due."""
    link = ArticleLink.objects.get(article=article)
    back = datetime.timedelta(days=days)
    for name in ("checked_at", "not_found_since", "failing_since"):
        if getattr(link, name):
            setattr(link, name, getattr(link, name) - back)
    link.next_check_at = timezone.now()
    link.save()


STATES = ["ok", "moved", "gone-404", "gone-410", "failing", "recovered", "changed", "timeout",
          "blocked", "paywalled"]  # fmt: skip


def article_in_state(server, state: str):
    """A captured article whose original the real checker has found in `state`."""
    path = f"/{state}"
    article = captured_article(server, path)
    answers = {
        "moved": Answer(308, headers={"Location": "/moved-here"}),
        "gone-404": Answer(404, b"Not found"),
        "gone-410": Answer(410, b"Gone"),
        "failing": Answer(500, b"Oops"),
        "recovered": Answer(500, b"Oops"),
        "changed": Answer(200, REWRITTEN),
        "timeout": Answer(200, article_page(), delay=2.5),
        "blocked": Answer(403, b"Forbidden"),
        "paywalled": Answer(200, PAYWALLED),
    }
    server.page("/moved-here")
    if state in answers:
        server.routes[path] = answers[state]
    links_check(article_ids=[article.pk])
    if state.startswith("gone"):
        days_pass(article, 2)
        links_check(article_ids=[article.pk])
    if state == "recovered":
        server.page(path)
        days_pass(article, 1)
        links_check(article_ids=[article.pk])
    return article
