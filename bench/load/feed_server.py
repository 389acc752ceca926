"""Serves N RSS feeds on loopback for bench_feeds.py: /feed/<n> answers 20 items with an ETag
and a Last-Modified, and 304 to a conditional GET that names them. One threading server per
host address given (127.0.0.x are all loopback), all on the same port.

    python bench/load/feed_server.py PORT 127.0.0.2 127.0.0.3 ...
"""

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ITEMS = 20
LAST_MODIFIED = "Thu, 14 Mar 2024 09:00:00 GMT"


def feed(n: int, host: str) -> bytes:
    items = "".join(
        f"<item><title>Story {i} of feed {n}</title><link>http://{host}/story/{n}/{i}</link>"
        f"<guid>{n}-{i}</guid><description>Paragraph {i} of a story told by feed {n}, "
        f"long enough to look like a summary of an article.</description>"
        f"<pubDate>Thu, 14 Mar 2024 {i % 24:02d}:00:00 GMT</pubDate></item>"
        for i in range(ITEMS)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {n}</title>'
        f"{items}</channel></rss>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802
        n = int(self.path.rsplit("/", 1)[-1])
        etag = f'"feed-{n}-v1"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = feed(n, self.headers.get("Host", "127.0.0.1"))
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", LAST_MODIFIED)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main() -> None:
    port, hosts = int(sys.argv[1]), sys.argv[2:]
    servers = [ThreadingHTTPServer((host, port), Handler) for host in hosts]
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
