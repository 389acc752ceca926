"""Feeds and the sitemap are well-formed XML and list only what readers may see."""

import xml.etree.ElementTree as ET  # noqa: S405 (parsing our own output in tests)

import pytest
from django.conf import settings

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def parse(content: bytes) -> ET.Element:
    """Our own feed or sitemap, which must be well-formed XML."""
    return ET.fromstring(content)  # noqa: S314 (our own output, not untrusted input)


ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def draft(demo_archive):
    draft = Article.objects.get(pk=21)
    assert draft.status == Article.Status.DRAFT
    draft.tags.add("Russia")
    return draft


def rss_titles(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return [item.findtext("title") for item in parse(response.content).iter("item")]


def atom_titles(client, path):
    response = client.get(path)
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse(response.content)
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


def test_recent_articles_rss_and_atom_list_published_articles_newest_first(client, draft):
    expected = list(Article.objects.published().recent().values_list("title", flat=True))
    assert rss_titles(client, "/feeds/articles/rss/") == expected
    assert atom_titles(client, "/feeds/articles/atom/") == expected
    assert draft.title not in expected


def test_tag_feeds_list_the_tags_published_articles(client, draft):
    tagged = Article.objects.published().filter(tags__slug="wagner-group").recent()
    expected = list(tagged.values_list("title", flat=True))
    assert len(expected) == 3
    assert rss_titles(client, "/feeds/tags/wagner-group/rss/") == expected
    assert atom_titles(client, "/feeds/tags/wagner-group/atom/") == expected
    assert draft.title not in rss_titles(client, "/feeds/tags/russia/rss/")


def test_unknown_tag_feed_is_a_404(client, demo_archive):
    assert client.get("/feeds/tags/nothing-here/rss/").status_code == 404


def test_feed_is_well_formed_with_hostile_text(client, db):
    ArticleFactory(title='Tom & Jerry <b>&</b> "quotes" ]]>', pull_quote="a < b & c > d")
    assert rss_titles(client, "/feeds/articles/rss/") == ['Tom & Jerry <b>&</b> "quotes" ]]>']


def test_list_and_tag_pages_advertise_their_feeds(client, demo_archive):
    assert 'type="application/rss+xml"' in client.get("/articles/").content.decode()
    tag_page = client.get("/tags/russia/").content.decode()
    assert 'href="/feeds/tags/russia/atom/"' in tag_page


def test_sitemap_lists_published_articles_tags_sources_and_authors_only(client, draft):
    response = client.get("/sitemap.xml")
    locations = [loc.text for loc in parse(response.content).iter(f"{SITEMAP}loc")]
    paths = {loc.removeprefix(settings.SITE_URL) for loc in locations}

    for article in Article.objects.published():
        assert article.get_absolute_url() in paths
    assert draft.get_absolute_url() not in paths
    assert {"/tags/russia/", "/sources/cnn/", "/authors/zachary-cohen/"} <= paths


def test_sitemap_leaves_out_owners_of_drafts_only(client, db):
    ArticleFactory(
        status=Article.Status.DRAFT,
        published_at=None,
        authors=["Hidden Writer"],
        tag_names=["hidden-tag"],
        source__slug="hidden-source",
    )
    body = client.get("/sitemap.xml").content.decode()
    assert "hidden" not in body


def test_robots_txt_points_at_the_sitemap(client, db):
    assert "sitemap.xml" in client.get("/robots.txt").content.decode().lower()
