"""/sources/, /authors/ and /tags/: what readers can browse, alphabetical, with counts, by
initial, paginated, linked from every page and listed in the sitemap."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ArticleAuthor
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory

pytestmark = pytest.mark.django_db


def main_of(response) -> str:
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def listed(response) -> list[tuple[str, str]]:
    """(name, "N articles") of each entry of an index page, in order."""
    return re.findall(
        r'<li><a href="[^"]+">([^<]+)</a> <span class="count">([^<]+)</span>', main_of(response)
    )


@pytest.fixture
def archive():
    cnn, wsj = SourceFactory(name="CNN", slug="cnn"), SourceFactory(name="wsj", slug="wsj")
    SourceFactory(name="Never Published", slug="never")
    zoe = AuthorFactory(name="Zoe Adams")
    for position in range(3):
        article = ArticleFactory(source=cnn, tag_names=["Ukraine", "war"])
        ArticleAuthor.objects.create(article=article, author=zoe, position=position)
    ArticleFactory(source=wsj, authors=["anne Brown"], tag_names=["ukraine-aid", "2024 vote"])
    ArticleFactory(
        source=SourceFactory(name="Draft Only", slug="draft-only"),
        authors=["Hidden Writer"],
        tag_names=["secret"],
        status=Article.Status.DRAFT,
        published_at=None,
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/sources/", [("CNN", "3 articles"), ("wsj", "1 article")]),
        ("/authors/", [("anne Brown", "1 article"), ("Zoe Adams", "3 articles")]),
        (
            "/tags/",
            [
                ("2024 vote", "1 article"),
                ("Ukraine", "3 articles"),
                ("ukraine-aid", "1 article"),
                ("war", "3 articles"),
            ],
        ),  # fmt: skip
    ],
)
def test_index_lists_only_what_has_published_articles_alphabetically_with_counts(
    client, archive, path, expected
):
    response = client.get(path)
    assert response.status_code == 200
    assert listed(response) == expected


def test_each_entry_links_to_its_page(client, archive):
    page = main_of(client.get("/tags/"))
    for href in re.findall(r'<li><a href="(/tags/[^"]+)">', page):
        assert client.get(href).status_code == 200
    assert '<a href="/sources/cnn/">CNN</a>' in main_of(client.get("/sources/"))


def test_the_bar_of_initials_links_the_letters_in_use_and_filters_by_one(client, archive):
    page = main_of(client.get("/tags/"))
    assert '<a href="?letter=U">U</a>' in page and '<a href="?letter=W">W</a>' in page
    assert '<span class="absent">S</span>' in page  # "secret" is only on a draft
    assert '<a href="?letter=%23">#</a>' in page  # "2024 vote"
    assert listed(client.get("/tags/?letter=u")) == [
        ("Ukraine", "3 articles"),
        ("ukraine-aid", "1 article"),
    ]
    assert listed(client.get("/tags/?letter=%23")) == [("2024 vote", "1 article")]
    assert '<span aria-current="page">U</span>' in main_of(client.get("/tags/?letter=U"))


def test_an_unused_letter_has_an_empty_state_and_a_wrong_one_is_404(client, archive):
    page = main_of(client.get("/sources/?letter=Q"))
    assert "No sources under Q." in page and '<a href="?">See them all</a>' in page
    assert client.get("/sources/?letter=ab").status_code == 404
    assert client.get("/sources/?page=9").status_code == 404


def test_empty_archive_shows_an_empty_state(client):
    for path, text in [("/sources/", "No sources yet."), ("/tags/", "No tags yet.")]:
        assert text in main_of(client.get(path))


def test_index_is_paginated_and_keeps_the_letter_across_pages(client):
    for n in range(65):
        ArticleFactory(source=SourceFactory(name=f"Outlet {n:02d}", slug=f"outlet-{n:02d}"))
    first = client.get("/sources/?letter=O")
    assert len(listed(first)) == 60
    assert 'href="?letter=O&amp;page=2" rel="next">Next →</a>' in main_of(first)
    second = client.get("/sources/?letter=O&page=2")
    assert [name for name, _ in listed(second)] == [f"Outlet {n}" for n in range(60, 65)]
    assert "(page 2)" in second.content.decode()


def test_index_pages_cost_the_same_queries_for_2_or_60_entries(client):
    def cost(path):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    ArticleFactory(authors=["A Writer", "B Writer"], tag_names=["one", "two"])
    client.get("/")  # process-wide caches (content types, site settings) warm, as in production
    few = {path: cost(path) for path in ("/sources/", "/authors/", "/tags/")}
    for n in range(30):
        ArticleFactory(authors=[f"Writer {n}", f"Other {n}"], tag_names=[f"tag {n}", f"more {n}"])
    for path, queries in few.items():
        assert cost(path) == queries <= 10, path


def test_indexes_are_linked_from_every_page_and_listed_in_the_sitemap(client, archive, settings):
    page = client.get("/articles/").content.decode()
    for path in ("/sources/", "/authors/", "/tags/"):
        assert f'<a href="{path}">' in page
    sitemap = client.get("/sitemap.xml").content.decode()
    for path in ("/sources/", "/authors/", "/tags/", "/sources/cnn/", "/tags/war/"):
        assert f"<loc>{settings.SITE_URL}{path}</loc>" in sitemap
    assert "/sources/never/" not in sitemap and "/tags/secret/" not in sitemap


def test_a_source_page_links_back_to_the_index(client, archive):
    assert '<a href="/sources/">All sources</a>' in main_of(client.get("/sources/cnn/"))
