"""The same original URL, however it is dressed up, is refused with a link to the article."""

import pytest
from django.urls import reverse

from articles.models import Article

pytestmark = pytest.mark.django_db

CNN = "https://www.cnn.com/2023/04/12/politics/wagner-turkey-weapons-leaked-documents/index.html"


def add_article(client, url):
    return client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Wagner tried to buy arms from Turkey",
            "slug": "wagner-turkey-arms-again",
            "source": 1,
            "original_date": "2023-04-12",
            "original_url": url,
            "excerpt": "<p>The same article, pasted again.</p>",
            "status": "draft",
            "article_authors-TOTAL_FORMS": "0",
            "article_authors-INITIAL_FORMS": "0",
            "article_authors-MIN_NUM_FORMS": "0",
            "article_authors-MAX_NUM_FORMS": "1000",
        },
    )


@pytest.mark.parametrize(
    "variant",
    [
        CNN,
        "http://cnn.com/2023/04/12/politics/wagner-turkey-weapons-leaked-documents/index.html",
        CNN + "?utm_source=twitter&utm_medium=social",
        CNN + "#comments",
        "https://WWW.CNN.COM/2023/04/12/politics/wagner-turkey-weapons-leaked-documents/index.html/",
    ],
)
def test_a_normalised_duplicate_url_is_refused_with_a_link(editor_client, seed_pair, variant):
    archived = Article.objects.count()
    page = add_article(editor_client, variant)
    html = page.content.decode()
    assert page.status_code == 200
    existing = reverse("admin:articles_article_change", args=[1])
    assert f'already in the archive: <a href="{existing}">' in html
    assert Article.objects.count() == archived


def test_a_different_url_on_the_same_site_is_accepted(editor_client, seed_pair):
    page = add_article(editor_client, CNN.replace("index.html", "analysis.html"))
    assert page.status_code == 302
    assert Article.objects.filter(slug="wagner-turkey-arms-again").exists()
