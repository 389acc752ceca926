"""The same-story search: which archived articles report the story of this one?

Two stages. Candidates: articles dated within a window around the article's original date
that share its most distinctive stems (one B-tree range per stem), best overlap first.
Scoring: cosine similarity of sub-linear TF-IDF vectors over all content stems, which is robust
to paraphrase, reordering, extra paragraphs and a new title, and low for different events that
only share the same names: those names are a small part of either vector.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.utils.html import strip_tags

from articles.models import Article
from stories import fingerprints

QUERY_KEYWORDS = 40
CANDIDATES_SCORED = 15
# Coverage of one story appears within a few days; a follow-up a week later that shares the
# same names (a truce and its collapse) is another story, so scores fade past the grace days.
GRACE_DAYS = 2
FADE_DAYS = 10

_CANDIDATES_SQL = """
SELECT k.article_id, min(k.original_date), sum(q.weight) AS overlap
FROM unnest(%(terms)s::text[], %(weights)s::float8[]) AS q(term, weight)
JOIN stories_keyword AS k ON k.term = q.term COLLATE "C"
WHERE k.original_date BETWEEN %(start)s AND %(end)s
  AND NOT (k.article_id = ANY(%(exclude)s))
GROUP BY k.article_id
ORDER BY overlap DESC, k.article_id
LIMIT %(limit)s
"""


@dataclass(frozen=True)
class Candidate:
    article: Article
    score: float


def threshold() -> float:
    return float(getattr(settings, "STORIES_THRESHOLD", 0.25))


def window_days() -> int:
    return int(getattr(settings, "STORIES_WINDOW_DAYS", 30))


def article_text(article: Article) -> str:
    return " ".join([article.title, article.pull_quote, strip_tags(article.excerpt)])


def candidates_for_article(
    article: Article, *, exclude_ids=(), min_score: float | None = None
) -> list[Candidate]:
    """Same-story candidates for a saved article (or for one being added, from its fields)."""
    if connection.vendor != "postgresql":
        return []
    counts = {}
    if article.pk:
        counts = fingerprints.term_counts_of_articles([article.pk])[article.pk]
    if not counts:
        counts = fingerprints.term_counts_of_text(article_text(article))
    exclude = {article.pk, *exclude_ids} - {None}
    return search(counts, article.original_date, exclude_ids=exclude, min_score=min_score)


def search(
    counts: dict[str, int], original_date: date, *, exclude_ids=(), min_score=None
) -> list[Candidate]:
    """Articles scoring at least `min_score` (the configured threshold by default), best first."""
    if not counts or original_date is None:
        return []
    total, frequencies = fingerprints.document_frequencies(list(counts))
    query = _weights(counts, total, frequencies)
    dates = _candidate_dates(query, original_date, list(exclude_ids))
    ids = list(dates)
    if not ids:
        return []
    others, their_frequencies = fingerprints.term_counts_with_frequencies(ids)
    frequencies = {**their_frequencies, **frequencies}
    floor = threshold() if min_score is None else min_score
    scored = [
        (
            article_id,
            _cosine(query, _weights(others[article_id], total, frequencies))
            * date_factor(original_date, dates[article_id]),
        )
        for article_id in ids
    ]
    scored = sorted(
        ((article_id, score) for article_id, score in scored if score >= floor),
        key=lambda pair: (-pair[1], pair[0]),
    )
    articles = Article.objects.select_related("source").in_bulk([pk for pk, _ in scored])
    return [Candidate(articles[pk], round(score, 3)) for pk, score in scored if pk in articles]


def date_factor(a: date, b: date) -> float:
    days = abs((a - b).days)
    return 1 / (1 + max(days - GRACE_DAYS, 0) / FADE_DAYS)


def _weights(counts: dict[str, int], total: int, frequencies: dict[str, int]) -> dict[str, float]:
    return {
        term: (1 + math.log(count))
        * fingerprints.inverse_document_frequency(total, frequencies.get(term, 0))
        for term, count in counts.items()
    }


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(weight * b[term] for term, weight in a.items() if term in b)
    norms = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norms if norms else 0.0


def _shifted(day: date, delta: timedelta) -> date:
    """The date `delta` away, stopping at the ends of the calendar (years 1 and 9999)."""
    try:
        return day + delta
    except OverflowError:
        return date.max if delta > timedelta(0) else date.min


def _candidate_dates(query: dict[str, float], original_date: date, exclude: list) -> dict:
    """Candidates' original dates by article id, best keyword overlap first."""
    top = sorted(query.items(), key=lambda item: (-item[1], item[0]))[:QUERY_KEYWORDS]
    window = timedelta(days=window_days())
    with connection.cursor() as cursor:
        cursor.execute(
            _CANDIDATES_SQL,
            {
                "terms": [term for term, _ in top],
                "weights": [weight for _, weight in top],
                "start": _shifted(original_date, -window),
                "end": _shifted(original_date, window),
                "exclude": exclude,
                "limit": CANDIDATES_SCORED,
            },
        )
        return {article_id: original_date for article_id, original_date, _ in cursor.fetchall()}
