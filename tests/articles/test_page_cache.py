"""Anonymous readers get the archive's pages (articles, sources, authors, tags, their indexes)
from the readers' page cache, the briefing pages' one: any change shows at once."""

import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Source
from core.previews import preview_link_create, preview_token
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/articles/",
    "/articles/?page=1",
    "/articles/cached-story/",
    "/sources/",
    "/sources/outlet/",
    "/authors/",
    "/tags/",
    "/tags/?letter=H",
    "/tags/harbour/",
]


@pytest.fixture(autouse=True, params=["local-memory cache", "shared cache"])
def cache_backend(request, settings, tmp_path):
    """A per-process cache (the generation in the database) and a shared one (the generation in
    the cache; a file cache stands in for Redis)."""
    if request.param == "shared cache":
        backend = "django.core.cache.backends.filebased.FileBasedCache"
        settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": str(tmp_path)}}
    return request.param


@pytest.fixture
def story():
    return ArticleFactory(
        title="Harbour reopens",
        slug="cached-story",
        source=SourceFactory(name="Outlet", slug="outlet"),
        authors=["Rita Writer"],
        tag_names=["harbour"],
    )


def queries_for(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200, path
    return len(captured)


def main_of(client, path) -> str:
    page = client.get(path).content.decode()
    return page[page.index("<main") : page.index("</main>")]


@pytest.mark.parametrize("path", PAGES)
def test_a_second_anonymous_reader_is_served_from_the_cache(client, story, path, cache_backend):
    assert queries_for(client, path) >= 3
    # The generation's read (per-process cache only), and nothing else.
    assert queries_for(Client(), path) == (1 if cache_backend == "local-memory cache" else 0)


@pytest.mark.parametrize(
    "path", ["/articles/", "/articles/cached-story/", "/sources/outlet/", "/tags/harbour/"]
)
def test_editing_an_article_shows_at_once_on_every_page_of_it(client, story, path):
    assert "Harbour reopens" in main_of(client, path)
    story.title = "Harbour reopens at last"
    story.save()
    assert "Harbour reopens at last" in main_of(client, path)


def test_unpublishing_an_article_takes_it_off_the_lists_and_the_indexes_at_once(client, story):
    assert "Outlet" in main_of(client, "/sources/")
    story.status = Article.Status.DRAFT
    story.save()
    assert "Harbour reopens" not in main_of(client, "/articles/")
    assert "Outlet" not in main_of(client, "/sources/")
    assert client.get("/articles/cached-story/").status_code == 404


def test_renaming_a_tag_or_a_source_shows_at_once(client, story):
    assert "Harbour</a>" not in main_of(client, "/tags/")  # "harbour" as typed
    tag = Tag.objects.get(slug="harbour")
    tag.name = "Harbour"
    tag.save()
    assert '<a href="/tags/harbour/">Harbour</a>' in main_of(client, "/tags/")
    assert "Outlet" in main_of(client, "/sources/outlet/")
    source = Source.objects.get(slug="outlet")
    source.name = "The Outlet"
    source.save()
    assert "Articles from The Outlet" in main_of(client, "/sources/outlet/")


def test_tagging_an_article_shows_on_the_tag_pages_at_once(client, story):
    assert client.get("/tags/ports/").status_code == 404
    story.tags.add("ports")
    assert "Harbour reopens" in main_of(client, "/tags/ports/")
    assert '<a href="/tags/ports/">ports</a>' in main_of(client, "/tags/")


def test_signed_in_readers_get_a_fresh_page_each_time(client, story):
    client.force_login(User.objects.create_user("reader"))
    queries_for(client, "/articles/cached-story/")
    # Their session and user, the article, its byline, its tags, its briefings: never cached.
    assert queries_for(client, "/articles/cached-story/") >= 6


def test_a_preview_link_always_shows_the_draft_as_it_is_now(client, story):
    story.status = Article.Status.DRAFT
    story.save()
    link = preview_link_create(obj=story)
    url = reverse("articles:article_preview_link", kwargs={"token": preview_token(link)})
    assert "Harbour reopens" in main_of(client, url)
    Article.objects.filter(pk=story.pk).update(title="Harbour stays shut")  # no signal at all
    assert "Harbour stays shut" in main_of(client, url)


def test_each_reader_of_a_cached_article_page_gets_a_csrf_token_of_their_own(story):
    def token_in(response) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)[1]

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get("/articles/cached-story/")
    second_page = second.get("/articles/cached-story/")  # from the cache
    assert "placeholder" not in second_page.text
    assert token_in(second_page) != token_in(first_page)
    subscribe = second.post(
        "/subscribe/",
        {"email": "reader@example.org", "csrfmiddlewaretoken": token_in(second_page)},
    )
    assert subscribe.status_code != 403
