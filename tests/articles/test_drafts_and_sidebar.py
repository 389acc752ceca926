"""Drafts are invisible to readers everywhere; the sidebar shows the latest published."""

import re

import pytest

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
DRAFT_TITLE = "Unpublished zeppelin exclusive"


@pytest.fixture
def draft(demo_archive) -> Article:
    return ArticleFactory(
        title=DRAFT_TITLE,
        slug="unpublished-zeppelin",
        status=Article.Status.DRAFT,
        published_at=None,
        pull_quote="zeppelin quote",
        authors=["Nobody Yet"],
        tag_names=["russia"],
        source__slug="cnn-draft-source",
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/articles/",
        "/tags/russia/",
        "/sources/cnn-draft-source/",
        "/search/?q=zeppelin",
        "/search/?q=unpublished",
        "/feeds/articles/rss/",
        "/feeds/articles/atom/",
        "/feeds/tags/russia/rss/",
        "/sitemap.xml",
        "/articles/britain-moves-left-but-how-far/",
    ],
)
def test_drafts_are_invisible_to_readers(client, draft, path):
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert DRAFT_TITLE not in body
    assert "unpublished-zeppelin" not in body


def test_draft_page_and_its_only_authors_page_show_nothing(client, draft):
    assert client.get("/articles/unpublished-zeppelin/").status_code == 404
    author = draft.author_list[0]
    assert DRAFT_TITLE not in client.get(author.get_absolute_url()).content.decode()


def sidebar(client) -> str:
    body = client.get("/articles/").content.decode()
    return body.split('class="recent-articles"', 1)[1].split("</section>", 1)[0]


def test_sidebar_shows_the_seed_pages_items_with_their_source_lines(client, demo_archive):
    side = sidebar(client)
    lines = re.findall(r'<p class="source-line">(.*?)</p>', side)
    assert lines[:3] == [
        "Editorial WSJ, July 5, 2024",
        "David Horovitz Times of Israel, Oct. 11, 2023",
        "Gershon Winkler Walking Stick Foundation, Oct. 14, 2022",
    ]
    assert "Britain Moves Left, But How Far?" in side
    assert "“Their failures created an opening for Reform UK" in side


def test_sidebar_forgets_an_article_as_soon_as_it_is_unpublished(client, demo_archive):
    assert "Britain Moves Left" in sidebar(client)
    article = Article.objects.get(slug="britain-moves-left-but-how-far")
    article.status = Article.Status.DRAFT
    article.save()
    assert "Britain Moves Left" not in sidebar(client)


def test_empty_archive_pages_say_so(client, db):
    assert "No articles yet." in client.get("/articles/").content.decode()
