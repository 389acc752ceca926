"""Error reports reach a Sentry-protocol server with their context and no subscriber's address."""

import gzip
import json
import re
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import sentry_sdk
from django.db import IntegrityError

from config.sentry import scrub, sentry_init
from subscribers import services
from subscribers.tasks import briefing_send_deliver
from tests.monitoring.test_metrics_processes import environment, start, stop
from tests.subscribers.test_workers import wait_for

ADDRESS = re.compile(r"[\w.+-]+(@|%40)[\w-]+\.(org|com|net)", re.IGNORECASE)


class SentryServer(BaseHTTPRequestHandler):
    """Accepts envelopes as sentry.io does (POST /api/<project>/envelope/) and keeps them."""

    envelopes: list[bytes]

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        assert encoding in {"", "gzip", "deflate"}, encoding
        if self.path.endswith("/envelope/"):
            self.server.envelopes.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "0"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SentryServer)
    server.envelopes = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def events(envelopes: list[bytes]) -> list[dict]:
    """The error events of the envelopes (header line, then item header / payload pairs)."""
    found = []
    for envelope in envelopes:
        lines = envelope.split(b"\n")[1:]
        for header, payload in zip(lines[::2], lines[1::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def signup_through_http(base_url: str, data: dict, query: str = ""):
    """As a browser does it: the form's page (for its CSRF cookie and token), then the POST."""
    session = requests.Session()
    page = session.get(f"{base_url}/subscribe/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    data = {**data, "csrfmiddlewaretoken": token}
    headers = {"Referer": f"{base_url}/subscribe/"}
    return session.post(f"{base_url}/subscribe/{query}", data=data, headers=headers, timeout=10)


@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_signup_view_is_reported_without_the_readers_address(
    sentry_server, live_server, monkeypatch
):
    def failing_signup(*, email, name=""):
        # As PostgreSQL words a constraint error: the row's values, address included.
        raise IntegrityError(f'duplicate key value violates "unique": Key (email)=({email})')

    monkeypatch.setattr(services, "subscriber_signup", failing_signup)
    dsn = f"http://publickey@127.0.0.1:{sentry_server.server_port}/1"
    client = sentry_init(dsn, environment="test", release="")
    try:
        data = {"email": "Jane.Reader+news@example.org", "name": "Jane", "website": ""}
        response = signup_through_http(live_server.url, data, "?ref=jane.reader%40example.org")
        sentry_sdk.flush(timeout=10)
    finally:
        client.close()

    assert response.status_code == 500
    raw = b"".join(sentry_server.envelopes).decode()
    reported = events(sentry_server.envelopes)
    assert len(reported) == 1, raw
    event = reported[0]
    error = event["exception"]["values"][-1]
    assert error["type"] == "IntegrityError"
    assert error["value"].endswith("Key (email)=([address])")
    assert event["transaction"] == "/subscribe/"
    request = event["request"]
    assert request["url"] == f"{live_server.url}/subscribe/"
    assert request["method"] == "POST"
    assert request["data"] == {
        "email": "[address]",
        "name": "Jane",
        "website": "",
        "csrfmiddlewaretoken": "[Filtered]",
    }
    assert request["headers"]["Cookie"] == "[Filtered]"  # the session and CSRF cookies
    assert request["query_string"] == "ref=[address]"
    view_frame = next(f for f in error["stacktrace"]["frames"] if f["function"] == "subscribe")
    assert view_frame["vars"]["data"]["email"] == "'[address]'"  # repr of the str
    # Nowhere in the envelope: message, local variables, form data, query string, breadcrumbs.
    assert ADDRESS.search(raw) is None, ADDRESS.search(raw)
    assert "jane.reader" not in raw.lower()


def test_a_subscribers_link_token_is_redacted_from_any_reported_url():
    event = {"request": {"url": "https://b.example/subscription/AbC-123_xyz/unsubscribe/"}}
    assert scrub(event)["request"]["url"] == "https://b.example/subscription/[token]/unsubscribe/"


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_in_a_db_worker_is_reported_with_the_task_it_came_from(
    sentry_server, tmp_path
):
    result = briefing_send_deliver.enqueue(send_id=987654)  # a send that does not exist
    env = environment(tmp_path / "metrics", smtp_port=1) | {
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{sentry_server.server_port}/1",
    }
    argv = ["sh", "deploy/worker.sh", "--no-startup-delay", "--no-reload", "--interval", "0.1"]
    worker = start(argv, env, tmp_path / "worker.log")
    try:
        wait_for(lambda: events(sentry_server.envelopes), timeout=60)
    finally:
        stop(worker)
    event = events(sentry_server.envelopes)[0]
    assert event["tags"]["task"] == "subscribers.tasks.briefing_send_deliver"
    assert event["contexts"]["task"]["id"] == str(result.id)
    assert event["exception"]["values"][-1]["type"] == "BriefingSend.DoesNotExist"
    assert event["logger"] == "django_tasks"
