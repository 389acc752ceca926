"""A search with typos finds what the archive's own words suggest."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from articles.entries import search_words_refresh
from articles.models import SearchWord
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def titles(response) -> list[str]:
    return re.findall(r'<article class="entry search-result">\s*<h2><a [^>]*>(.*?)</a>',
                      response.content.decode())  # fmt: skip


def test_wagnr_turky_finds_wagner_and_turkey_with_a_notice(client, seed_article):
    search_words_refresh()
    response = client.get("/search/", {"q": "Wagnr Turky"})
    body = response.content.decode()
    assert seed_article.title in titles(response)
    assert "No articles found for “Wagnr Turky”" in body
    assert "Showing results for <strong>“wagner turkey”</strong>" in body
    assert "<mark>Wagner</mark>" in body


def test_words_of_a_new_article_are_suggested_at_once(client):
    ArticleFactory(title="Albatross sightings rise")
    assert titles(client.get("/search/", {"q": "albatros"})) == ["Albatross sightings rise"]


def test_a_word_that_finds_something_is_not_corrected(client):
    ArticleFactory(title="Pelican news")
    ArticleFactory(title="Pelicans news")
    response = client.get("/search/", {"q": "pelican"})
    assert len(titles(response)) == 2
    assert "Showing results for" not in response.content.decode()


def test_nothing_close_gets_the_empty_state(client):
    ArticleFactory(title="Pelican news")
    body = client.get("/search/", {"q": "xqzvw"}).content.decode()
    assert "No articles found for “xqzvw”" in body
    assert "Showing results for" not in body


def test_refresh_search_words_recounts_the_archives_words():
    ArticleFactory(title="Heron watch", pull_quote="Herons return.")
    ArticleFactory(title="Heron count")
    out = StringIO()
    call_command("refresh_search_words", stdout=out)
    assert SearchWord.objects.get(word="heron").articles == 2
    assert "words counted" in out.getvalue()
