"""The desk keeps an editor's work: quotes, slugs, pickers, search and dropped images."""

import pytest

from articles.models import Article, Author
from tests.articles.test_admin import ADD_URL, form_data
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    [
        "“The deal was signed.”",
        '"The deal was signed."',
        " ‘The deal was signed.’ ",
        "«The deal was signed.»",
    ],
)
def test_a_pull_quote_typed_in_quotation_marks_is_stored_without_them(typed):
    article = ArticleFactory(pull_quote=typed)
    article.refresh_from_db()
    assert article.pull_quote == "The deal was signed."


def test_a_pull_quote_is_shown_in_quotation_marks_once(client):
    article = ArticleFactory(pull_quote="“Wagner met Turkish contacts.”", status="published")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "“Wagner met Turkish contacts.”" in page
    assert "““" not in page and "””" not in page


def test_quotation_marks_inside_a_quote_stay():
    article = ArticleFactory(pull_quote='He called it "a deal", then left')
    assert article.pull_quote == 'He called it "a deal", then left'


def test_an_article_whose_title_is_taken_gets_a_slug_of_its_own(editor_client):
    source = SourceFactory()
    ArticleFactory(title="Grain deal signed", slug="grain-deal-signed")
    response = editor_client.post(
        ADD_URL,
        form_data(source=source.pk, original_url="https://other.example.org/grain"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.filter(slug="grain-deal-signed-2").exists()


def test_an_empty_slug_is_made_from_the_title(editor_client):
    source = SourceFactory()
    response = editor_client.post(ADD_URL, form_data(source=source.pk, slug=""))
    assert response.status_code == 302
    assert Article.objects.get().slug == "grain-deal-signed"


def test_saving_an_article_again_keeps_its_slug(editor_client):
    article = ArticleFactory(title="Grain deal signed", slug="grain-deal-signed")
    article.save()
    article.refresh_from_db()
    assert article.slug == "grain-deal-signed"


def test_article_picker_tells_same_titled_articles_apart_by_source_and_date(editor_client):
    ArticleFactory(
        title="Ceasefire talks", source=SourceFactory(name="CNN"), original_date="2023-04-12"
    )
    ArticleFactory(
        title="Ceasefire talks", source=SourceFactory(name="WSJ"), original_date="2024-07-05"
    )
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "Ceasefire", "app_label": "briefing", "model_name": "briefingentry",
         "field_name": "article"},
    )  # fmt: skip
    labels = sorted(result["text"] for result in response.json()["results"])
    assert labels == ["Ceasefire talks — CNN, Apr 12, 2023", "Ceasefire talks — WSJ, Jul 5, 2024"]


@pytest.mark.parametrize("term", ["Cohen", "Erdogan", "Northwind", "Wagner"])
def test_admin_article_search_finds_authors_excerpt_source_and_title(editor_client, term):
    ArticleFactory(
        title="Wagner sought arms",
        source=SourceFactory(name="Northwind Herald"),
        authors=["Zachary Cohen"],
        excerpt="<p>Talks with <b>Erdogan</b> took place.</p>",
    )
    ArticleFactory(title="Unrelated", excerpt="<p>Nothing here.</p>")
    body = editor_client.get("/admin/articles/article/", {"q": term}).content.decode()
    assert "Wagner sought arms" in body
    assert "Unrelated" not in body


def test_an_image_from_another_site_is_removed_and_the_editor_is_told(editor_client):
    source = SourceFactory()
    excerpt = '<p>Map:</p><p><img src="https://cdn.example.org/map.png" alt="map"></p>'
    response = editor_client.post(
        ADD_URL, form_data(source=source.pk, excerpt=excerpt), follow=True
    )
    assert "1 image(s) were removed" in response.content.decode()
    assert "<img" not in Article.objects.get().excerpt
    assert Author.objects.count() == 0
