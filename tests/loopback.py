"""A real HTTP server on loopback for one test: a free port, its own daemon thread."""

import threading
from http.server import ThreadingHTTPServer


class LoopbackServer:
    """Subclasses build their request handler class, then call `super().__init__(handler)`."""

    def __init__(self, handler):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
