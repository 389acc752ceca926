"""The search data of the articles an import creates, refreshed a chunk behind on a second
connection.

A chunk's new articles need their search vectors and same-story fingerprints, by the same code
that keeps them for articles added by hand (`update_search_vectors`, then `articles_changed`,
which the stories app and the briefing cache listen to). That is most of PostgreSQL's work in an
import, and most of the importer's own is reading and parsing the next chunk: so, once a chunk
has committed, its refresh runs in a thread with its own connection while the next chunk is
read. On two cores the import then takes about the longer of the two, not their sum. At most
one refresh waits (a slow server holds the reader back; memory stays flat).

An import inside a transaction (a dry run, a test) refreshes inline: its rows are not committed
for another connection to see. A run stopped after a chunk committed but before its refresh
leaves articles without a search vector; the next run refreshes them first (`missing`).
"""

from concurrent.futures import Future, ThreadPoolExecutor

from django.core.cache import cache
from django.db import connection, connections, transaction

from articles.models import Article
from articles.search import update_search_vectors
from articles.signals import SIDEBAR_CACHE_KEY, articles_changed
from core.deferred import batch


def refresh_articles(article_ids: list[int]) -> None:
    """What a save of these (bulk-inserted) articles would have refreshed, in one transaction."""
    with transaction.atomic(), batch():
        update_search_vectors(article_ids=article_ids)
        cache.delete(SIDEBAR_CACHE_KEY)
        articles_changed.send(sender=Article, article_ids=frozenset(article_ids))


def missing() -> list[int]:
    """Imported articles whose refresh an interrupted run did not get to."""
    articles = Article.objects.filter(wordpress_origin__isnull=False, search_vector__isnull=True)
    return list(articles.values_list("id", flat=True))


class Refresher:
    def __init__(self, *, inline: bool):
        self.executor = None if inline else ThreadPoolExecutor(1, "wordpress-refresh")
        self.pending: Future | None = None

    @classmethod
    def for_import(cls, *, dry_run: bool) -> "Refresher":
        return cls(inline=dry_run or connection.in_atomic_block)

    def submit(self, article_ids: list[int]) -> None:
        """Refresh these committed articles (after the previous refresh: its errors raise here)."""
        if not article_ids:
            return
        if self.executor is None:
            refresh_articles(article_ids)
            return
        self.wait()
        self.pending = self.executor.submit(refresh_articles, list(article_ids))

    def wait(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """Wait for the last refresh, then close the thread's connection."""
        if self.executor is None:
            return
        try:
            self.wait()
        finally:
            self.executor.submit(connections.close_all).result()
            self.executor.shutdown()
