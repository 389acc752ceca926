"""Polling the sources' feeds: conditional GET (ETag / Last-Modified), one connection per host
at a time (hosts in parallel), backoff on errors, Retry-After on 429 and 503, and a feed that
has failed for days stopped with its reason shown to editors.

The network work (fetch and parse) runs in threads; the database work runs in the caller's
thread, so each poll round is a few queries whatever the number of feeds."""

import calendar
import datetime
import email.utils
import json
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import feedparser
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from articles.normalize import normalize_url
from core import metrics
from intake.fetch import FetchError, fetch
from intake.models import Feed, FeedItem

FEED_TYPES = (
    "application/rss+xml,application/atom+xml,application/feed+json,application/json,"
    "application/xml,text/xml"
)
# A claimed feed is not claimed again by another worker for this long.
LEASE = datetime.timedelta(minutes=10)


def interval() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "INTAKE_FEED_INTERVAL", 1800)))


def max_backoff() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "INTAKE_FEED_MAX_BACKOFF", 86400)))


def give_up_after() -> datetime.timedelta:
    return datetime.timedelta(days=float(getattr(settings, "INTAKE_FEED_GIVE_UP_DAYS", 3)))


@dataclass
class Outcome:
    feed_id: int
    status: int = 0  # HTTP status, 0 when no answer
    etag: str = ""
    last_modified: str = ""
    title: str = ""
    entries: list[dict] = field(default_factory=list)
    error: str = ""
    retry_after: float | None = None
    received: int = 0  # bytes of body

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _retry_after(value: str | None, now: datetime.datetime) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds())


def _when(parsed_time) -> datetime.datetime | None:
    if not parsed_time:
        return None
    return datetime.datetime.fromtimestamp(calendar.timegm(parsed_time), tz=datetime.UTC)


def _iso(value: str | None) -> datetime.datetime | None:
    try:
        when = datetime.datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=datetime.UTC)


def parse(body: bytes, content_type: str) -> tuple[str, list[dict]]:
    """(feed title, entries) of an RSS, Atom or JSON Feed document; ValueError if it is none."""
    if "json" in content_type or body.lstrip()[:1] == b"{":
        try:
            document = json.loads(body)
        except ValueError as error:
            raise ValueError("not valid JSON") from error
        if not isinstance(document, dict) or "jsonfeed.org" not in str(document.get("version")):
            raise ValueError("JSON, but not a JSON Feed")
        entries = [
            {
                "guid": str(item.get("id") or item.get("url") or ""),
                "url": item.get("url") or item.get("external_url") or "",
                "title": item.get("title") or "",
                "summary": item.get("summary")
                or item.get("content_text")
                or strip_tags(item.get("content_html") or ""),
                "published": _iso(item.get("date_published") or item.get("date_modified")),
            }
            for item in document.get("items") or []
            if isinstance(item, dict)
        ]
        return str(document.get("title") or ""), entries
    parsed = feedparser.parse(body, response_headers={"content-type": content_type})
    if not parsed.version and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS or Atom element"
        raise ValueError(str(reason)[:200])
    entries = [
        {
            "guid": entry.get("id") or entry.get("link") or "",
            "url": entry.get("link") or "",
            "title": entry.get("title") or "",
            "summary": strip_tags(entry.get("summary") or ""),
            "published": _when(entry.get("published_parsed") or entry.get("updated_parsed")),
        }
        for entry in parsed.entries
    ]
    return parsed.feed.get("title", ""), entries


def poll_one(feed: Feed, now: datetime.datetime) -> Outcome:
    """Fetch and parse one feed (no database access: this runs in a worker thread)."""
    outcome = Outcome(feed_id=feed.pk)
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        page = fetch(feed.url, headers=headers, accept=FEED_TYPES)
    except FetchError as error:
        outcome.error = str(error)
        return outcome
    outcome.status, outcome.received = page.status, len(page.body)
    if page.status == 304:
        outcome.etag, outcome.last_modified = feed.etag, feed.last_modified
        return outcome
    if page.status in (429, 503):
        outcome.retry_after = _retry_after(page.headers.get("retry-after"), now)
        wait = f"; asked to wait {outcome.retry_after:.0f} s" if outcome.retry_after else ""
        outcome.error = f"The site is busy (HTTP {page.status}{wait})."
        return outcome
    if page.status >= 400:
        outcome.error = f"The feed answered HTTP {page.status}."
        return outcome
    try:
        outcome.title, outcome.entries = parse(page.body, page.headers.get("content-type", ""))
    except ValueError as error:
        outcome.error = f"Not a valid RSS, Atom or JSON Feed ({error})."
        return outcome
    outcome.etag = page.headers.get("etag", "")[:500]
    outcome.last_modified = page.headers.get("last-modified", "")[:100]
    return outcome


def _by_host(feeds: list[Feed]) -> list[list[Feed]]:
    hosts = defaultdict(list)
    for feed in feeds:
        hosts[(urlsplit(feed.url).hostname or "").lower()].append(feed)
    return list(hosts.values())


def _claim(now: datetime.datetime, limit: int) -> list[Feed]:
    """The due feeds, leased to this round (another worker skips them)."""
    with transaction.atomic():
        feeds = list(
            Feed.objects.due(now)
            .order_by("next_poll_at")
            .select_for_update(skip_locked=True)
            .only("url", "etag", "last_modified")[:limit]
        )
        Feed.objects.filter(pk__in=[f.pk for f in feeds]).update(next_poll_at=now + LEASE)
    return feeds


def feeds_poll(*, now: datetime.datetime | None = None, limit: int = 5000) -> dict:
    """Poll every due feed once; returns counts of what happened."""
    now = now or timezone.now()
    feeds = _claim(now, limit)
    workers = max(1, int(getattr(settings, "INTAKE_FEED_CONCURRENCY", 8)))

    def poll_host(group: list[Feed]) -> list[Outcome]:
        return [poll_one(feed, now) for feed in group]  # one connection per host at a time

    with ThreadPoolExecutor(workers) as pool:
        outcomes = [o for group in pool.map(poll_host, _by_host(feeds)) for o in group]
    return _record(outcomes, now)


def _record(outcomes: list[Outcome], now: datetime.datetime) -> dict:
    counts = {"feeds": len(outcomes), "new_items": 0, "not_modified": 0, "errors": 0,
              "stopped": 0, "bytes": sum(o.received for o in outcomes)}  # fmt: skip
    feeds = Feed.objects.in_bulk([o.feed_id for o in outcomes])
    items = []
    for outcome in outcomes:
        feed = feeds[outcome.feed_id]
        feed.last_polled_at = now
        if outcome.error:
            counts["errors"] += 1
            _failed(feed, outcome, now)
            counts["stopped"] += feed.status == Feed.Status.STOPPED
            continue
        counts["not_modified"] += outcome.not_modified
        feed.etag, feed.last_modified = outcome.etag, outcome.last_modified
        feed.title = (outcome.title or feed.title)[:300]
        feed.failures, feed.failing_since, feed.last_error = 0, None, ""
        feed.last_success_at, feed.next_poll_at = now, now + interval()
        items += [_item(feed, entry, now) for entry in outcome.entries if _web(entry["url"])]
    fields = [
        "last_polled_at", "etag", "last_modified", "title", "failures", "failing_since",
        "last_error", "last_success_at", "next_poll_at", "status", "status_reason",
    ]  # fmt: skip
    written = timezone.now()
    with transaction.atomic():
        Feed.objects.bulk_update(feeds.values(), fields, batch_size=500)
        # Entries already in the inbox (or dismissed from it) are left as they are.
        FeedItem.objects.bulk_create(items, ignore_conflicts=True, batch_size=500)
    if items:
        counts["new_items"] = FeedItem.objects.filter(fetched_at__gte=written).count()
    read = counts["feeds"] - counts["errors"] - counts["not_modified"]
    for result, amount in (("read", read), ("not_modified", counts["not_modified"]),
                           ("failed", counts["errors"])):  # fmt: skip
        if amount:
            metrics.count(metrics.FEED_POLLS, result, amount=amount)
    return counts


def _failed(feed: Feed, outcome: Outcome, now: datetime.datetime) -> None:
    feed.failures += 1
    feed.failing_since = feed.failing_since or now
    feed.last_error = outcome.error[:500]
    backoff = min(interval() * 2 ** min(feed.failures - 1, 16), max_backoff())
    if outcome.retry_after is not None:
        backoff = max(datetime.timedelta(seconds=outcome.retry_after), interval())
    feed.next_poll_at = now + backoff
    if now - feed.failing_since >= give_up_after():
        feed.status = Feed.Status.STOPPED
        feed.status_reason = (
            f"Stopped on {now:%Y-%m-%d}: failing since {feed.failing_since:%Y-%m-%d %H:%M} "
            f"UTC ({feed.failures} attempts). Last error: {feed.last_error}"
        )[:500]


def _web(url: str) -> bool:
    """Only http(s) links reach the inbox (a feed could carry `javascript:` links)."""
    return urlsplit(url or "").scheme in ("http", "https") and len(url) <= 2000


def _item(feed: Feed, entry: dict, now: datetime.datetime) -> FeedItem:
    return FeedItem(
        feed=feed,
        guid=(entry["guid"] or entry["url"])[:1000],
        url=entry["url"][:2000],
        url_key=normalize_url(entry["url"])[:2000],
        title=(entry["title"] or entry["url"])[:500],
        summary=" ".join((entry["summary"] or "").split())[:5000],
        published_at=entry["published"] or now,
    )
