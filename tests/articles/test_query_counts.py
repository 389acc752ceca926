"""Every reader page costs a fixed number of queries, whatever it lists."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db

# Page query budget, sidebar included (cold cache). Allowance for the other apps' includes.
PAGE_BUDGET = 10


def queries_for(client, path: str) -> int:
    client.get(path)  # process-wide caches (content types) warm, as in production
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def archive(count: int, slug: str):
    source = SourceFactory(name=f"Outlet {slug}", slug=slug)
    for _ in range(count):
        ArticleFactory(
            source=source,
            title=f"Albatross sighting {slug}",
            authors=["First Writer", "Second Writer"],
            tag_names=[slug, "birds"],
        )
    return source


@pytest.fixture
def small_and_large(db):
    return archive(5, "small"), archive(50, "large")


@pytest.mark.parametrize(
    "path",
    [
        "/articles/?page=1",
        "/sources/{slug}/",
        "/tags/{slug}/",
        "/search/?q=albatross+{slug}",
        "/search/?source={slug}",
        "/feeds/articles/rss/",
        "/feeds/tags/{slug}/atom/",
    ],
)
def test_list_pages_cost_the_same_for_5_and_50_items(client, small_and_large, path):
    small = queries_for(client, path.format(slug="small"))
    large = queries_for(client, path.format(slug="large"))
    assert small == large
    assert large <= PAGE_BUDGET


def test_author_pages_cost_the_same_for_5_and_50_items(client, small_and_large):
    from articles.models import Author

    authors = list(Author.objects.filter(name="First Writer").order_by("pk"))
    small = queries_for(client, authors[0].get_absolute_url())
    large = queries_for(client, authors[-1].get_absolute_url())
    assert small == large <= PAGE_BUDGET


def test_article_page_costs_a_fixed_number_of_queries(
    client, seed_article, django_assert_num_queries
):
    two_authors = queries_for(client, seed_article.get_absolute_url())
    many = ArticleFactory(authors=[f"Writer {n}" for n in range(8)], tag_names=list("abcdefgh"))
    assert queries_for(client, many.get_absolute_url()) == two_authors <= PAGE_BUDGET


def test_sidebar_is_served_from_cache_after_the_first_page(client, seed_article):
    client.get("/articles/")
    cold = queries_for(client, "/articles/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/articles/")
    assert len(warm) == cold - 2
