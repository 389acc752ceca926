"""Checking one address, and many addresses politely. Nothing here touches the database: the
threads fetch, the caller records (linkhealth/services.py).

One address: HEAD first; a GET when the HEAD is not enough (any answer but 2xx, since many
servers answer HEAD wrongly, and a 2xx whose text must be compared with the snapshot, unless its
ETag or Last-Modified says the page is the one checked last time).

Many addresses: LINKHEALTH_CONCURRENCY threads, one request at a time to any host, and
LINKHEALTH_HOST_DELAY seconds between two requests to one host; nothing starts after the deadline.
"""

import heapq
import html
import queue
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings

from intake.extract import shingles
from intake.fetch import FetchError, Page, fetch

NOT_FOUND = "not_found"  # a 404 or 410: "gone" only once a second check, days later, agrees
BLOCKED_CODES = {401, 402, 403, 451}
TAGS = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>|<[^>]+>", re.S | re.I)
PAYWALL = re.compile(r'"isAccessibleForFree"\s*:\s*"?false', re.I)


@dataclass
class Target:
    """What a check needs to know of an article, read before the threads start."""

    link_id: int
    url: str
    reference: str = ""  # the snapshot's text (or the excerpt's): what the page should still say
    etag: str = ""
    last_modified: str = ""

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


@dataclass
class Outcome:
    status: str  # an ArticleLink.Status value, or NOT_FOUND
    http_status: int | None = None
    final_url: str = ""
    similarity: float | None = None
    detail: str = ""
    etag: str = ""
    last_modified: str = ""
    requests: list[str] = field(default_factory=list)


def page_text(body: str) -> str:
    return html.unescape(TAGS.sub(" ", body))


def similarity(reference: str, body: str) -> float:
    """Share of the reference's 4-word runs found on the page: boilerplate around the text costs
    nothing, a rewritten article or a "soft 404" page scores near zero."""
    wanted = shingles(reference.lower())
    if not wanted:
        return 1.0
    return len(wanted & shingles(page_text(body).lower())) / len(wanted)


def _same_version(page: Page, target: Target) -> bool:
    etag, modified = page.headers.get("etag", ""), page.headers.get("last-modified", "")
    return bool((etag and etag == target.etag) or (modified and modified == target.last_modified))


def classify(page: Page, target: Target, *, compared: bool) -> Outcome:
    outcome = Outcome(
        status="ok",
        http_status=page.status,
        etag=page.headers.get("etag", "")[:500],
        last_modified=page.headers.get("last-modified", "")[:100],
    )
    if page.status in (404, 410):
        outcome.status, outcome.detail = NOT_FOUND, f"The page answers {page.status}."
    elif page.status in BLOCKED_CODES:
        outcome.status, outcome.detail = "blocked", f"The page answers {page.status}."
    elif not 200 <= page.status < 300:
        outcome.status, outcome.detail = "failing", f"The page answers {page.status}."
    elif compared and PAYWALL.search(page.text):
        outcome.status, outcome.detail = "blocked", "The page is behind a paywall."
    else:
        if compared and target.reference:
            outcome.similarity = round(similarity(target.reference, page.text), 3)
        if outcome.similarity is not None and outcome.similarity < changed_below():
            outcome.status = "changed"
            outcome.detail = f"{outcome.similarity:.0%} of the captured text is still on the page."
        elif page.moved_permanently:
            outcome.status, outcome.final_url = "moved", page.url
            outcome.detail = f"Moved permanently to {page.url}"[:500]
    return outcome


def timeout() -> float:
    return float(settings.LINKHEALTH_TIMEOUT)


def changed_below() -> float:
    return float(settings.LINKHEALTH_CHANGED_BELOW)


def probe(target: Target) -> Outcome:
    """Check one address: HEAD, then GET when needed."""
    done = []
    try:
        done.append("HEAD")
        head = fetch(target.url, method="HEAD", timeout=timeout())
        if 200 <= head.status < 300 and (not target.reference or _same_version(head, target)):
            outcome = classify(head, target, compared=False)
            outcome.etag, outcome.last_modified = target.etag, target.last_modified
            outcome.requests = done
            return outcome
    except FetchError:
        pass  # a server may refuse HEAD yet answer GET: the GET decides
    try:
        done.append("GET")
        outcome = classify(fetch(target.url, timeout=timeout()), target, compared=True)
    except FetchError as error:
        outcome = Outcome(status="failing", detail=str(error)[:500])
    outcome.requests = done
    return outcome


class HostQueue:
    """Hosts in the order they may next be asked: a host leaves the queue while one of its
    checks runs, and comes back `delay` seconds after it ended, so each host sees one request at
    a time, and the threads always work on whichever host is ready first."""

    def __init__(self, targets: Iterable[Target], delay: float, last: dict[str, float]):
        self.delay, self.last = delay, last  # last: host -> when its last check ended
        self.waiting: dict[str, deque[Target]] = {}
        for target in targets:
            self.waiting.setdefault(target.host, deque()).append(target)
        self.ready = [(last.get(host, -delay) + delay, host) for host in self.waiting]
        heapq.heapify(self.ready)
        self.busy = 0
        self.lock = threading.Condition()

    def take(self, deadline: float) -> Target | None:
        """The next target whose host is free; None when no work is left before `deadline`."""
        with self.lock:
            while True:
                if not self.ready:
                    if not self.busy:
                        return None
                    self.lock.wait()
                    continue
                at, host = self.ready[0]
                now = time.monotonic()
                if max(at, now) >= deadline:
                    return None
                if at > now:
                    self.lock.wait(at - now)
                    continue
                heapq.heappop(self.ready)
                self.busy += 1
                return self.waiting[host].popleft()

    def release(self, target: Target) -> None:
        with self.lock:
            self.busy -= 1
            self.last[target.host] = ended = time.monotonic()
            if self.waiting[target.host]:
                heapq.heappush(self.ready, (ended + self.delay, target.host))
            self.lock.notify_all()


def check_many(
    targets: Iterable[Target],
    *,
    deadline: float,
    delay: float | None = None,
    concurrency: int | None = None,
    check: Callable[[Target], Outcome] = probe,
    last: dict[str, float] | None = None,
) -> Iterator[tuple[Target, Outcome]]:
    """(target, outcome) as each check ends; targets not reached by `deadline` (a monotonic
    time) are left out, to be checked next time. Pass the same `last` to successive calls to
    keep the pause between two requests to a host across them."""
    delay = float(settings.LINKHEALTH_HOST_DELAY if delay is None else delay)
    hosts = HostQueue(targets, delay, {} if last is None else last)
    results: queue.Queue = queue.Queue()

    def worker() -> None:
        try:
            while (target := hosts.take(deadline)) is not None:
                try:
                    results.put((target, check(target)))
                finally:
                    hosts.release(target)
        finally:
            results.put(None)

    threads = max(1, concurrency or int(settings.LINKHEALTH_CONCURRENCY))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in range(threads):
            pool.submit(worker)
        running = threads
        while running:
            item = results.get()
            if item is None:
                running -= 1
            else:
                yield item
