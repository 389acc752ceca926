"""An editor pastes an article's address on the add form and gets the form back filled."""

import re

import pytest
from django.contrib.messages import get_messages

from articles.models import Article, Author, Source
from intake.models import ArticleSnapshot
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory
from tests.html import form_fields
from tests.intake.conftest import article_page

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/articles/article/add/"
IMPORT_URL = "/admin/articles/article/import/"
PATH = "/2024/03/14/sea-wall-vote"


def article_form(page: str) -> dict[str, str]:
    """The fields of the article form (after the header's and the import's forms), with the
    selected option of each menu, as a browser would submit them."""
    before = page[: page.index('id="article_form"')]
    fields = form_fields(page, before.count("<form") - 1)
    for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*\bselected\b', options)
        if chosen and name in fields:
            fields[name] = chosen.group(1)
    return fields


def imported(editor_client, url):
    response = editor_client.get(IMPORT_URL, {"url": url}, follow=True)
    assert response.status_code == 200
    return response


def test_the_add_form_offers_import_from_url_and_a_bookmarklet(editor_client):
    page = editor_client.get(ADD_URL).text
    assert 'action="/admin/articles/article/import/"' in page
    assert 'name="url"' in page and ">Import</button>" in page
    bookmarklet = re.search(r'class="intake-bookmarklet" href="([^"]+)"', page).group(1)
    assert bookmarklet.startswith("javascript:location.href=")
    assert "/admin/articles/article/import/?url=" in bookmarklet


def test_an_import_fills_title_source_authors_date_excerpt_and_tags(editor_client, web):
    source = SourceFactory(name="Coastal Ledger", home_page="https://www.127.0.0.1/")
    SourceFactory(name="Elsewhere", home_page="https://elsewhere.example/")
    author = AuthorFactory(name="Maria Okafor")
    from taggit.models import Tag

    Tag.objects.create(name="flooding", slug="flooding")
    Tag.objects.create(name="sea wall", slug="sea-wall")
    Tag.objects.create(name="elections", slug="elections")
    url = web.page(PATH)
    response = imported(editor_client, url)
    fields = article_form(response.text)
    assert fields["title"] == "Harbour town votes to rebuild its flooded sea wall"
    assert fields["original_url"] == url
    assert fields["original_date"] == "2024-03-14"
    assert fields["source"] == str(source.pk)
    assert fields["article_authors-0-author"] == str(author.pk)
    assert fields["excerpt"].strip().startswith("<p>The council of Port Alder voted")
    assert "sea wall" in fields["tags"] and "elections" not in fields["tags"]
    page = response.text
    assert "matched by its domain" in page
    assert "Pick a pull quote" in page
    assert 'data-quote="We cannot ask people to pump water out of their living rooms' in page


def test_an_unknown_source_and_author_are_proposed_and_added_on_request(editor_client, web):
    url = web.page(PATH)
    response = imported(editor_client, url)
    page = response.text
    assert "The Coastal Ledger</strong> — not in the archive yet (proposed)" in page
    assert "new: Maria Okafor (proposed)" in page
    assert article_form(page)["source"] == ""
    token = re.search(r'name="_import" value="([^"]+)"', page).group(1)
    response = editor_client.post(f"{IMPORT_URL}{token}/create-proposed/", follow=True)
    source = Source.objects.get(name="The Coastal Ledger")
    author = Author.objects.get(name="Maria Okafor")
    fields = article_form(response.text)
    assert fields["source"] == str(source.pk)
    assert fields["article_authors-0-author"] == str(author.pk)
    assert "(proposed)" not in response.text


def test_saving_an_imported_article_keeps_its_snapshot_and_shows_it(editor_client, web):
    SourceFactory(name="Coastal Ledger", home_page="http://127.0.0.1/")
    AuthorFactory(name="Maria Okafor")
    response = imported(editor_client, web.page(PATH))
    fields = article_form(response.text)
    fields.update(slug="sea-wall-vote", pull_quote="A quote.", status="draft")
    response = editor_client.post(ADD_URL, fields)
    assert response.status_code == 302, response.text
    article = Article.objects.get()
    assert article.byline == "Maria Okafor"
    snapshot = ArticleSnapshot.objects.get(article=article)
    assert "raised dunes to the north" in snapshot.body_text
    page = editor_client.get(f"/admin/articles/article/{article.pk}/change/").text
    assert "Snapshot of the original" in page
    assert "raised dunes to the north" in page
    assert "Excerpt guard" in page


def test_a_url_already_in_the_archive_is_refused_at_once(editor_client, web):
    url = web.page(PATH)
    existing = ArticleFactory(original_url=url + "?utm_source=rss", title="The wall, again")
    page = imported(editor_client, url).text
    assert "This article is already in the archive" in page
    assert f'href="/admin/articles/article/{existing.pk}/change/">The wall, again' in page


@pytest.mark.django_db(transaction=False)
def test_the_same_story_panel_shows_before_anything_is_typed(editor_client, web):
    ArticleFactory(
        title="Port Alder council to rebuild flooded sea wall",
        excerpt="<p>The council of Port Alder voted to rebuild the sea wall that failed twice "
        "in the last two winters; the new wall will stand a metre higher.</p>",
        original_date="2024-03-14",
    )
    page = imported(editor_client, web.page(PATH)).text
    panel = page[page.index('id="same-story"') :]
    assert "Port Alder council to rebuild flooded sea wall" in panel


def test_a_failed_import_says_why_and_leaves_the_form_usable_by_hand(editor_client, web):
    url = web.url("/missing")
    response = imported(editor_client, url)
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Could not import" in message and "HTTP 404" in message
    assert "fill in by hand" in message
    fields = article_form(response.text)
    assert fields["original_url"] == url
    assert fields["title"] == ""


def test_an_import_costs_a_bounded_number_of_queries(
    editor_client, web, django_assert_max_num_queries
):
    url = web.page(PATH)
    response = editor_client.get(IMPORT_URL, {"url": url})
    with django_assert_max_num_queries(25):
        editor_client.get(response["Location"])


def test_every_matched_author_gets_a_byline_row_in_order(editor_client, web):
    page = article_page().replace(
        b'content="Maria Okafor"', b'content="Maria Okafor; Tom Reyes and Ana Silva"'
    )
    url = web.page(PATH, body=page)
    authors = [AuthorFactory(name=name) for name in ("Maria Okafor", "Tom Reyes", "Ana Silva")]
    fields = article_form(imported(editor_client, url).text)
    assert [fields[f"article_authors-{n}-author"] for n in range(3)] == [
        str(author.pk) for author in authors
    ]
