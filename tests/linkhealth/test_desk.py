"""Editors: the link-health page (states, by year and by source, a chart, each link with its
article, "check again"), the briefing composer's warning on a dead link, and check_links."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linkhealth.models import ArticleLink
from tests.factories import SourceFactory, briefing_change_url, briefing_form_data, briefing_of
from tests.linkhealth.conftest import Answer, article_in_state, captured_article

pytestmark = pytest.mark.django_db
PAGE = "/admin/linkhealth/articlelink/"


def test_the_link_health_page_shows_dead_and_changed_links_by_year_and_source(editor_client, web):
    ledger = SourceFactory(name="Coastal Ledger", slug="ledger")
    gone = article_in_state(web, "gone-404")
    gone.source, gone.original_date = ledger, datetime.date(2019, 5, 1)
    gone.save()
    changed = article_in_state(web, "changed")
    article_in_state(web, "ok")

    page = editor_client.get(PAGE)

    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "Dead or changed links, by year of the original" in html
    year_row = '<a href="?year=2019&amp;status__in=gone,changed">2019</a></th><td>1</td><td>0</td>'
    assert year_row in html
    assert "Coastal Ledger</a></th><td>1</td><td>0</td>" in html
    assert f"/admin/articles/article/{gone.pk}/change/" in html and changed.title in html
    assert "Gone</a>: 1" in html and "Changed</a>: 1" in html and "OK</a>: 1" in html


def test_the_page_filters_by_state_source_and_year_and_searches(editor_client, web):
    gone = article_in_state(web, "gone-410")
    gone.title = "Lighthouse keeper retires"
    gone.save()
    ok = article_in_state(web, "ok")
    year = gone.original_date.year
    queries = ["?status__exact=gone", f"?article__source__id__exact={gone.source_id}",
               f"?year={year}&status__in=gone,changed", "?q=lighthouse"]  # fmt: skip
    for query in queries:
        html = editor_client.get(PAGE + query).content.decode()
        assert gone.title in html and ok.title not in html, query


def test_the_page_costs_the_same_queries_for_few_and_many_links(editor_client, web):
    article_in_state(web, "gone-404")
    editor_client.get(PAGE)
    with CaptureQueriesContext(connection) as few:
        editor_client.get(PAGE)
    for number in range(15):
        captured_article(web, f"/more{number}")
    with CaptureQueriesContext(connection) as many:
        editor_client.get(PAGE)
    assert len(many) == len(few) <= 20


def test_check_again_rechecks_at_once_through_the_worker(
    editor_client, web, run_tasks, django_capture_on_commit_callbacks
):
    article = article_in_state(web, "failing")
    web.page("/failing")  # back
    link = ArticleLink.objects.get(article=article)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            PAGE, {"action": "check_again", "_selected_action": [link.pk]}, follow=True
        )
    assert "1 link(s) will be checked again" in response.content.decode()
    run_tasks()
    assert ArticleLink.objects.get(article=article).status == ArticleLink.Status.OK


def test_the_briefing_composer_warns_when_an_articles_link_is_dead(editor_client, web):
    gone = article_in_state(web, "gone-404")
    fine = article_in_state(web, "ok")
    briefing = briefing_of([gone, fine])

    html = editor_client.get(briefing_change_url(briefing)).content.decode()
    assert "Dead links" in html and f"“{gone.title}” — Gone" in html
    assert f"“{fine.title}” — " not in html

    saved = editor_client.post(
        briefing_change_url(briefing), briefing_form_data(briefing, _continue="1"), follow=True
    )
    assert f"The original of “{gone.title}” is gone" in saved.content.decode()


def test_check_links_checks_what_is_due_with_a_progress_bar(web):
    ledger = SourceFactory(slug="ledger")
    for number in range(3):
        captured_article(web, f"/l{number}", source=ledger)
    other = captured_article(web, "/other")
    web.routes["/l2"] = Answer(404, b"")
    out = io.StringIO()

    call_command("check_links", "--source", "ledger", "--limit", "10", stdout=out)

    assert "[##############################] 3/3 links" in out.getvalue()
    assert "3 of 3 due link(s) checked: 2 ok, 0 moved, 1 failing" in out.getvalue()
    assert ArticleLink.objects.get(article=other).status == ArticleLink.Status.UNCHECKED


def test_check_links_dry_run_fetches_nothing(web):
    captured_article(web)
    out = io.StringIO()
    call_command("check_links", "--dry-run", stdout=out)
    assert "1 link(s) are due; none was checked (dry run)." in out.getvalue()
    assert web.methods == []


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--source", "nope"], "No source has the slug 'nope'."),
        (["--limit", "0"], "--limit must be a positive"),
    ],
)
def test_check_links_refuses_bad_arguments(db, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("check_links", *arguments)


def test_check_links_schedule_queues_the_worker_rounds_once(db):
    out = io.StringIO()
    call_command("check_links", "--schedule", stdout=out)
    call_command("check_links", "--schedule", stdout=out)
    assert out.getvalue().splitlines() == [
        "Queued the next rounds.",
        "The rounds are already queued.",
    ]


def test_metrics_count_links_by_state_and_the_wayback_queue(client, web, settings):
    settings.WAYBACK_SUBMIT = True
    article_in_state(web, "gone-404")
    article_in_state(web, "ok")
    text = client.get("/metrics").content.decode()
    assert 'briefing_article_links{status="gone"} 1.0' in text
    assert 'briefing_article_links{status="ok"} 1.0' in text
    assert "briefing_article_links_overdue 0.0" in text
    assert 'briefing_wayback_links{archive_status="pending"} 2.0' in text
