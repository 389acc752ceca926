"""`manage.py generate_archive` fills a realistic archive for benchmarks."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article, ArticleAuthor, Source

pytestmark = pytest.mark.django_db


def test_generates_articles_with_sources_authors_tags_and_a_progress_bar(client):
    out = StringIO()
    call_command("generate_archive", articles=120, batch_size=50, sources=7, authors=30,
                 tags=20, stdout=out)  # fmt: skip

    assert Article.objects.count() == 120
    assert Source.objects.count() == 7
    assert ArticleAuthor.objects.exists()
    assert "120/120 articles" in out.getvalue()
    assert "Generated 120 articles" in out.getvalue()
    dates = Article.objects.values_list("original_date", flat=True)
    assert (max(dates) - min(dates)).days > 365
    assert client.get("/articles/").status_code == 200


def test_generated_articles_are_searchable(client):
    call_command("generate_archive", articles=60, sources=3, authors=10, tags=5, stdout=StringIO())
    assert not Article.objects.filter(search_vector__isnull=True).exists()
    page = client.get("/search/", {"q": "israel or gaza or war"}).content.decode()
    assert "result-count" in page


def test_dry_run_writes_nothing():
    out = StringIO()
    call_command("generate_archive", articles=10, dry_run=True, stdout=out)
    assert Article.objects.count() == 0
    assert "Would generate 10 articles" in out.getvalue()


def test_needs_a_positive_count():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("generate_archive", articles=0)
