import datetime
import io
import re
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles.models import Article
from briefing.models import Briefing
from briefing.services import briefing_publish
from subscribers import services as subscriber_services
from subscribers.models import BriefingSend
from tests.factories import ArticleFactory, briefing_of


@pytest.fixture
def sent(monkeypatch):
    """The briefings handed to the subscribers' email sender, in order."""
    handed = []
    monkeypatch.setattr(
        subscriber_services,
        "briefing_send_enqueue",
        lambda *, briefing: handed.append(briefing.pk),
        raising=False,
    )
    return handed


def scheduled(day: int, *, minutes_from_now: int):
    return briefing_of(
        [ArticleFactory(title=f"Story of day {day}")],
        date=datetime.date(2024, 9, day),
        status=Briefing.Status.SCHEDULED,
        publish_at=timezone.now() + datetime.timedelta(minutes=minutes_from_now),
        published_at=None,
        email_subscribers=True,
    )


def run_command() -> str:
    out = io.StringIO()
    call_command("publish_due_briefings", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_scheduled_briefing_is_invisible_until_its_time_then_published_once(
    client, sent, django_capture_on_commit_callbacks
):
    due = scheduled(1, minutes_from_now=-1)
    later = scheduled(2, minutes_from_now=60)
    assert client.get(due.get_absolute_url()).status_code == 404
    assert "No briefing yet" in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert "1 briefing(s) published" in run_command()

    assert client.get(due.get_absolute_url()).status_code == 200
    assert "Story of day 1" in client.get("/").content.decode()
    assert client.get(later.get_absolute_url()).status_code == 404
    assert "0 briefing(s) published" in run_command()  # idempotent
    assert sent == [due.pk]


@pytest.mark.django_db
def test_dry_run_lists_what_is_due_and_publishes_nothing(sent):
    due = scheduled(1, minutes_from_now=-5)
    out = io.StringIO()
    call_command("publish_due_briefings", "--dry-run", stdout=out)
    assert "1 briefing(s) due" in out.getvalue()
    due.refresh_from_db()
    assert due.status == Briefing.Status.SCHEDULED
    assert sent == []


@pytest.mark.django_db
def test_publishing_twice_changes_nothing_the_second_time(
    sent, django_capture_on_commit_callbacks
):
    briefing = briefing_of(
        [ArticleFactory()], status=Briefing.Status.DRAFT, email_subscribers=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        briefing_publish(briefing=briefing)
    first_published_at = briefing.published_at
    with django_capture_on_commit_callbacks(execute=True):
        assert briefing_publish(briefing=briefing) == []
    briefing.refresh_from_db()
    assert briefing.published_at == first_published_at
    assert sent == [briefing.pk]


@pytest.mark.django_db
def test_briefing_not_meant_for_email_is_not_sent(sent, django_capture_on_commit_callbacks):
    briefing = briefing_of([ArticleFactory()], status=Briefing.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        briefing_publish(briefing=briefing)
    assert sent == []


@pytest.mark.django_db
def test_scheduled_publishing_brings_its_draft_articles_along(client, sent):
    due = scheduled(1, minutes_from_now=-1)
    Article.objects.filter(briefing_entries__briefing=due).update(status=Article.Status.DRAFT)
    run_command()
    assert "Story of day 1" in client.get(due.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_an_empty_scheduled_briefing_goes_back_to_draft(sent):
    empty = briefing_of(
        [],
        status=Briefing.Status.SCHEDULED,
        publish_at=timezone.now() - datetime.timedelta(minutes=1),
        published_at=None,
    )
    assert "0 briefing(s) published" in run_command()
    empty.refresh_from_db()
    assert empty.status == Briefing.Status.DRAFT


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_publish_and_mail_each_briefing_exactly_once():
    due = [scheduled(day, minutes_from_now=-1) for day in range(1, 9)]
    start = threading.Barrier(2)
    outputs = []

    def cron_run():
        try:
            start.wait()
            outputs.append(run_command())
        finally:
            connection.close()

    runs = [threading.Thread(target=cron_run) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()

    counts = [int(re.search(r"(\d+) briefing\(s\) published", out).group(1)) for out in outputs]
    assert sum(counts) == len(due)
    assert Briefing.objects.published().count() == len(due)
    assert BriefingSend.objects.filter(briefing__in=due).count() == len(due)
    # One save per publication: a second publication would have bumped the version again.
    versions = set(Briefing.objects.values_list("version", flat=True))
    assert len(versions) == 1


@pytest.mark.django_db
def test_scheduling_queues_the_worker_to_publish_at_that_time(
    sent, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from briefing.services import briefing_schedule
    from briefing.tasks import publish_due_briefings

    briefing = briefing_of([ArticleFactory()], status=Briefing.Status.DRAFT, published_at=None)
    at = timezone.now() + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        briefing_schedule(briefing=briefing, publish_at=at)

    queued = DBTaskResult.objects.get(task_path__endswith="publish_due_briefings")
    assert queued.run_after == at

    # The worker runs the task at its time; it publishes what is due by then.
    Briefing.objects.filter(pk=briefing.pk).update(publish_at=timezone.now())
    assert publish_due_briefings.call() == 1
    assert publish_due_briefings.call() == 0
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.PUBLISHED
