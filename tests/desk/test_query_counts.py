"""The desk's list and change pages cost the same number of queries for few or many articles."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import ArticleAuthor, Author
from subscribers.models import Delivery
from subscribers.services import briefing_send_create
from tests.factories import ArticleFactory, SubscriberFactory, briefing_of

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    client.get(url)  # caches (content types, sessions) warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def articles(count: int, start: int = 0):
    return [
        ArticleFactory(
            title=f"Article {n}", authors=[f"Writer {n}", f"Other {n}"], tag_names=["t"]
        )
        for n in range(start, start + count)
    ]


@pytest.mark.parametrize("url", ["/admin/articles/article/", "/admin/articles/article/?q=Writer"])
def test_article_list_costs_the_same_for_3_and_30_articles(editor_client, url):
    articles(3)
    few = queries_for(editor_client, url)
    articles(27, start=3)
    assert queries_for(editor_client, url) == few


def test_article_change_page_costs_the_same_for_1_and_8_authors(editor_client):
    article = ArticleFactory(authors=["Solo"])
    url = f"/admin/articles/article/{article.pk}/change/"
    one = queries_for(editor_client, url)
    for n in range(7):
        author = Author.objects.create(name=f"Writer {n}", slug=f"writer-{n}")
        ArticleAuthor.objects.create(article=article, author=author, position=n + 1)
    assert queries_for(editor_client, url) == one


def test_briefing_list_costs_the_same_for_2_and_12_briefings(editor_client):
    day = datetime.date(2024, 1, 1)
    for offset in range(2):
        briefing_of(articles(2, start=offset * 2), date=day + datetime.timedelta(days=offset))
    few = queries_for(editor_client, "/admin/briefing/briefing/")
    for offset in range(2, 12):
        briefing_of(articles(2, start=offset * 2), date=day + datetime.timedelta(days=offset))
    assert queries_for(editor_client, "/admin/briefing/briefing/") == few


def test_briefing_change_page_costs_the_same_for_3_and_20_entries(editor_client):
    small = briefing_of(articles(3), date=datetime.date(2024, 2, 1))
    large = briefing_of(articles(20, start=3), date=datetime.date(2024, 2, 2))
    url = "/admin/briefing/briefing/{}/change/"
    assert queries_for(editor_client, url.format(large.pk)) == queries_for(
        editor_client, url.format(small.pk)
    )


def test_briefing_change_page_with_its_send_costs_the_same_for_3_and_30_subscribers(
    editor_client,
):
    briefing = briefing_of(articles(2), date=datetime.date(2024, 3, 1))
    SubscriberFactory.create_batch(3)
    send, _ = briefing_send_create(briefing=briefing)
    url = f"/admin/briefing/briefing/{briefing.pk}/change/"
    few = queries_for(editor_client, url)
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(send=send, subscriber=subscriber, next_attempt_at=now)
        for subscriber in SubscriberFactory.create_batch(27)
    )
    assert send.deliveries.count() == 30
    assert queries_for(editor_client, url) == few
