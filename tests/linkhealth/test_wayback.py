"""Archiving at capture: Save Page Now 2 on a loopback Wayback Machine (submit, status, 429
with Retry-After), one submission at a time at the published rate, idempotent, backed off;
and the availability API when an original dies with no copy stored."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from linkhealth import tasks
from linkhealth.models import ArticleLink
from linkhealth.services import archive_interval, archive_step, links_check
from tests.factories import ArticleFactory
from tests.linkhealth.conftest import CAPTURED, Answer, captured_article

pytestmark = pytest.mark.django_db
Archive = ArticleLink.Archive


@pytest.fixture
def submitting(settings, wayback):
    settings.WAYBACK_SUBMIT = True
    return wayback


def make_due(article) -> ArticleLink:
    ArticleLink.objects.filter(article=article).update(archive_next_at=timezone.now())
    return ArticleLink.objects.get(article=article)


def test_a_new_article_is_submitted_and_its_snapshot_url_stored(submitting):
    article = ArticleFactory(original_url="https://news.example.org/harbour")

    archive_step()  # submit
    assert submitting.submitted == [
        {
            "url": "https://news.example.org/harbour",
            "if_not_archived_within": "1d",
            "skip_first_archive": "1",
            "auth": "LOW access:secret",
        }
    ]
    assert make_due(article).archive_status == Archive.SUBMITTED
    archive_step()  # status: still pending
    assert make_due(article).archive_status == Archive.SUBMITTED
    archive_step()  # status: success

    link = ArticleLink.objects.get(article=article)
    assert link.archive_status == Archive.SAVED
    assert (
        link.archive_url
        == f"https://web.archive.org/web/{CAPTURED}/https://news.example.org/harbour"
    )
    assert link.archive_captured_at == datetime.datetime(2023, 4, 12, 9, 30, tzinfo=datetime.UTC)


def test_an_archived_article_is_never_submitted_again(submitting):
    article = ArticleFactory()
    for _ in range(3):
        archive_step()
        make_due(article)
    assert ArticleLink.objects.get(article=article).archive_status == Archive.SAVED
    archive_step()
    archive_step()
    assert len(submitting.submitted) == 1
    assert ArticleLink.objects.count() == 1


def test_a_429_makes_the_queue_wait_as_long_as_retry_after_says(submitting, run_tasks):
    submitting.throttle, submitting.retry_after = 1, "120"
    article = ArticleFactory()

    tasks.archive_links.enqueue()
    run_tasks()

    link = ArticleLink.objects.get(article=article)
    assert link.archive_status == Archive.PENDING and "429" in link.archive_error
    waiting = DBTaskResult.objects.get(task_path=tasks.ARCHIVE_PATH, status="READY")
    assert waiting.run_after >= timezone.now() + datetime.timedelta(seconds=115)

    waiting.run_after = timezone.now()  # the two minutes have passed
    waiting.save()
    run_tasks()
    assert len(submitting.submitted) == 2
    assert ArticleLink.objects.get(article=article).archive_status == Archive.SUBMITTED


def test_submissions_keep_to_six_a_minute_and_never_more_than_fifteen(submitting, settings,
                                                                      run_tasks):  # fmt: skip
    ArticleFactory()
    ArticleFactory()
    tasks.archive_links.enqueue()
    run_tasks()
    assert len(submitting.submitted) == 1  # one a round; the next round is 10 s away
    waiting = DBTaskResult.objects.get(task_path=tasks.ARCHIVE_PATH, status="READY")
    assert waiting.run_after >= timezone.now() + datetime.timedelta(seconds=9)
    assert archive_interval() == 10
    settings.WAYBACK_PER_MINUTE = 100
    assert archive_interval() == 4  # 15 a minute


def test_a_failing_archive_is_retried_with_growing_pauses_then_given_up(submitting, settings):
    settings.WAYBACK_MAX_ATTEMPTS = 3
    settings.WAYBACK_SAVE_URL = submitting.url("/broken")  # answers 404
    article = ArticleFactory()
    pauses = []
    for _ in range(3):
        before = timezone.now()
        archive_step()
        link = ArticleLink.objects.get(article=article)
        if link.archive_status == Archive.PENDING:
            pauses.append((link.archive_next_at - before).total_seconds())
        make_due(article)
    assert [round(p / 60) for p in pauses] == [1, 2]
    assert link.archive_status == Archive.FAILED and "404" in link.archive_error


def test_nothing_is_submitted_while_wayback_submit_is_off(wayback):
    ArticleFactory()
    archive_step()
    assert wayback.submitted == []
    assert ArticleLink.objects.get().archive_status == Archive.NONE


def test_a_dead_original_finds_the_capture_closest_to_ours_through_the_availability_api(
    web, wayback
):
    article = captured_article(web)
    wayback.archived[article.original_url] = "20230413000000"
    web.routes["/story"] = Answer(200, b"<p>Nothing to see.</p>")

    counts = links_check()

    assert counts["changed"] == 1 and counts["archived_found"] == 1
    assert wayback.availability == [{"url": article.original_url, "timestamp": "20230412"}]
    link = ArticleLink.objects.get(article=article)
    assert link.archive_url == f"http://web.archive.org/web/20230413000000/{article.original_url}"
    assert link.archive_captured_at.date() == datetime.date(2023, 4, 13)
