"""Clustering the existing archive: fingerprint what has none, then link confident pairs.

Resumable: the last article processed is stored in `BackfillCursor`, so an interrupted run
continues where it stopped. Idempotent: fingerprints are only computed where missing, and a
pair already in one story, or already decided by an editor, is left alone.
"""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection

from articles.models import Article
from stories import services
from stories.fingerprints import fingerprints_refresh
from stories.models import BackfillCursor, PairDecision
from stories.search import candidates_for_article, window_days

CURSOR = "cluster_stories"
Progress = Callable[[int, int], None]
# In the archive of the labelled real pairs, every pair scoring the auto-link threshold (0.5)
# shares at least 4 of its 30 distinctive stems (stories.fingerprints.KEYWORDS_PER_ARTICLE),
# every pair scoring 0.4 at least 3: the shortlist asks for 3.
SHORTLIST_KEYWORDS = 3
_SHORTLIST_SQL = """
SELECT article_id, array_agg(other ORDER BY other) FROM (
    SELECT k.article_id, o.article_id AS other
    FROM stories_keyword AS k
    JOIN stories_keyword AS o ON o.term = k.term
        AND o.original_date BETWEEN k.original_date - %(window)s AND k.original_date + %(window)s
        AND o.article_id <> k.article_id
    WHERE k.article_id = ANY(%(ids)s)
    GROUP BY k.article_id, o.article_id
    HAVING count(*) >= %(shared)s
) AS pairs
GROUP BY article_id
"""


def auto_link_threshold() -> float:
    return settings.STORIES_AUTO_LINK_THRESHOLD


def fingerprints_backfill(*, batch_size: int = 5000, progress: Progress | None = None) -> int:
    """Fingerprint every article that has none; returns how many were fingerprinted."""
    missing = Article.objects.filter(fingerprint__isnull=True).order_by("pk")
    total, done, after = missing.count(), 0, 0
    while ids := list(missing.filter(pk__gt=after).values_list("pk", flat=True)[:batch_size]):
        fingerprints_refresh(article_ids=ids)
        done, after = done + len(ids), ids[-1]
        if progress:
            progress(done, total)
    return done


def stories_backfill(
    *,
    threshold: float,
    batch_size: int = 500,
    limit: int | None = None,
    dry_run: bool = False,
    progress=None,
) -> dict[str, int]:
    """Link each article to the candidates scoring at least `threshold`, from the cursor on,
    stopping after `limit` articles (a large archive takes several bounded runs)."""
    cursor, _ = BackfillCursor.objects.get_or_create(name=CURSOR)
    pending = Article.objects.filter(pk__gt=cursor.last_article_id).order_by("pk")
    total, counts = pending.count(), {"articles": 0, "linked": 0}
    total = min(total, limit) if limit is not None else total
    while (size := min(batch_size, total - counts["articles"])) > 0 and (
        batch := list(
            pending.filter(pk__gt=cursor.last_article_id).select_related("source")[:size]
        )
    ):
        shortlist = _shortlist([article.pk for article in batch])
        for article in batch:
            if article.pk in shortlist:  # the others cannot reach an auto-link score
                counts["linked"] += _link_confident(
                    article, threshold=threshold, dry_run=dry_run, among=shortlist[article.pk]
                )
        counts["articles"] += len(batch)
        if dry_run:
            break
        cursor.last_article_id = batch[-1].pk
        cursor.save(update_fields=["last_article_id", "updated_at"])
        if progress:
            progress(counts["articles"], total)
    return counts


def _shortlist(ids: list[int]) -> dict[int, list[int]]:
    """Article id -> the articles of its window sharing at least SHORTLIST_KEYWORDS of its
    distinctive stems, for a whole batch in one query. A pair scoring the auto-link threshold
    shares most of them (see SHORTLIST_KEYWORDS), so the full search runs only for the few
    articles that have such a neighbour."""
    window = timedelta(days=window_days())
    with connection.cursor() as cursor:
        cursor.execute(
            _SHORTLIST_SQL, {"ids": ids, "window": window, "shared": SHORTLIST_KEYWORDS}
        )
        return dict(cursor.fetchall())


def _link_confident(article: Article, *, threshold: float, dry_run: bool, among=None) -> int:
    linked = 0  # the search leaves out the article's story and the pairs editors dismissed
    for candidate in candidates_for_article(article, min_score=threshold, among=among):
        if _decided(article, candidate.article):
            continue
        linked += 1
        if not dry_run:
            services.story_confirm(article=article, other=candidate.article, score=candidate.score)
    return linked


def _decided(a: Article, b: Article) -> bool:
    first, second = sorted([a.pk, b.pk])
    return PairDecision.objects.filter(first_id=first, second_id=second).exists()


def backfill_restart() -> None:
    BackfillCursor.objects.filter(name=CURSOR).delete()
