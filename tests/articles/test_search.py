"""Readers search the archive: words, phrases, `or`, `-word`, filters, and any input at all."""

import re

import pytest
from django.db import connection

from articles.models import Article, Author
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return re.findall(r'<article class="entry search-result">\s*<h2><a [^>]*>(.*?)</a>',
                      response.content.decode())  # fmt: skip


def snippets(response) -> list[str]:
    return re.findall(r'<p class="snippet">(.*?)</p>', response.content.decode(), re.S)


def test_wagner_turkey_finds_the_seed_article_with_a_highlighted_snippet(client, seed_article):
    response = client.get("/search/", {"q": "Wagner Turkey"})

    assert seed_article.title in titles(response)
    assert any(
        "<mark>Wagner</mark>" in s and "<mark>Turkey</mark>" in s for s in snippets(response)
    )


@pytest.fixture
def phrases(db):
    return {
        "phrase": ArticleFactory(title="Weapons", excerpt="<p>The grain deal was signed.</p>"),
        "apart": ArticleFactory(title="Weapons", excerpt="<p>A deal on grain and oil.</p>"),
        "oil": ArticleFactory(title="Markets", excerpt="<p>Oil prices fell.</p>"),
    }


def test_quoted_phrase_matches_only_the_phrase(client, phrases):
    response = client.get("/search/", {"q": '"grain deal"'})
    assert len(titles(response)) == 1
    assert "<mark>grain</mark> <mark>deal</mark>" in snippets(response)[0]


def test_or_matches_either_word(client, phrases):
    assert len(titles(client.get("/search/", {"q": "signed or prices"}))) == 2


def test_minus_leaves_a_word_out(client, phrases):
    assert len(titles(client.get("/search/", {"q": "grain -oil"}))) == 1


def test_title_matches_rank_above_excerpt_matches(client):
    ArticleFactory(title="Harbor news", excerpt="<p>Something about a lighthouse.</p>")
    ArticleFactory(title="Lighthouse reopens", excerpt="<p>Harbor news.</p>")
    assert titles(client.get("/search/", {"q": "lighthouse"}))[0] == "Lighthouse reopens"


def test_search_finds_authors_and_sources(client):
    ArticleFactory(title="One", authors=["Gershon Winkler"])
    ArticleFactory(title="Two", source=SourceFactory(name="Northwind Herald", slug="nw"))
    assert titles(client.get("/search/", {"q": "Winkler"})) == ["One"]
    assert titles(client.get("/search/", {"q": "Northwind"})) == ["Two"]


def test_search_vector_follows_a_byline_change(client):
    article = ArticleFactory(title="Byline test")
    writer = Author.objects.create(name="Ottoline Quill", slug="ottoline-quill")
    article.authors.add(writer)
    assert titles(client.get("/search/", {"q": "Ottoline"})) == ["Byline test"]
    writer.name = "Ottilie Quill"
    writer.save()
    assert titles(client.get("/search/", {"q": "Ottilie"})) == ["Byline test"]
    article.authors.remove(writer)
    assert titles(client.get("/search/", {"q": "Ottilie"})) == []


def test_snippets_escape_the_articles_text(client):
    ArticleFactory(
        title="Escapes",
        excerpt="<p>Tom &amp; Jerry wrote &lt;script&gt;alert(1)&lt;/script&gt; here.</p>",
    )
    body = client.get("/search/", {"q": "Jerry"}).content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_filters_by_source_tag_and_dates(client):
    cnn = SourceFactory(name="CNN", slug="cnn")
    ArticleFactory(title="Kept", source=cnn, original_date="2023-04-12", tag_names=["ukraine"])
    ArticleFactory(title="Other source", original_date="2023-04-12", tag_names=["ukraine"])
    ArticleFactory(title="Too old", source=cnn, original_date="2020-01-01", tag_names=["ukraine"])
    ArticleFactory(title="Other tag", source=cnn, original_date="2023-04-12", tag_names=["x"])
    params = {
        "source": "cnn",
        "tag": "ukraine",
        "date_from": "2023-01-01",
        "date_to": "2023-12-31",
    }
    assert titles(client.get("/search/", params)) == ["Kept"]


def test_the_tag_filter_follows_the_articles_tags_as_they_change(client):
    """The tag is in the search entry (articles/entries.py): a new tag, a dropped one and a
    deleted tag each change what the filter finds at once."""
    from taggit.models import Tag

    article = ArticleFactory(title="Harvest report", tag_names=["grain"])
    ArticleFactory(title="Harvest elsewhere", tag_names=["wheat"])
    assert titles(client.get("/search/", {"q": "harvest", "tag": "grain"})) == ["Harvest report"]
    article.tags.set(["wheat"])
    assert titles(client.get("/search/", {"q": "harvest", "tag": "grain"})) == []
    assert sorted(titles(client.get("/search/", {"q": "harvest", "tag": "wheat"}))) == [
        "Harvest elsewhere", "Harvest report"]  # fmt: skip
    Tag.objects.get(slug="wheat").delete()
    article.tags.add("grain")
    assert titles(client.get("/search/", {"q": "harvest", "tag": "grain"})) == ["Harvest report"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_searchentry WHERE vector::text LIKE %s",
                       ["%'tag:%"])  # fmt: skip
        assert cursor.fetchone()[0] == 1  # the deleted tag left no lexeme behind


def test_unknown_tag_and_reversed_dates_get_a_message_not_an_error(client):
    response = client.get(
        "/search/", {"tag": "nope", "date_from": "2024-01-02", "date_to": "2024-01-01"}
    )
    assert response.status_code == 200
    assert "No tag by that name." in response.content.decode()
    assert "The end date is before the start date." in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "!!! ??? ... &&& ||| ((( )))",
        "'; DROP TABLE articles_article; --",
        '" unbalanced "quotes',
        "wagner' OR 1=1 --",
        "<script>alert(1)</script>",
        "-",
        "or or or",
        "\x00\x01 null bytes",
        "((wagner & turkey) | !",
    ],
)
def test_absurd_queries_get_a_normal_page(client, seed_article, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Article.objects.filter(pk=seed_article.pk).exists()


def test_empty_search_shows_the_form_without_results(client, seed_article):
    body = client.get("/search/").content.decode()
    assert 'name="q"' in body
    assert "result-count" not in body


def test_drafts_are_never_found(client):
    ArticleFactory(title="Secret draft zebra", status=Article.Status.DRAFT, published_at=None)
    assert titles(client.get("/search/", {"q": "zebra"})) == []


def test_results_are_paginated(client):
    for number in range(25):
        ArticleFactory(title=f"Pelican report {number}")
    first = client.get("/search/", {"q": "pelican"})
    second = client.get("/search/", {"q": "pelican", "page": 2})
    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    assert "q=pelican&amp;page=2" in first.content.decode()
