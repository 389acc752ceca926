"""Serves the originals of bench_linkhealth.py on loopback: one listening socket per host
address given (127.x.y.z are all loopback), all on one port, in one asyncio thread. GET and HEAD
of /story/<n> answer an article page whose text is the bench's snapshot text (so the checker
finds it unchanged), with an ETag; every 50th story answers 404 and every 97th 500.

It also watches the checker's politeness: GET /__stats on any host answers, as JSON, the
requests served, the most requests one host ever had in flight at once, and the shortest pause
seen between the end of a check of a host (its GET) and the start of the next request to it
(the HEAD and GET of one check follow each other at once).

    python bench/load/article_server.py PORT 127.0.0.2 127.0.0.3 ...
"""

import asyncio
import json
import sys
import time

sys.path.insert(0, __file__.rsplit("/", 2)[0])
from bench_linkhealth import story_text  # noqa: E402

stats = {"requests": 0, "max_in_flight_per_host": 0, "min_pause_per_host": None}
in_flight: dict[str, int] = {}
last_get_end: dict[str, float] = {}


def page(n: int) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><title>Story {n}</title></head><body><header><nav>"
        f"Home News Sport</nav></header><article><h1>Story {n}</h1><p>{story_text(n)}</p>"
        f"</article><footer>Copyright</footer></body></html>"
    ).encode()


def answer(method: str, path: str) -> tuple[int, bytes, dict]:
    if path == "/__stats":
        return 200, json.dumps(stats).encode(), {"Content-Type": "application/json"}
    n = int(path.rsplit("/", 1)[-1]) if path.startswith("/story/") else -1
    if n < 0 or n % 50 == 49:
        return 404, b"<h1>Not found</h1>", {}
    if n % 97 == 96:
        return 500, b"<h1>Error</h1>", {}
    return 200, page(n), {"ETag": f'"s{n}"', "Content-Type": "text/html; charset=utf-8"}


def handler(host: str):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        method, path = head.split(b" ", 2)[:2]
        if path != b"/__stats":
            start = time.monotonic()
            if host in last_get_end:
                pause = start - last_get_end.pop(host)
                low = stats["min_pause_per_host"]
                stats["min_pause_per_host"] = pause if low is None else min(low, pause)
            in_flight[host] = in_flight.get(host, 0) + 1
            stats["max_in_flight_per_host"] = max(stats["max_in_flight_per_host"], in_flight[host])
            stats["requests"] += 1
        status, body, headers = answer(method.decode(), path.decode())
        lines = [f"HTTP/1.1 {status} X", f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        if method != b"HEAD":
            writer.write(body)
        try:
            await writer.drain()
        finally:
            writer.close()
            if path != b"/__stats":
                in_flight[host] -= 1
                if method == b"GET":
                    last_get_end[host] = time.monotonic()

    return handle


async def main() -> None:
    port, hosts = int(sys.argv[1]), sys.argv[2:]
    servers = [await asyncio.start_server(handler(h), h, port, backlog=64) for h in hosts]
    await asyncio.gather(*(server.serve_forever() for server in servers))


if __name__ == "__main__":
    asyncio.run(main())
