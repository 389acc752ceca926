"""The sources' feeds: polled politely on a real loopback server, and failing feeds handled."""

import datetime
import threading
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from intake.models import Feed, FeedItem
from intake.polling import feeds_poll
from tests.factories import SourceFactory
from tests.intake.conftest import Answer

pytestmark = pytest.mark.django_db
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Ledger news</title>
<item><title>Sea wall vote</title><link>{base}/sea-wall</link><guid>sea-wall</guid>
<description>&lt;p&gt;The council voted.&lt;/p&gt;</description>
<pubDate>Thu, 14 Mar 2024 08:30:00 GMT</pubDate></item>
<item><title>Ferry timetable</title><link>{base}/ferry</link><guid>ferry</guid>
<pubDate>Wed, 13 Mar 2024 08:30:00 GMT</pubDate></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom news</title><id>urn:x</id><updated>2024-03-14T10:00:00Z</updated>
<entry><title>Lifeboat crew honoured</title><link href="{base}/lifeboat"/><id>urn:lifeboat</id>
<updated>2024-03-14T10:00:00Z</updated><summary>Medals.</summary></entry></feed>"""
JSON_FEED = """{{"version": "https://jsonfeed.org/version/1.1", "title": "JSON news",
"items": [{{"id": "j1", "url": "{base}/harbour", "title": "Harbour reopens",
"content_text": "Boats are back.", "date_published": "2024-03-15T07:00:00Z"}}]}}"""


def feed(url, **fields) -> Feed:
    return Feed.objects.create(source=SourceFactory(), url=url, **fields)


def serve(web, path, text, content_type="application/rss+xml", **headers):
    web.routes[path] = Answer(
        body=text.format(base=web.url("")).encode(),
        headers={"Content-Type": content_type, **headers},
    )
    return web.url(path)


def test_rss_atom_and_json_feeds_fill_the_inbox(web):
    for path, text, kind in [
        ("/rss", RSS, "application/rss+xml"),
        ("/atom", ATOM, "application/atom+xml"),
        ("/feed.json", JSON_FEED, "application/feed+json"),
    ]:
        feed(serve(web, path, text, kind))
    counts = feeds_poll()
    assert counts["new_items"] == 4 and counts["errors"] == 0
    titles = list(FeedItem.objects.inbox().values_list("title", flat=True))
    assert titles == ["Harbour reopens", "Lifeboat crew honoured", "Sea wall vote",
                      "Ferry timetable"]  # fmt: skip
    assert FeedItem.objects.get(guid="sea-wall").summary == "The council voted."
    assert Feed.objects.get(url=web.url("/rss")).title == "Ledger news"


def test_the_second_poll_is_a_conditional_get_answered_304(web):
    def conditional(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            return Answer(304, b"", headers={"ETag": '"v1"'})
        return Answer(body=RSS.format(base=web.url("")).encode(),
                       headers={"Content-Type": "application/rss+xml", "ETag": '"v1"',
                                "Last-Modified": "Thu, 14 Mar 2024 09:00:00 GMT"})  # fmt: skip

    web.routes["/rss"] = conditional
    subject = feed(web.url("/rss"))
    feeds_poll()
    Feed.objects.update(next_poll_at=timezone.now())
    counts = feeds_poll()
    assert counts == {**counts, "not_modified": 1, "new_items": 0, "errors": 0}
    _path, headers = web.requests[-1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Thu, 14 Mar 2024 09:00:00 GMT"
    subject.refresh_from_db()
    assert subject.failures == 0 and FeedItem.objects.count() == 2


def test_429_with_retry_after_is_respected(web, settings):
    settings.INTAKE_FEED_INTERVAL = 60
    web.routes["/busy"] = Answer(429, b"slow down", headers={"Retry-After": "7200"})
    subject = feed(web.url("/busy"))
    before = timezone.now()
    feeds_poll()
    subject.refresh_from_db()
    assert subject.next_poll_at >= before + datetime.timedelta(seconds=7200)
    assert "busy (HTTP 429; asked to wait 7200 s)" in subject.last_error
    assert feeds_poll()["feeds"] == 0  # not polled again before then


def test_503_with_a_retry_after_date_is_respected(web, settings):
    settings.INTAKE_FEED_INTERVAL = 60
    later = timezone.now() + datetime.timedelta(hours=3)
    web.routes["/down"] = Answer(
        503, b"", headers={"Retry-After": later.strftime("%a, %d %b %Y %H:%M:%S GMT")}
    )
    subject = feed(web.url("/down"))
    feeds_poll()
    subject.refresh_from_db()
    assert subject.next_poll_at >= later - datetime.timedelta(seconds=2)


def test_errors_back_off_and_a_feed_failing_for_days_is_stopped_with_its_reason(web, settings):
    settings.INTAKE_FEED_INTERVAL = 600
    settings.INTAKE_FEED_GIVE_UP_DAYS = 3
    url = serve(web, "/rss", RSS)
    subject = feed(url)
    feeds_poll()
    web.routes["/rss"] = Answer(200, b"<html><body>We moved!</body></html>")  # turns invalid
    now = timezone.now()
    delays = []
    for hours in (1, 2, 3):
        Feed.objects.update(next_poll_at=now)
        feeds_poll(now=now + datetime.timedelta(hours=hours))
        subject.refresh_from_db()
        delays.append(subject.next_poll_at - (now + datetime.timedelta(hours=hours)))
    assert delays == [datetime.timedelta(seconds=600 * 2**n) for n in range(3)]
    assert "Not a valid RSS, Atom or JSON Feed" in subject.last_error
    assert subject.status == Feed.Status.ACTIVE
    Feed.objects.update(next_poll_at=now)
    feeds_poll(now=now + datetime.timedelta(days=3, hours=1))
    subject.refresh_from_db()
    assert subject.status == Feed.Status.STOPPED
    assert "failing since" in subject.status_reason
    assert "Not a valid RSS" in subject.status_reason
    assert FeedItem.objects.count() == 2  # what it had brought stays


def test_a_slow_feed_times_out_and_the_others_are_still_polled(web, settings):
    settings.INTAKE_TIMEOUT = 0.3
    web.routes["/slow"] = Answer(delay=2, body=b"")
    slow = feed(web.url("/slow"))
    feed(serve(web, "/rss", RSS))
    counts = feeds_poll()
    assert counts["errors"] == 1 and counts["new_items"] == 2
    slow.refresh_from_db()
    assert "took longer than 0.3 seconds" in slow.last_error


def test_a_feed_redirecting_to_an_internal_address_is_refused(web):
    web.routes["/moved"] = Answer(301, headers={"Location": "http://169.254.169.254/feed"})
    subject = feed(web.url("/moved"))
    feeds_poll()
    subject.refresh_from_db()
    assert "internal address" in subject.last_error


def test_one_connection_per_host_at_a_time(web, settings):
    settings.INTAKE_FEED_CONCURRENCY = 8
    busy, most, lock = [0], [0], threading.Lock()

    def counted(handler):
        with lock:
            busy[0] += 1
            most[0] = max(most[0], busy[0])
        time.sleep(0.05)
        with lock:
            busy[0] -= 1
        return Answer(body=RSS.format(base=web.url(handler.path)).encode(),
                      headers={"Content-Type": "application/rss+xml"})  # fmt: skip

    for n in range(6):
        web.routes[f"/feed{n}"] = counted
        feed(web.url(f"/feed{n}"))
    assert feeds_poll()["feeds"] == 6
    assert most[0] == 1


def test_the_command_polls_once_and_says_what_happened(web, capsys):
    feed(serve(web, "/rss", RSS))
    call_command("poll_feeds")
    assert "1 feed(s) polled: 2 new item(s), 0 not modified, 0 error(s)" in capsys.readouterr().out


def test_the_worker_polls_on_a_schedule_as_one_chain_of_rounds(web, run_tasks):
    from django_tasks_db.models import DBTaskResult

    feed(serve(web, "/rss", RSS))
    call_command("poll_feeds", "--schedule")
    call_command("poll_feeds", "--schedule")  # a second start does not double the rounds
    assert DBTaskResult.objects.filter(task_path="intake.tasks.poll_feeds").count() == 1
    DBTaskResult.objects.update(run_after=timezone.now())
    assert run_tasks() == 1
    assert FeedItem.objects.count() == 2
    following = DBTaskResult.objects.get(status="READY")
    assert following.run_after > timezone.now()


def test_items_whose_links_are_not_web_addresses_are_left_out(web):
    hostile = RSS.replace("<link>{base}/ferry</link>", "<link>javascript:alert(1)</link>")
    feed(serve(web, "/rss", hostile))
    feeds_poll()
    assert list(FeedItem.objects.values_list("title", flat=True)) == ["Sea wall vote"]
