"""A small asyncio load client (aiohttp): readers and signups against a running site.

Each virtual user is a closed loop with its own cookie jar: pick an action by weight, request
it, record status and latency, repeat until the deadline (no think time). A signup is two
requests: GET /subscribe/ (the CSRF cookie and token), then the POST; it counts as *accepted*
only when the POST answers 302 to /subscribe/thanks/ (the "Check your inbox" page), which is
then fetched too. A rate-limited (429) signup is counted apart, never as accepted.
"""

import asyncio
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import aiohttp
from _stack import sql

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
UNAVAILABLE_TEXT = "Briefly unavailable"  # templates/503.html
THANKS_TEXT = "Check your inbox"  # templates/subscribers/subscribe_done.html
QUERIES = [
    "gaza ceasefire",
    "ukraine",
    "election",
    "iran nuclear talks",
    "climate",
    "border migrants",
    "oil market",
    "russia sanctions",
    "court judge",
    "hostages",
    "china taiwan",
    "protest police",
]
# Reader actions and their weights; "signup" is added with the --signup-share weight.
READER_WEIGHTS = {
    "home": 14,
    "day": 14,
    "article": 26,
    "tag": 10,
    "source": 7,
    "author": 5,
    "search": 10,
    "feed": 6,
    "archive": 3,
}


@dataclass
class Catalogue:
    articles: list[str]
    tags: list[str]
    sources: list[str]
    authors: list[str]
    days: list[str]

    @classmethod
    def load(cls, sample: int = 3000) -> "Catalogue":
        def slugs(query: str) -> list[str]:
            return [row[0] for row in sql(query, [sample])]

        published = "status = 'published'"
        return cls(
            articles=slugs(
                f"SELECT slug FROM articles_article WHERE {published} ORDER BY random() LIMIT %s"
            ),
            tags=slugs("SELECT slug FROM taggit_tag ORDER BY random() LIMIT %s"),
            sources=slugs("SELECT slug FROM articles_source ORDER BY random() LIMIT %s"),
            authors=slugs("SELECT slug FROM articles_author ORDER BY random() LIMIT %s"),
            days=[
                f"{d:%Y/%m/%d}"
                for (d,) in sql(
                    f"SELECT date FROM briefing_briefing WHERE {published} "
                    "ORDER BY date DESC LIMIT %s",
                    [sample],
                )
            ],
        )


@dataclass
class Results:
    started: float = field(default_factory=time.monotonic)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)  # (kind, status) -> n
    errors: Counter = field(default_factory=Counter)  # (kind, exception name) -> n
    accepted: list[str] = field(default_factory=list)  # signups answered "check your inbox"
    thanks_shown: int = 0
    refused: Counter = field(default_factory=Counter)  # signup POST status -> n (not 302)
    rate_limited: int = 0
    unavailable_pages: int = 0  # 503s that were the site's own "Briefly unavailable" page
    timeline: list[tuple[float, str, int]] = field(default_factory=list)  # (t, kind, status)

    def record(self, kind: str, status: int, seconds: float, body: str = "") -> None:
        self.latencies[kind].append(seconds * 1000)
        self.statuses[(kind, status)] += 1
        self.timeline.append((time.monotonic() - self.started, kind, status))
        if status == 503 and UNAVAILABLE_TEXT in body:
            self.unavailable_pages += 1

    def error(self, kind: str, exc: BaseException) -> None:
        self.errors[(kind, type(exc).__name__)] += 1
        self.timeline.append((time.monotonic() - self.started, kind, 0))


class User:
    def __init__(self, number, base_url, catalogue, results, weights, run_id):
        self.number, self.base_url, self.cat, self.results = number, base_url, catalogue, results
        self.kinds, self.weights = list(weights), list(weights.values())
        self.run_id, self.signups, self.rng = run_id, 0, random.Random(number)

    def path(self, kind: str) -> str:
        pick = self.rng.choice
        return {
            "home": lambda: "/",
            "day": lambda: f"/briefings/{pick(self.cat.days)}/",
            "article": lambda: f"/articles/{pick(self.cat.articles)}/",
            "tag": lambda: f"/tags/{pick(self.cat.tags)}/",
            "source": lambda: f"/sources/{pick(self.cat.sources)}/",
            "author": lambda: f"/authors/{pick(self.cat.authors)}/",
            "search": lambda: f"/search/?q={pick(QUERIES).replace(' ', '+')}",
            "feed": lambda: pick(
                [
                    "/feeds/articles/rss/",
                    "/briefings/feed/rss/",
                    f"/feeds/tags/{pick(self.cat.tags)}/rss/",
                ]
            ),
            "archive": lambda: pick(["/briefings/", "/articles/?page=2"]),
        }[kind]()

    async def get(self, session, kind: str, path: str) -> tuple[int, str] | None:
        began = time.monotonic()
        try:
            async with session.get(self.base_url + path, allow_redirects=False) as response:
                body = await response.text(errors="replace")
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.results.error(kind, exc)
            return None
        self.results.record(kind, response.status, time.monotonic() - began, body)
        return response.status, body

    async def signup(self, session) -> None:
        got = await self.get(session, "signup-form", "/subscribe/")
        if got is None or got[0] != 200 or not (match := TOKEN.search(got[1])):
            return
        self.signups += 1
        email = f"load-{self.run_id}-{self.number}-{self.signups}@example.org"
        data = {
            "csrfmiddlewaretoken": match.group(1),
            "email": email,
            "name": "Load Test",
            "website": "",
        }
        headers = {"Referer": self.base_url + "/subscribe/"}
        began = time.monotonic()
        try:
            async with session.post(
                self.base_url + "/subscribe/", data=data, headers=headers, allow_redirects=False
            ) as response:
                body = await response.text(errors="replace")
        except (aiohttp.ClientError, TimeoutError) as exc:
            self.results.error("signup", exc)
            return
        self.results.record("signup", response.status, time.monotonic() - began, body)
        location = response.headers.get("Location", "")
        if response.status == 302 and location.endswith("/subscribe/thanks/"):
            self.results.accepted.append(email)
            thanks = await self.get(session, "signup-thanks", "/subscribe/thanks/")
            if thanks and THANKS_TEXT in thanks[1]:
                self.results.thanks_shown += 1
        elif response.status == 429:
            self.results.rate_limited += 1
        else:
            self.results.refused[response.status] += 1

    async def run(self, deadline: float, timeout: float) -> None:
        jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1 (an IP address)
        connector = aiohttp.TCPConnector(limit=1)
        client_timeout = aiohttp.ClientTimeout(total=timeout)
        async with aiohttp.ClientSession(
            cookie_jar=jar, connector=connector, timeout=client_timeout
        ) as session:
            while time.monotonic() < deadline:
                kind = self.rng.choices(self.kinds, self.weights)[0]
                if kind == "signup":
                    await self.signup(session)
                else:
                    await self.get(session, kind, self.path(kind))


async def drive(
    *,
    base_url: str,
    catalogue: Catalogue,
    users: int,
    seconds: float,
    signup_share: float,
    run_id: str,
    results: Results | None = None,
    timeout: float = 30,
) -> Results:
    """Run `users` closed-loop users for `seconds`; signup_share is signups' share of actions."""
    results = results or Results()
    weights = dict(READER_WEIGHTS)
    if signup_share > 0:
        weights["signup"] = sum(READER_WEIGHTS.values()) * signup_share / (1 - signup_share)
    deadline = time.monotonic() + seconds
    crowd = [User(n, base_url, catalogue, results, weights, run_id) for n in range(users)]
    await asyncio.wait_for(
        asyncio.gather(*(user.run(deadline, timeout) for user in crowd)),
        timeout=seconds + timeout + 30,
    )
    return results


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def summary(results: Results, seconds: float) -> dict:
    everything = [ms for kind in results.latencies.values() for ms in kind]
    by_status = Counter()
    for (_, status), n in results.statuses.items():
        by_status[status] += n
    return {
        "requests": len(everything),
        "rps": len(everything) / seconds,
        "p50": percentile(everything, 0.50),
        "p95": percentile(everything, 0.95),
        "p99": percentile(everything, 0.99),
        "by_status": dict(sorted(by_status.items())),
        "server_errors": sum(n for status, n in by_status.items() if status >= 500),
        "client_errors": sum(results.errors.values()),
    }


def print_summary(results: Results, seconds: float) -> dict:
    figures = summary(results, seconds)
    print(f"requests: {figures['requests']} in {seconds:.0f} s = {figures['rps']:.1f} requests/s")
    print(
        f"latency (all requests): p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms, "
        f"p99 {figures['p99']:.0f} ms"
    )
    print(f"{'kind':<14}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  statuses")
    for kind in sorted(results.latencies):
        values = results.latencies[kind]
        statuses = {s: n for (k, s), n in sorted(results.statuses.items()) if k == kind}
        print(
            f"{kind:<14}{len(values):>7}{percentile(values, 0.5):>9.0f}"
            f"{percentile(values, 0.95):>9.0f}{percentile(values, 0.99):>9.0f}  {statuses}"
        )
    print(f"responses by status: {figures['by_status']}")
    print(f"server errors (5xx): {figures['server_errors']}")
    errors = {f"{k}:{e}": n for (k, e), n in sorted(results.errors.items())}
    print(f"connection errors/timeouts: {figures['client_errors']} {errors or ''}")
    return figures


def lost_signups(results: Results) -> tuple[int, int, list[str]]:
    """(accepted, found in the database, the accepted addresses with no subscriber row)."""
    accepted = {email.lower() for email in results.accepted}
    found = {
        row[0]
        for row in sql(
            "SELECT lower(email) FROM subscribers_subscriber WHERE lower(email) = ANY(%s)",
            [list(accepted)],
        )
    }
    return len(accepted), len(found), sorted(accepted - found)
