"""Fingerprints and document frequencies, computed inside PostgreSQL.

An article's fingerprint is its own words, by the articles app's one definition of an
article's text (PostgreSQL's English configuration stems them and drops stop words), so the
same set-based SQL fingerprints one article on save and a million in the backfill; Python
only ever sees the stems of the handful of articles it scores.
"""

import math
from collections.abc import Sequence

from django.db import connection

from articles.search import OWN_WEIGHTS, document_sql

# An article's own words (title, pull quote, excerpt: not who wrote or published it), read from
# its columns rather than from the reader search's stored vector, so the same-story search
# depends on no search table (and an archive copied in without vectors is fingerprinted too).
_DOCUMENT = document_sql(
    title="a.title", names="''", pull_quote="a.pull_quote", excerpt="a.excerpt"
)
OWN_WORDS = f"ts_filter({_DOCUMENT}, {OWN_WEIGHTS})"


KEYWORDS_PER_ARTICLE = 30
# Inverse document frequency counts this many unseen documents besides the archive, so that a
# young archive of a few articles weighs stems by their frequency in the text (a stem shared by
# its only two articles is not worthless) and a large one by their rarity.
PRIOR_DOCUMENTS = 1000

# Two refreshes of one article at once would both subtract its old fingerprint and both add
# the new one. Each first takes a lock per article (until its transaction ends: with several
# statements in one call, PostgreSQL runs them as one transaction, each with a fresh snapshot),
# so the second reads what the first wrote. Sent in the same round trip as the refresh.
_LOCK_SQL = """
SELECT pg_advisory_xact_lock(%(lock)s, key)
FROM (SELECT DISTINCT (unnest(%(ids)s::bigint[]) %% 2147483647)::int AS key ORDER BY 1) AS k;
"""
LOCK_NAMESPACE = 0x5F1D  # the first key of the advisory locks above

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

# One statement (so a save costs one round trip and no reader sees half of it): the articles'
# own words (OWN_WORDS), the change in document
# frequencies, each article's most distinctive stems ranked with the frequencies as they are
# after this change, and the dated keyword rows of the candidate stage. Every sub-statement
# reads the same snapshot, so the new frequencies are the old ones plus `delta`.
_REFRESH_SQL = f"""
WITH ids AS (
    SELECT DISTINCT unnest(%(ids)s::bigint[]) AS id
), new AS (
    SELECT a.id AS article_id, a.original_date, {OWN_WORDS} AS vector
    FROM articles_article AS a JOIN ids ON ids.id = a.id
), old AS (
    SELECT f.article_id, f.vector FROM stories_fingerprint AS f JOIN ids ON ids.id = f.article_id
), delta AS (
    SELECT term, sum(n)::int AS n FROM (
        SELECT u.lexeme AS term, -1 AS n FROM old, unnest(old.vector) AS u
        UNION ALL SELECT '', -1 FROM old
        UNION ALL SELECT u.lexeme, 1 FROM new, unnest(new.vector) AS u
        UNION ALL SELECT '', 1 FROM new
    ) AS changes GROUP BY term HAVING sum(n) <> 0
), counted AS (  -- in term order, so refreshes sharing terms take their locks alike
    INSERT INTO stories_termstat AS t (term, df) SELECT term, n FROM delta ORDER BY term
    ON CONFLICT (term) DO UPDATE SET df = t.df + excluded.df
), total AS (
    SELECT greatest(
        coalesce((SELECT df FROM stories_termstat WHERE term = ''), 0)
        + coalesce((SELECT n FROM delta WHERE term = ''), 0), 1)::float8 AS n
), ranked AS (
    SELECT new.article_id, u.lexeme, row_number() OVER (
        PARTITION BY new.article_id
        ORDER BY (1 + ln(coalesce(array_length(u.positions, 1), 1)))
            * ln((total.n + %(prior)s + 1)
                 / (coalesce(t.df, 0) + coalesce(d.n, 0) + 1)) DESC, u.lexeme
    ) AS rank
    FROM new CROSS JOIN total, unnest(new.vector) AS u
    LEFT JOIN stories_termstat AS t ON t.term = u.lexeme
    LEFT JOIN delta AS d ON d.term = u.lexeme
), keywords AS (
    SELECT new.article_id, new.original_date, new.vector, coalesce(array_agg(
        r.lexeme ORDER BY r.rank) FILTER (WHERE r.rank <= %(k)s), '{{}}') AS keywords
    FROM new LEFT JOIN ranked AS r ON r.article_id = new.article_id
    GROUP BY new.article_id, new.original_date, new.vector
), saved AS (
    INSERT INTO stories_fingerprint
        (article_id, original_date, vector, keywords, clustered, updated_at)
    SELECT article_id, original_date, vector, keywords, false, now() FROM keywords
    ON CONFLICT (article_id) DO UPDATE SET original_date = excluded.original_date,
        vector = excluded.vector, keywords = excluded.keywords, clustered = false,
        updated_at = excluded.updated_at
), unsaved AS (  -- articles that are gone
    DELETE FROM stories_fingerprint AS f USING old
    WHERE f.article_id = old.article_id
      AND NOT EXISTS (SELECT 1 FROM new WHERE new.article_id = old.article_id)
), gone AS (
    DELETE FROM stories_keyword AS k USING ids WHERE k.article_id = ids.id
)
INSERT INTO stories_keyword (article_id, term, original_date)
SELECT article_id, unnest(keywords), original_date FROM keywords
"""  # noqa: S608 (constants only; values go in as parameters)


def fingerprints_refresh(*, article_ids: Sequence[int]) -> None:
    """(Re)compute the fingerprints of these articles and keep document frequencies exact."""
    ids = list(article_ids)
    if not ids:
        return
    params = {"ids": ids, "k": KEYWORDS_PER_ARTICLE, "prior": PRIOR_DOCUMENTS}
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL + _REFRESH_SQL, {**params, "lock": LOCK_NAMESPACE})


def fingerprints_forget(*, article_ids: Sequence[int]) -> None:
    """Drop these articles' fingerprints (they are being deleted) and their document counts."""
    if article_ids:
        params = {"ids": list(article_ids), "lock": LOCK_NAMESPACE}
        with connection.cursor() as cursor:
            cursor.execute(_LOCK_SQL + _FORGET_SQL, params)


def inverse_document_frequency(total: int, df: int) -> float:
    return math.log((total + PRIOR_DOCUMENTS + 1) / (df + 1))
