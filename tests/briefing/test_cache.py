"""Readers are served from a cache, and never see a stale briefing after an editor saves."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from briefing.models import Briefing, BriefingEntry
from briefing.services import briefing_publish
from core.site_settings import current
from tests.factories import ArticleFactory, briefing_change_url, briefing_form_data, briefing_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["local-memory cache", "shared cache"])
def cache_backend(request, settings, tmp_path):
    """Each test runs with a per-process cache (the generation lives in the database) and with a
    shared one (the generation lives in the cache; a file cache stands in for Redis here)."""
    if request.param == "shared cache":
        backend = "django.core.cache.backends.filebased.FileBasedCache"
        settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": str(tmp_path)}}
    return request.param


def main_of(response) -> str:
    """The main column only (the sidebar lists recent articles too)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def briefing():
    return briefing_of(
        [ArticleFactory(title="Original headline"), ArticleFactory(title="Second story")],
        date=datetime.date(2024, 9, 1),
    )


def test_a_cached_page_costs_fewer_queries_than_the_first(client, briefing):
    cold = queries_for(client, "/")
    warm = queries_for(client, "/")
    assert warm <= cold - 4  # the briefing, its entries, the bylines, the neighbours
    assert queries_for(client, briefing.get_absolute_url()) <= cold


@pytest.mark.parametrize("url", ["/", "/briefings/2024/09/01/"])
def test_editing_an_article_shows_at_once(client, briefing, url):
    assert "Original headline" in main_of(client.get(url))
    article = Article.objects.get(title="Original headline")
    article.title = "Corrected headline"
    article.save()
    page = main_of(client.get(url))
    assert "Corrected headline" in page and "Original headline" not in page


def test_unpublishing_an_article_removes_it_at_once(client, briefing):
    assert "Second story" in main_of(client.get("/"))
    article = Article.objects.get(title="Second story")
    article.status = Article.Status.DRAFT
    article.save()
    assert "Second story" not in main_of(client.get("/"))


def test_publishing_a_new_briefing_replaces_the_home_page_at_once(client, briefing):
    assert "Sunday, September 1, 2024" in main_of(client.get("/"))
    assert 'rel="next"' not in main_of(client.get(briefing.get_absolute_url()))
    tomorrow = briefing_of(
        [ArticleFactory(title="Next day story")],
        date=datetime.date(2024, 9, 2),
        status=Briefing.Status.DRAFT,
        published_at=None,
    )
    briefing_publish(briefing=tomorrow)
    home = main_of(client.get("/"))
    assert "Monday, September 2, 2024" in home and "Next day story" in home
    # The older day page now links forward to the new one.
    assert tomorrow.get_absolute_url() in main_of(client.get(briefing.get_absolute_url()))


def test_editing_entries_in_the_admin_shows_at_once(client, briefing):
    assert "Breaking" not in main_of(client.get("/"))
    editor = User.objects.create_superuser("boss", "boss@example.org", "pw")
    data = briefing_form_data(briefing)
    data["entries-0-section"] = "Breaking"
    data["entries-0-position"], data["entries-1-position"] = 2, 1
    client.force_login(editor)
    assert client.post(briefing_change_url(briefing), data).status_code == 302
    client.logout()

    page = main_of(client.get("/"))
    assert page.find("Second story") < page.find("Breaking") < page.find("Original headline")


def test_removing_an_entry_or_unpublishing_shows_at_once(client, briefing):
    assert "Second story" in main_of(client.get("/"))
    BriefingEntry.objects.filter(article__title="Second story").delete()
    assert "Second story" not in main_of(client.get("/"))
    briefing.status = Briefing.Status.DRAFT
    briefing.save()
    assert client.get(briefing.get_absolute_url()).status_code == 404
    assert "No briefing yet" in main_of(client.get("/"))


def test_each_reader_of_a_cached_page_gets_a_working_csrf_token_of_their_own(briefing):
    from django.test import Client

    def token_in(response) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[
            1
        ]

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get("/")
    second_page = second.get("/")  # served from the cache

    assert "placeholder" not in second_page.content.decode()
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    token = token_in(second_page)
    assert token != token_in(first_page)
    subscribe = second.post(
        "/subscribe/", {"email": "reader@example.org", "csrfmiddlewaretoken": token}
    )
    assert subscribe.status_code != 403


@pytest.mark.parametrize("cache_seconds", [0, 600])
@pytest.mark.parametrize("url", ["/", "/briefings/2024/09/01/"])
def test_briefing_pages_cost_the_same_queries_for_3_or_30_entries(
    client, settings, cache_seconds, url
):
    settings.BRIEFING_CACHE_SECONDS = cache_seconds
    small = briefing_of(ArticleFactory.create_batch(3), date=datetime.date(2024, 9, 1))
    with CaptureQueriesContext(connection) as with_3:
        client.get(url)
    small.delete()
    from django.core.cache import cache

    cache.clear()
    briefing_of(
        ArticleFactory.create_batch(30, authors=["A", "B"]), date=datetime.date(2024, 9, 1)
    )
    with CaptureQueriesContext(connection) as with_30:
        response = client.get(url)
    assert response.content.decode().count('class="briefing-entry"') == 30
    assert len(with_30) == len(with_3)
    assert len(with_30) <= 12


@pytest.mark.parametrize("url", ["/briefings/", "/briefings/2024/", "/briefings/2024/09/"])
def test_archive_pages_cost_the_same_queries_for_3_or_30_briefings(client, url):
    def days(first, count):
        for n in range(count):
            briefing_of([ArticleFactory()], date=datetime.date(2024, 9, first + n))

    days(1, 3)
    current()  # the site settings are cached, as after any first page
    few = queries_for(client, url)
    days(4, 27)
    assert queries_for(client, url) == few
