"""Fingerprints follow their articles, and the archive's stem counts stay exact: on save, on
edit, on delete, and when two writers refresh the same article at once."""

import threading
import time

import pytest
from django.db import connection, transaction

from articles.models import Article
from articles.search import update_search_vectors
from stories.fingerprints import fingerprints_refresh
from stories.models import Fingerprint, TermStat
from tests.factories import ArticleFactory


def counted_stems() -> dict[str, int]:
    """Document frequencies as stored (zero counts left out)."""
    return {t.term: t.df for t in TermStat.objects.exclude(df=0)}


def actual_stems() -> dict[str, int]:
    """Document frequencies recounted from the fingerprints themselves."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.lexeme, count(*) FROM stories_fingerprint AS f, unnest(f.vector) AS u "
            "GROUP BY u.lexeme UNION ALL SELECT '', count(*) FROM stories_fingerprint"
        )
        return {term: n for term, n in cursor.fetchall() if n}


@pytest.mark.django_db
def test_saving_editing_and_deleting_keep_the_counts_exact():
    first = ArticleFactory(title="Zebra crossing", excerpt="<p>A quokka &amp; a zebra.</p>")
    ArticleFactory(title="Zebra stripes", excerpt="<p>Stripes.</p>")
    assert counted_stems() == actual_stems()
    assert counted_stems()["zebra"] == 2
    assert "amp" not in counted_stems()  # an entity is not a word
    first.title, first.excerpt = "Lion crossing", "<p>A lion.</p>"
    first.save()
    assert counted_stems() == actual_stems()
    assert counted_stems()["zebra"] == 1
    first.delete()
    assert counted_stems() == actual_stems()
    assert Fingerprint.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_of_one_article_at_once_count_it_once():
    article = ArticleFactory(title="Zebra crossing", excerpt="<p>A zebra.</p>")
    Article.objects.filter(pk=article.pk).update(title="Quokka crossing")
    update_search_vectors(article_ids=[article.pk])  # the text changed; no refresh yet
    refreshed = threading.Event()

    def slow_writer():  # refreshes, then holds its transaction open a while
        try:
            with transaction.atomic():
                fingerprints_refresh(article_ids=[article.pk])
                refreshed.set()
                time.sleep(0.5)
        finally:
            connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert refreshed.wait(10)
    fingerprints_refresh(article_ids=[article.pk])  # while the other is still open
    writer.join()

    assert counted_stems() == actual_stems()
    assert counted_stems()["quokka"] == counted_stems()["zebra"] == 1
