"""Clustering the existing archive: fingerprint what has none, then link confident pairs.

Resumable: each fingerprint records whether its article was clustered since it last changed,
so an interrupted run continues where it stopped and an article added or edited since is
clustered next time. Idempotent: fingerprints are only computed where missing, and a pair
already in one story, or already decided by an editor, is left alone. Articles go in order of
date, a batch at a time, so that one query shortlists a whole batch's neighbours.
"""

from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction

from articles.models import Article
from stories import services
from stories.fingerprints import fingerprints_refresh
from stories.models import Fingerprint, PairDecision
from stories.search import candidates_for_article, window_days

Progress = Callable[[int, int], None]
# In the archive of the labelled real pairs, every pair scoring the auto-link threshold (0.5)
# shares at least 4 of its 30 distinctive stems (stories.fingerprints.KEYWORDS_PER_ARTICLE),
# most of them 7 or more. (Asking for 3 would search a quarter of a generated archive.)
SHORTLIST_KEYWORDS = 4
SHORTLIST_WORK_MEM = "256MB"
_SHORTLIST_SQL = """
WITH batch AS (
    SELECT article_id, original_date, unnest(keywords) AS term
    FROM stories_fingerprint WHERE article_id = ANY(%(ids)s)
), span AS (
    SELECT min(original_date) - %(window)s AS start, max(original_date) + %(window)s AS stop
    FROM batch
), near AS (
    SELECT f.article_id, f.original_date, unnest(f.keywords) AS term
    FROM stories_fingerprint AS f, span WHERE f.original_date BETWEEN span.start AND span.stop
)
SELECT article_id, array_agg(other ORDER BY other) FROM (
    SELECT b.article_id, n.article_id AS other
    FROM batch AS b JOIN near AS n ON n.term = b.term
        AND n.original_date BETWEEN b.original_date - %(window)s AND b.original_date + %(window)s
        AND n.article_id <> b.article_id
    GROUP BY b.article_id, n.article_id
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
    batch_size: int = 5000,
    limit: int | None = None,
    dry_run: bool = False,
    progress=None,
) -> dict[str, int]:
    """Link each article not clustered since its fingerprint last changed to the candidates
    scoring at least `threshold`, in order of date, stopping after `limit` articles (a large
    archive takes several bounded runs)."""
    pending = Fingerprint.objects.filter(clustered=False).order_by("original_date", "article")
    total, counts = pending.count(), {"articles": 0, "linked": 0}
    total = min(total, limit) if limit is not None else total
    while (size := min(batch_size, total - counts["articles"])) > 0 and (
        ids := list(pending.values_list("article_id", flat=True)[:size])
    ):
        shortlist = _shortlist(ids)
        articles = Article.objects.select_related("source").in_bulk(shortlist)
        for pk, among in shortlist.items():  # the others cannot reach an auto-link score
            counts["linked"] += _link_confident(
                articles[pk], threshold=threshold, dry_run=dry_run, among=among
            )
        counts["articles"] += len(ids)
        if dry_run:
            break
        Fingerprint.objects.filter(article_id__in=ids).update(clustered=True)
        if progress:
            progress(counts["articles"], total)
    return counts


def _shortlist(ids: list[int]) -> dict[int, list[int]]:
    """Article id -> the articles of its window sharing at least SHORTLIST_KEYWORDS of its
    distinctive stems, for a batch of articles close in date, in one query (one hash join of
    the batch's stems with those of every article of its dates' windows). A pair scoring the
    auto-link threshold shares more (see SHORTLIST_KEYWORDS), so the full search runs only
    for the articles that have such a neighbour."""
    params = {"ids": ids, "window": window_days(), "shared": SHORTLIST_KEYWORDS}
    with transaction.atomic(), connection.cursor() as cursor:
        # a batch's pairs sharing any stem run to millions: counted in memory, not on disk
        cursor.execute(f"SET LOCAL work_mem = '{SHORTLIST_WORK_MEM}'")
        cursor.execute(_SHORTLIST_SQL, params)
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
    Fingerprint.objects.filter(clustered=True).update(clustered=False)
