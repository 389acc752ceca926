"""Source, author and tag pages list their published articles newest first, and follow every
change: a new tag, a removed one, a new byline, an unpublished or deleted article."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Author, ListingEntry
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return re.findall(r'<h2[^>]*><a href="/articles/[^"]*/">(.*?)</a>', response.content.decode())


@pytest.fixture
def boats(db):
    now = timezone.now()
    return [
        ArticleFactory(
            title=f"Boat {n}",
            tag_names=["boats"],
            published_at=now - datetime.timedelta(days=10 - n),
        )  # fmt: skip
        for n in range(3)
    ]


def test_tag_page_lists_its_articles_newest_first(client, boats):
    assert titles(client.get("/tags/boats/")) == ["Boat 2", "Boat 1", "Boat 0"]


def test_tag_page_follows_tags_added_and_removed(client, boats):
    boats[0].tags.remove("boats")
    ArticleFactory(title="Canoe", tag_names=["boats"])  # published a month ago
    assert titles(client.get("/tags/boats/")) == ["Boat 2", "Boat 1", "Canoe"]


def test_unpublished_and_deleted_articles_leave_every_page(client, boats):
    boats[2].status = Article.Status.DRAFT
    boats[2].save()
    boats[1].delete()
    assert titles(client.get("/tags/boats/")) == ["Boat 0"]
    assert titles(client.get(boats[0].source.get_absolute_url())) == ["Boat 0"]
    assert not ListingEntry.objects.filter(article_id__in=[boats[1].pk, boats[2].pk]).exists()


def test_source_and_author_pages_follow_bylines_and_sources(client, boats):
    writer = Author.objects.create(name="Ida Quay", slug="ida-quay")
    boats[1].authors.add(writer)
    assert titles(client.get("/authors/ida-quay/")) == ["Boat 1"]
    harbor = SourceFactory(name="Harbor", slug="harbor")
    boats[0].source = harbor
    boats[0].save()
    assert titles(client.get("/sources/harbor/")) == ["Boat 0"]


def test_a_tag_page_of_any_size_is_paginated(client):
    call_command("generate_archive", articles=300, sources=2, authors=5, tags=2,
                 stdout=StringIO())  # fmt: skip
    first = client.get("/tags/gen-tag-0/")
    assert len(titles(first)) == 20
    assert "Page 1 of" in first.content.decode()
    assert client.get("/tags/gen-tag-0/", {"page": 2}).status_code == 200


@pytest.mark.postgres
def test_copies_of_a_generated_archive_are_searchable_and_listed(client):
    call_command("generate_archive", articles=40, sources=2, authors=5, tags=3, copies=3,
                 stdout=StringIO())  # fmt: skip
    assert Article.objects.count() == 120
    published = Article.objects.published().count()
    assert ListingEntry.objects.filter(kind=ListingEntry.Kind.SOURCE).count() == published
    dates = Article.objects.values_list("original_date", flat=True)
    assert (max(dates) - min(dates)).days > 365 * 15
    assert "result-count" in client.get("/search/", {"q": "israel or gaza"}).content.decode()
