"""Fingerprints and document frequencies, computed inside PostgreSQL.

PostgreSQL's English text-search configuration does the stemming and drops stop words, so the
same set-based SQL fingerprints one article on save and a million in the backfill; Python only
ever sees the stems of the handful of articles it scores.
"""

import math
from collections.abc import Sequence

from django.db import connection, transaction

KEYWORDS_PER_ARTICLE = 30
# Inverse document frequency counts this many unseen documents besides the archive, so that a
# young archive of a few articles weighs stems by their frequency in the text (a stem shared by
# its only two articles is not worthless) and a large one by their rarity.
PRIOR_DOCUMENTS = 1000

_FORGET_SQL = """
WITH gone AS (
    DELETE FROM stories_keyword WHERE article_id = ANY(%(ids)s)
), old AS (
    DELETE FROM stories_fingerprint WHERE article_id = ANY(%(ids)s) RETURNING vector
), counts AS (
    SELECT u.lexeme AS term, count(*) AS n FROM old, unnest(old.vector) AS u GROUP BY u.lexeme
    UNION ALL
    SELECT '', count(*) FROM old
)
UPDATE stories_termstat AS t SET df = t.df - counts.n FROM counts WHERE t.term = counts.term
"""

# Title, pull quote and excerpt (tags and character entities stripped) as one text.
_INSERT_SQL = """
INSERT INTO stories_fingerprint (article_id, original_date, vector, keywords, updated_at)
SELECT a.id, a.original_date, to_tsvector('english',
    coalesce(a.title, '') || ' ' || coalesce(a.pull_quote, '') || ' '
    || regexp_replace(coalesce(a.excerpt, ''), '<[^>]*>|&[#a-zA-Z0-9]+;', ' ', 'g')
), '{}', now()
FROM articles_article AS a WHERE a.id = ANY(%(ids)s)
"""

_COUNT_SQL = """
INSERT INTO stories_termstat (term, df)
SELECT term, n FROM (
    SELECT u.lexeme AS term, count(*) AS n
    FROM stories_fingerprint AS f, unnest(f.vector) AS u
    WHERE f.article_id = ANY(%(ids)s) GROUP BY u.lexeme
    UNION ALL
    SELECT '', count(*) FROM stories_fingerprint WHERE article_id = ANY(%(ids)s)
) AS counts
ON CONFLICT (term) DO UPDATE SET df = stories_termstat.df + excluded.df
"""

# The most distinctive stems: sub-linear term frequency times inverse document frequency.
_KEYWORDS_SQL = """
WITH total AS (SELECT greatest(df, 1)::float8 AS n FROM stories_termstat WHERE term = ''),
weighted AS (
    SELECT f.article_id, u.lexeme,
        row_number() OVER (
            PARTITION BY f.article_id
            ORDER BY (1 + ln(coalesce(array_length(u.positions, 1), 1)))
                * ln((total.n + %(prior)s + 1) / (coalesce(t.df, 0) + 1)) DESC, u.lexeme
        ) AS rank
    FROM stories_fingerprint AS f CROSS JOIN total, unnest(f.vector) AS u
    LEFT JOIN stories_termstat AS t ON t.term = u.lexeme
    WHERE f.article_id = ANY(%(ids)s)
)
UPDATE stories_fingerprint AS f SET keywords = k.keywords
FROM (
    SELECT article_id, array_agg(lexeme ORDER BY rank) AS keywords
    FROM weighted WHERE rank <= %(k)s GROUP BY article_id
) AS k
WHERE f.article_id = k.article_id
"""

_KEYWORD_ROWS_SQL = """
INSERT INTO stories_keyword (article_id, term, original_date)
SELECT article_id, unnest(keywords), original_date
FROM stories_fingerprint WHERE article_id = ANY(%(ids)s)
"""


def fingerprints_refresh(*, article_ids: Sequence[int]) -> None:
    """(Re)compute the fingerprints of these articles and keep document frequencies exact."""
    ids = list(article_ids)
    if not ids or connection.vendor != "postgresql":
        return
    with transaction.atomic(), connection.cursor() as cursor:
        params = {"ids": ids, "k": KEYWORDS_PER_ARTICLE, "prior": PRIOR_DOCUMENTS}
        for sql in (_FORGET_SQL, _INSERT_SQL, _COUNT_SQL, _KEYWORDS_SQL, _KEYWORD_ROWS_SQL):
            cursor.execute(sql, params)


def fingerprints_forget(*, article_ids: Sequence[int]) -> None:
    """Drop these articles' fingerprints (they are being deleted) and their document counts."""
    if article_ids and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_FORGET_SQL, {"ids": list(article_ids)})


def term_counts_of_text(text: str) -> dict[str, int]:
    """The stems of a text not (yet) in the archive, e.g. an article being added."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme, coalesce(array_length(positions, 1), 1) "
            "FROM unnest(to_tsvector('english', %s))",
            [text],
        )
        return dict(cursor.fetchall())


def term_counts_of_articles(article_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Stems of fingerprinted articles, by article id, in one query."""
    counts: dict[int, dict[str, int]] = {article_id: {} for article_id in article_ids}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f.article_id, u.lexeme, coalesce(array_length(u.positions, 1), 1) "
            "FROM stories_fingerprint AS f, unnest(f.vector) AS u "
            "WHERE f.article_id = ANY(%s)",
            [list(article_ids)],
        )
        for article_id, lexeme, count in cursor.fetchall():
            counts[article_id][lexeme] = count
    return counts


def term_counts_with_frequencies(
    article_ids: Sequence[int],
) -> tuple[dict[int, dict[str, int]], dict[str, int]]:
    """Stems of fingerprinted articles by article id, and each stem's document frequency, in
    one query (the scoring stage reads both for every candidate)."""
    counts: dict[int, dict[str, int]] = {article_id: {} for article_id in article_ids}
    frequencies: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f.article_id, u.lexeme, coalesce(array_length(u.positions, 1), 1), "
            "coalesce(t.df, 0) "
            "FROM stories_fingerprint AS f CROSS JOIN unnest(f.vector) AS u "
            "LEFT JOIN stories_termstat AS t ON t.term = u.lexeme "
            "WHERE f.article_id = ANY(%s)",
            [list(article_ids)],
        )
        for article_id, lexeme, count, df in cursor.fetchall():
            counts[article_id][lexeme] = count
            frequencies[lexeme] = df
    return counts, frequencies


def document_frequencies(terms: Sequence[str]) -> tuple[int, dict[str, int]]:
    """The number of fingerprinted articles, and how many of them contain each term."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT term, df FROM stories_termstat WHERE term = ANY(%s)", [["", *terms]]
        )
        frequencies = dict(cursor.fetchall())
    return max(frequencies.pop("", 0), 0), frequencies


def inverse_document_frequency(total: int, df: int) -> float:
    return math.log((total + PRIOR_DOCUMENTS + 1) / (df + 1))
