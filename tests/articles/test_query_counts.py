"""Every reader page costs a fixed number of queries, whatever it lists."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Author
from stories.models import Fingerprint
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
    search = "/search/?q=wagner"  # rendered for each request (not from the page cache)
    client.get(search)
    cold = queries_for(client, search)
    with CaptureQueriesContext(connection) as warm:
        client.get(search)
    # The sidebar's two queries, the site settings' one, the search form's menu of sources.
    assert len(warm) == cold - 4


def article_form(source, authors, tags, number: int) -> dict:
    """The admin's add form as an editor submits it, bylines in order."""
    data = {
        "title": f"Grain deal signed, round {number}",
        "slug": f"grain-deal-signed-{number}",
        "source": source.pk,
        "label": "",
        "original_date": "2024-08-01",
        "original_url": f"https://news.example.org/grain-deal-{number}",
        "pull_quote": "The deal was signed.",
        "excerpt": "<p>The <b>deal</b> was signed at dawn.</p>",
        "tags": ", ".join(tags),
        "status": "published",
        "article_authors-TOTAL_FORMS": str(len(authors)),
        "article_authors-INITIAL_FORMS": "0",
        "article_authors-MIN_NUM_FORMS": "0",
        "article_authors-MAX_NUM_FORMS": "1000",
    }
    for position, author in enumerate(authors):
        data[f"article_authors-{position}-author"] = author.pk
        data[f"article_authors-{position}-position"] = position
    return data


def statements(captured, start: str) -> int:
    return sum(" ".join(q["sql"].split()).startswith(start) for q in captured.captured_queries)


@pytest.mark.django_db(transaction=True)  # as in production: BEGIN and COMMIT, no savepoints
@pytest.mark.parametrize(
    ("authors", "tags"),
    [(3, ["grain", "ukraine", "wheat"]), (3, ["barley", "rye", "oats"]), (8, list("abcdefgh"))],
    ids=["3 authors, 3 known tags", "3 authors, 3 new tags", "8 authors, 8 new tags"],
)
def test_adding_an_article_with_its_authors_and_tags_costs_at_most_28_queries(
    editor_client, client, authors, tags
):
    source = SourceFactory(name="CNN", slug="cnn")
    writers = [Author.objects.create(name=f"Writer {n}", slug=f"writer-{n}") for n in range(8)]
    url = "/admin/articles/article/add/"
    first = article_form(source, writers[:3], ["grain", "ukraine", "wheat"], 0)
    assert editor_client.post(url, first).status_code == 302  # caches and known tags warm

    with CaptureQueriesContext(connection) as captured:
        response = editor_client.post(url, article_form(source, writers[:authors], tags, 1))

    assert response.status_code == 302
    # 20 before revisions: the revision that keeps the editor's work adds a savepoint and its
    # release, an existence check, the revision and its versions; the slug is checked once;
    # the article's search and listing entries are one insert (their delete rides on the
    # vector's update).
    assert len(captured) <= 28
    # Each derived update once, after the commit, whatever the number of authors and tags.
    assert (
        statements(captured, "WITH changed AS ( UPDATE articles_article AS a SET search_vector")
        == 1
    )
    assert statements(captured, "WITH shown AS") == 1  # its search and listing entries
    assert statements(captured, "SELECT pg_advisory_xact_lock") == 1  # the fingerprint
    assert statements(captured, 'UPDATE "briefing_cachegeneration"') == 1
    article = Article.objects.get(slug="grain-deal-signed-1")
    assert article.byline.startswith("Writer 0, Writer 1 and" if authors == 3 else "Writer 0, ")
    assert sorted(article.tags.names()) == sorted(tags)
    assert Fingerprint.objects.filter(article=article).exists()
    found = client.get("/search/", {"q": f"Writer {authors - 1} round"}).content.decode()
    assert article.title in found
