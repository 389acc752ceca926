"""Editors add and correct articles in the admin, in words they understand."""

import pytest
from django.contrib.auth.models import Group

from articles.models import Article, Author, Source
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/articles/article/add/"


def form_data(**overrides) -> dict:
    data = {
        "title": "Grain deal signed",
        "slug": "grain-deal-signed",
        "source": "",
        "label": "",
        "original_date": "2024-08-01",
        "original_url": "https://news.example.org/grain-deal",
        "pull_quote": "The deal was signed.",
        "excerpt": '<p onclick="alert(1)">The <b>deal</b>.</p><script>alert(2)</script>',
        "tags": "grain, ukraine",
        "status": "published",
        "article_authors-TOTAL_FORMS": "0",
        "article_authors-INITIAL_FORMS": "0",
        "article_authors-MIN_NUM_FORMS": "0",
        "article_authors-MAX_NUM_FORMS": "1000",
    }
    return {**data, **overrides}


def test_editors_group_manages_articles_and_tags_and_nothing_about_subscribers(db):
    codenames = set(Group.objects.get(name="Editors").permissions.values_list(
        "content_type__app_label", "codename"))  # fmt: skip
    for model in ("article", "source", "author", "articleauthor"):
        for action in ("add", "change", "delete", "view"):
            assert ("articles", f"{action}_{model}") in codenames
    assert ("taggit", "add_tag") in codenames
    assert not any(app == "subscribers" for app, _ in codenames)


def test_editor_adds_an_article_with_authors_in_order(editor_client, editor):
    source = SourceFactory(name="CNN", slug="cnn")
    first, second = (
        Author.objects.create(name="Zachary Cohen", slug="zc"),
        Author.objects.create(name="Jennifer Hansler", slug="jh"),
    )
    data = form_data(source=source.pk, **{
        "article_authors-TOTAL_FORMS": "2",
        "article_authors-0-author": second.pk, "article_authors-0-position": "1",
        "article_authors-1-author": first.pk, "article_authors-1-position": "0",
    })  # fmt: skip
    response = editor_client.post(ADD_URL, data)

    assert response.status_code == 302
    article = Article.objects.get(slug="grain-deal-signed")
    assert article.added_by == editor
    assert article.byline == "Zachary Cohen and Jennifer Hansler"
    assert article.excerpt == "<p>The <b>deal</b>.</p>"  # the script went with its text
    assert sorted(article.tags.names()) == ["grain", "ukraine"]


def test_missing_source_is_explained(editor_client):
    body = editor_client.post(ADD_URL, form_data()).content.decode()
    assert "Choose the publication this article comes from" in body


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/x", "not a url"])
def test_bad_original_url_is_explained(editor_client, url):
    source = SourceFactory()
    body = editor_client.post(
        ADD_URL, form_data(source=source.pk, original_url=url)
    ).content.decode()
    assert "starting with http:// or https://" in body
    assert not Article.objects.filter(slug="grain-deal-signed").exists()


def test_duplicate_original_url_links_to_the_existing_article(editor_client):
    existing = ArticleFactory(original_url="https://www.news.example.org/grain-deal/?utm_source=x")
    source = SourceFactory()
    response = editor_client.post(
        ADD_URL, form_data(source=source.pk, original_url="http://news.example.org/grain-deal")
    )
    body = response.content.decode()
    assert "This article is already in the archive" in body
    assert f'href="/admin/articles/article/{existing.pk}/change/"' in body


def test_change_form_previews_the_cleaned_excerpt_and_offers_creation(editor_client):
    article = ArticleFactory(excerpt='<p>Safe <img src=x onerror="alert(1)"> text</p>')
    body = editor_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert '<div class="excerpt-preview"><p>Safe  text</p></div>' in body
    assert "onerror" not in body.split("excerpt-preview", 1)[1].split("</div>", 1)[0]
    assert 'id="add_id_source"' in body  # the "+" that creates a source from the form


def test_changelist_search_and_filters_work(editor_client):
    ArticleFactory(title="Findable pelican", tag_names=["birds"])
    for query in (
        "?q=pelican",
        "?status__exact=draft",
        "?tags__id__exact=1",
        "?source__id__exact=1",
    ):
        assert editor_client.get("/admin/articles/article/" + query).status_code == 200
    assert (
        "Findable pelican"
        in editor_client.get("/admin/articles/article/?q=pelican").content.decode()
    )


def test_source_and_author_autocomplete_answer(editor_client):
    SourceFactory(name="Times of Israel", slug="toi")
    Author.objects.create(name="David Horovitz", slug="dh")
    for model, term in (("source", "Times"), ("articleauthor", "Horo")):
        field = "source" if model == "source" else "author"
        app_model = "article" if model == "source" else "articleauthor"
        response = editor_client.get(
            "/admin/autocomplete/",
            {"term": term, "app_label": "articles", "model_name": app_model, "field_name": field},
        )
        assert response.status_code == 200
        assert response.json()["results"], model


def test_source_can_be_created_from_the_popup(editor_client):
    response = editor_client.post(
        "/admin/articles/source/add/?_to_field=id&_popup=1",
        {"name": "Northwind Herald", "slug": "northwind-herald", "home_page": "", "_popup": "1"},
    )
    assert response.status_code == 200
    assert Source.objects.filter(slug="northwind-herald").exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [("9999-12-31", "cannot be in the future"), ("0001-01-01", "Enter the date the original")],
)
def test_impossible_original_dates_are_explained(editor_client, day, message):
    source = SourceFactory()
    body = editor_client.post(
        ADD_URL, form_data(source=source.pk, original_date=day)
    ).content.decode()
    assert message in body
    assert not Article.objects.filter(slug="grain-deal-signed").exists()
