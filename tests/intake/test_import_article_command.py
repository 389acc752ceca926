"""`manage.py import_article`: the same import from the shell, and its JSON for measuring."""

import json

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from intake.models import ArticleSnapshot
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory
from tests.intake.conftest import DATA

pytestmark = pytest.mark.django_db
PAGE = DATA / "article.html"
URL = "https://coastal-ledger.example/2024/03/14/sea-wall-vote"


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_article", *args, stdout=out)
    return out.getvalue()


def test_json_prints_every_extracted_field_of_a_saved_page():
    data = json.loads(run("--from-file", str(PAGE), "--url", URL, "--json", "--dry-run"))
    assert set(data) == {
        "title", "authors", "source", "date", "excerpt_html", "body_text",
        "pull_quote_candidates", "canonical_url", "language",
    }  # fmt: skip
    assert data["title"] == "Harbour town votes to rebuild its flooded sea wall"
    assert data["authors"] == ["Maria Okafor"]
    assert data["source"] == "The Coastal Ledger"
    assert data["date"] == "2024-03-14"
    assert data["canonical_url"] == URL
    assert data["language"] == "en"
    assert data["body_text"].startswith("The council of Port Alder voted late on Wednesday")
    for chrome in ("Subscribe today", "All rights reserved", "Ferry timetable", "tracker"):
        assert chrome not in data["body_text"]
    assert data["pull_quote_candidates"][0] == (
        "We cannot ask people to pump water out of their living rooms every January."
    )


def test_the_excerpt_is_the_opening_paragraphs_up_to_the_configured_length(settings):
    settings.INTAKE_EXCERPT_WORDS = 70
    data = json.loads(run("--from-file", str(PAGE), "--url", URL, "--json", "--dry-run"))
    excerpt = data["excerpt_html"]
    assert excerpt.startswith("<p>The council of Port Alder voted")
    assert "<i>sea wall</i>" in excerpt  # emphasis kept
    assert excerpt.count("<p>") == 2  # 31 + 32 words; the third would pass 70
    assert "<script" not in excerpt and "Harbour town votes" not in excerpt


def test_a_dry_run_saves_nothing():
    out = run("--from-file", str(PAGE), "--url", URL, "--dry-run")
    assert "Dry run: nothing saved." in out
    assert "Maria Okafor" in out
    assert not Article.objects.exists()


def test_an_import_from_the_shell_saves_a_draft_with_its_snapshot(web):
    url = web.page("/2024/03/14/sea-wall-vote")
    out = run(url)
    article = Article.objects.get()
    assert "Saved as a draft" in out
    assert article.status == Article.Status.DRAFT
    assert article.source.name == "The Coastal Ledger"
    assert article.byline == "Maria Okafor"
    assert str(article.original_date) == "2024-03-14"
    snapshot = ArticleSnapshot.objects.get(article=article)
    assert snapshot.url == url
    assert "dunes to the north of the harbour" in snapshot.body_text


def test_existing_source_and_authors_are_matched_not_duplicated(web):
    source = SourceFactory(name="Ledger", home_page="https://coastal-ledger.example/")
    author = AuthorFactory(name="maria okafor")
    run("--from-file", str(PAGE), "--url", URL)
    article = Article.objects.get()
    assert article.source == source
    assert list(article.authors.all()) == [author]


def test_an_article_already_in_the_archive_is_refused():
    existing = ArticleFactory(original_url=URL + "?utm_source=feed")
    with pytest.raises(CommandError, match="already in the archive"):
        run("--from-file", str(PAGE), "--url", URL)
    assert Article.objects.get() == existing


def test_from_file_needs_the_page_address():
    with pytest.raises(CommandError, match="--url"):
        run("--from-file", str(PAGE))
    with pytest.raises(CommandError, match="Cannot read"):
        run("--from-file", str(DATA / "missing.html"), "--url", URL)


def test_the_body_leaves_out_teasers_keyword_lists_copyright_and_lone_links():
    page = DATA / "article-with-teasers.html"
    url = "https://coastal-ledger.example/2024/11/05/ferry-strike"
    data = json.loads(run("--from-file", str(page), "--url", url, "--json", "--dry-run"))
    body = data["body_text"]
    assert body.startswith("Crews of the island ferries voted on Monday")
    assert "Talks between the two sides are due to resume" in body
    for not_the_article in (
        "bronze medal",  # another article's teaser, inside this one's <article>
        "Harbour dues",
        "How the operator drew up",  # a paragraph that is one link
        "Copyright 2024",
        "ferry strike, island ferries",  # the keyword list
    ):
        assert not_the_article not in body
