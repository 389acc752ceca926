"""A real web server on loopback for the intake's and the link checker's tests: each test says
what each path answers (status, headers, body, an optional delay), and reads back the requests
it got (GET, HEAD and POST)."""

import contextlib
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.loopback import LoopbackServer

DATA = Path(__file__).resolve().parent.parent / "data" / "intake"


def article_page() -> bytes:
    return (DATA / "article.html").read_bytes()


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0


class Web(LoopbackServer):
    def __init__(self):
        self.routes: dict[str, Answer | object] = {}
        self.requests: list[tuple[str, dict]] = []
        self.methods: list[tuple[str, str]] = []  # (method, path) of each request
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802 - http.server's name
                self.answer(send_body=True)

            def do_HEAD(self):  # noqa: N802
                self.answer(send_body=False)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self.form = self.rfile.read(length).decode()
                self.answer(send_body=True)

            def answer(self, *, send_body: bool):
                web.requests.append((self.path, dict(self.headers.items())))
                web.methods.append((self.command, self.path))
                answer = web.routes.get(self.path, Answer(404, b"<h1>Not found</h1>"))
                if callable(answer):
                    answer = answer(self)
                if answer.delay:
                    time.sleep(answer.delay)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if send_body:
                        self.wfile.write(answer.body)

            def log_message(self, *args):
                pass

        super().__init__(Handler)

    def page(self, path: str, body: bytes = b"", **kwargs) -> str:
        self.routes[path] = Answer(body=body or article_page(), **kwargs)
        return self.url(path)


@pytest.fixture
def web(settings):
    """A loopback web server the desk may fetch from (127.0.0.1 named in INTAKE_ALLOWED_HOSTS,
    as a newsroom would name its intranet host; every other internal address stays refused)."""
    settings.INTAKE_ALLOWED_HOSTS = ["127.0.0.1"]
    server = Web()
    server.thread.start()
    yield server
    server.stop()
