"""The Internet Archive's Wayback Machine: Save Page Now 2 (submit a capture, read its status)
and the availability API (the capture closest to a date). The endpoints come from settings,
never from an editor, so they are not put through the intake's SSRF guard.

SPN2: POST {WAYBACK_SAVE_URL} url=…, with `Authorization: LOW key:secret` and
`Accept: application/json`, answers {"url", "job_id"}; GET {WAYBACK_SAVE_URL}/status/{job_id}
answers {"status": "pending" | "success" | "error", "timestamp", "original_url", "message"}.
Too many requests: 429, with Retry-After. Availability: GET {WAYBACK_AVAILABILITY_URL}?url=…
&timestamp=YYYYMMDD answers {"archived_snapshots": {"closest": {"url", "timestamp", …}}}.
"""

import datetime
import json
from dataclasses import dataclass
from urllib.parse import quote

import urllib3
from django.conf import settings

from intake.fetch import user_agent

TIMEOUT = urllib3.Timeout(connect=10, read=30)
_pool = urllib3.PoolManager(retries=False, timeout=TIMEOUT)


class WaybackError(Exception):
    """The archive refused or failed; `retry_after` (seconds) when it said when to come back."""

    def __init__(self, message: str, *, retry_after: float | None = None, final: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.final = final  # the archive will never capture this page (e.g. it is blocked)


@dataclass
class Capture:
    url: str
    captured_at: datetime.datetime


def _headers() -> dict:
    headers = {"Accept": "application/json", "User-Agent": user_agent()}
    if settings.WAYBACK_ACCESS_KEY:
        headers["Authorization"] = (
            f"LOW {settings.WAYBACK_ACCESS_KEY}:{settings.WAYBACK_SECRET_KEY}"
        )
    return headers


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _json(method: str, url: str, **kwargs) -> dict:
    try:
        response = _pool.request(method, url, headers=_headers(), **kwargs)
    except urllib3.exceptions.HTTPError as error:
        raise WaybackError(f"The Wayback Machine could not be reached ({error})") from error
    if response.status == 429:
        raise WaybackError(
            "The Wayback Machine asks us to slow down (429).",
            retry_after=_retry_after(response.headers.get("Retry-After")) or 60.0,
        )
    if response.status >= 400:
        raise WaybackError(f"The Wayback Machine answered {response.status}.")
    try:
        return json.loads(response.data or b"{}")
    except ValueError as error:
        raise WaybackError("The Wayback Machine's answer was not JSON.") from error


def timestamp_time(stamp: str) -> datetime.datetime:
    return datetime.datetime.strptime(stamp[:14], "%Y%m%d%H%M%S").replace(tzinfo=datetime.UTC)


def snapshot_url(stamp: str, original: str) -> str:
    return f"{settings.WAYBACK_SNAPSHOT_BASE}{stamp}/{original}"


def save(url: str) -> str:
    """Ask for a capture of `url`; the job's id. A capture made in the last day is reused by
    the archive itself (`if_not_archived_within`), so a repeated submission costs nothing."""
    answer = _json(
        "POST",
        settings.WAYBACK_SAVE_URL,
        fields={"url": url, "if_not_archived_within": "1d", "skip_first_archive": "1"},
        encode_multipart=False,
    )
    if not answer.get("job_id"):
        message = answer.get("message") or answer.get("status_ext") or "no job id"
        raise WaybackError(f"The Wayback Machine did not take the page: {message}")
    return answer["job_id"]


def status(job_id: str) -> Capture | None:
    """The capture once it is done, None while pending; WaybackError when it failed."""
    answer = _json("GET", f"{settings.WAYBACK_SAVE_URL.rstrip('/')}/status/{quote(job_id)}")
    state = answer.get("status")
    if state == "pending":
        return None
    if state == "success" and answer.get("timestamp"):
        stamp = answer["timestamp"]
        return Capture(snapshot_url(stamp, answer.get("original_url", "")), timestamp_time(stamp))
    message = answer.get("message") or answer.get("status_ext") or f"status {state!r}"
    final = str(answer.get("status_ext", "")).startswith(("error:blocked", "error:not-found"))
    raise WaybackError(f"The capture failed: {message}", final=final)


def closest(url: str, near: datetime.date | None) -> Capture | None:
    """The archive's capture of `url` closest to `near` (the day we captured it), if any."""
    fields = {"url": url}
    if near:
        fields["timestamp"] = near.strftime("%Y%m%d")
    answer = _json("GET", settings.WAYBACK_AVAILABILITY_URL, fields=fields)
    closest = (answer.get("archived_snapshots") or {}).get("closest") or {}
    if not closest.get("available") or not closest.get("url") or not closest.get("timestamp"):
        return None
    return Capture(closest["url"], timestamp_time(closest["timestamp"]))
