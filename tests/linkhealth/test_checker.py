"""The link checker against real pages on loopback: each state an original can be in, the
days between two verdicts, HEAD before GET, one request at a time per host, the time budget,
and the whole archive within the period."""

import datetime
import threading
import time

import pytest
from django.utils import timezone

from linkhealth.models import ArticleLink
from linkhealth.services import links_check
from tests.factories import ArticleFactory
from tests.linkhealth.conftest import (
    PAYWALLED,
    REWRITTEN,
    Answer,
    article_page,
    captured_article,
    days_pass,
)

pytestmark = pytest.mark.django_db
Status = ArticleLink.Status


def link_of(article) -> ArticleLink:
    return ArticleLink.objects.get(article=article)


def test_a_page_that_still_says_what_was_captured_is_ok_after_a_head_and_a_get(web):
    article = captured_article(web)

    counts = links_check()

    link = link_of(article)
    assert counts["checked"] == 1 and link.status == Status.OK
    assert link.similarity > 0.9 and link.http_status == 200
    assert web.methods == [("HEAD", "/story"), ("GET", "/story")]
    assert link.next_check_at > timezone.now() + datetime.timedelta(days=6)


@pytest.mark.parametrize("code", [404, 410])
def test_a_missing_page_is_gone_only_when_a_second_check_days_later_agrees(web, code):
    article = captured_article(web)
    web.routes["/story"] = Answer(code, b"<h1>Not here</h1>")

    links_check()
    first = link_of(article)
    assert first.status == Status.FAILING and "counts as gone" in first.detail
    assert first.next_check_at < timezone.now() + datetime.timedelta(days=3)

    links_check()  # the same day: not due yet, and nothing changes
    assert link_of(article).status == Status.FAILING

    days_pass(article, 2)
    links_check()
    assert link_of(article).status == Status.GONE


def test_a_server_error_is_failing_retried_the_next_day_and_ok_once_the_page_recovers(web):
    article = captured_article(web)
    web.routes["/story"] = Answer(500, b"oops")
    links_check()
    link = link_of(article)
    assert link.status == Status.FAILING and link.http_status == 500
    assert link.next_check_at < timezone.now() + datetime.timedelta(days=1, minutes=1)

    web.page("/story")  # back
    days_pass(article, 1)
    links_check()
    link = link_of(article)
    assert link.status == Status.OK and link.failing_since is None


def test_a_page_that_keeps_failing_for_weeks_is_gone(web, settings):
    article = captured_article(web)
    web.routes["/story"] = Answer(503, b"down")
    links_check()
    days_pass(article, settings.LINKHEALTH_FAILING_GONE_DAYS)
    links_check()
    assert link_of(article).status == Status.GONE


def test_a_permanent_redirect_is_moved_and_the_new_address_kept(web):
    article = captured_article(web, "/old")
    web.page("/new")
    web.routes["/old"] = Answer(301, headers={"Location": "/new"})

    links_check()

    link = link_of(article)
    assert link.status == Status.MOVED and link.final_url == web.url("/new")


def test_a_temporary_redirect_is_not_a_move(web):
    article = captured_article(web, "/today")
    web.page("/elsewhere")
    web.routes["/today"] = Answer(302, headers={"Location": "/elsewhere"})
    links_check()
    link = link_of(article)
    assert link.status == Status.OK and link.final_url == ""


@pytest.mark.parametrize("body", [REWRITTEN, b"<p>" + b"Completely different words here. " * 50])
def test_a_page_whose_text_no_longer_matches_the_snapshot_is_changed(web, body):
    article = captured_article(web)
    web.routes["/story"] = Answer(200, body)  # a "soft 404", or a rewritten article
    links_check()
    link = link_of(article)
    assert link.status == Status.CHANGED and link.similarity < 0.1


def test_a_hand_made_article_is_compared_with_its_excerpt(web):
    article = ArticleFactory(
        original_url=web.page("/story"),
        excerpt="<p>The council voted on Tuesday to spend four million pounds on a new wall.</p>",
    )
    web.page("/story", b"<p>Big news. The council voted on Tuesday to spend four million "
             b"pounds on a new wall. More later.</p>")  # fmt: skip
    links_check()
    assert link_of(article).status == Status.OK
    web.routes["/story"] = Answer(200, REWRITTEN)
    days_pass(article, 7)
    links_check()
    assert link_of(article).status == Status.CHANGED


def test_a_page_that_times_out_is_failing(web):
    article = captured_article(web)
    web.routes["/story"] = Answer(200, article_page(), delay=2.5)  # the timeout is 1 s
    links_check()
    link = link_of(article)
    assert link.status == Status.FAILING and "took longer than" in link.detail


@pytest.mark.parametrize(
    "answer",
    [Answer(403, b"Forbidden"), Answer(401, b"Log in"), Answer(451, b""), Answer(200, PAYWALLED)],
)
def test_a_paywalled_or_refused_page_is_blocked(web, answer):
    article = captured_article(web)
    web.routes["/story"] = answer
    links_check()
    assert link_of(article).status == Status.BLOCKED


def test_an_unchanged_etag_spares_the_get(web):
    article = captured_article(web)
    web.page("/story", headers={"Content-Type": "text/html", "ETag": '"v1"'})
    links_check()
    days_pass(article, 7)
    web.methods.clear()
    links_check()
    assert web.methods == [("HEAD", "/story")]
    assert link_of(article).status == Status.OK


def test_a_host_gets_one_request_at_a_time_however_many_threads_run(web, settings):
    settings.LINKHEALTH_CONCURRENCY = 4
    busy, most = [0], [0]
    lock = threading.Lock()

    def slow(handler):
        with lock:
            busy[0] += 1
            most[0] = max(most[0], busy[0])
        time.sleep(0.05)
        with lock:
            busy[0] -= 1
        return Answer(200, article_page())

    for number in range(6):
        captured_article(web, f"/s{number}")
        web.routes[f"/s{number}"] = slow
    counts = links_check()
    assert counts["checked"] == 6 and counts["ok"] == 6
    assert most[0] == 1


def test_a_round_stops_at_its_time_budget_and_what_it_did_not_reach_stays_due(web, settings):
    settings.LINKHEALTH_CONCURRENCY = 1
    articles = [captured_article(web, f"/p{n}") for n in range(4)]
    for n in range(4):
        web.routes[f"/p{n}"] = Answer(200, article_page(), delay=0.3)

    counts = links_check(seconds=0.5)

    assert 0 < counts["checked"] < 4
    due = ArticleLink.objects.due(timezone.now()).count()
    assert due == 4 - counts["checked"]
    links_check(seconds=30)  # the next round resumes
    assert not ArticleLink.objects.filter(article__in=articles, status=Status.UNCHECKED).exists()


def test_the_whole_archive_is_checked_within_the_period_whatever_its_size(web, settings):
    settings.LINKHEALTH_TICK = 300
    settings.LINKHEALTH_PERIOD_DAYS = 5 * 300 / 86400  # five rounds
    for number in range(60):
        captured_article(web, f"/a{number}")

    for _round in range(5):
        links_check()

    assert ArticleLink.objects.filter(status=Status.OK).count() == 60
