"""The same-story search: which archived articles report the story of this one?

Two stages. Candidates: articles dated within a window around the article's original date
that share its most distinctive stems (one B-tree range per stem), best overlap first, leaving
out the article's own story and the pairs editors dismissed. Scoring: cosine similarity of
sub-linear TF-IDF vectors over all content stems, which is robust to paraphrase, reordering,
extra paragraphs and a new title, and low for different events that only share the same names:
those names are a small part of either vector. Judging: each candidate's event is compared
with the article's (stories/verdicts.py); one that reports a different event (another stage,
day or figure) is set aside whatever its score, and one that shares the event's facts needs a
lower score.

The article's side is read from its current fields (saved or not, as the editor typed them),
the candidates' side from their stored fingerprints, both in one query; a second loads the
candidates' articles for the panel.
"""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection

from articles.models import Article
from articles.search import OWN_WEIGHTS, OWN_WORDS_OF_FIELDS, document_sql
from stories import features, fingerprints, verdicts
from stories.events import profile
from stories.models import PairDecision

QUERY_KEYWORDS = 40
CANDIDATES_SCORED = 15
# Coverage of one story appears within a few days; a follow-up a week later that shares the
# same names (a truce and its collapse) is another story, so scores fade past the grace days.
GRACE_DAYS = 2
FADE_DAYS = 10

# One query: the article's own stems (from its fields) with their document frequencies, and
# the candidates sharing its most distinctive stems, each with its stems and their frequencies.
# Query rows have no article id; the first carries the number of fingerprinted articles.
_SEARCH_SQL = f"""
WITH words AS (
    SELECT u.lexeme AS term, coalesce(array_length(u.positions, 1), 1) AS n
    FROM unnest({OWN_WORDS_OF_FIELDS}) AS u
), total AS (
    SELECT greatest(coalesce((SELECT df FROM stories_termstat WHERE term = ''), 0), 0) AS n
), stats AS (
    SELECT w.term, w.n, coalesce(t.df, 0) AS df,
        (1 + ln(w.n)) * ln((total.n + %(prior)s + 1)::float8 / (coalesce(t.df, 0) + 1)) AS weight
    FROM words AS w CROSS JOIN total LEFT JOIN stories_termstat AS t ON t.term = w.term
), q AS (
    SELECT term, weight FROM stats ORDER BY weight DESC, term COLLATE "C" LIMIT %(keywords)s
), excluded AS (
    SELECT unnest(%(exclude)s::bigint[]) AS id
    UNION
    SELECT CASE WHEN p.first_id = %(article)s THEN p.second_id ELSE p.first_id END
    FROM stories_pairdecision AS p
    WHERE (p.first_id = %(article)s OR p.second_id = %(article)s)
      AND p.verdict = '{PairDecision.Verdict.DIFFERENT}'
    UNION
    SELECT member.article_id FROM stories_storyarticle AS member
    JOIN stories_storyarticle AS mine ON mine.story_id = member.story_id
    WHERE mine.article_id = %(article)s
), top AS (
    SELECT k.article_id, min(k.original_date) AS original_date, sum(q.weight) AS overlap
    FROM q JOIN stories_keyword AS k ON k.term = q.term COLLATE "C"
    WHERE k.original_date BETWEEN %(start)s AND %(end)s
      AND k.article_id NOT IN (SELECT id FROM excluded WHERE id IS NOT NULL)
      AND (%(among)s::bigint[] IS NULL OR k.article_id = ANY(%(among)s::bigint[]))
    GROUP BY k.article_id
    ORDER BY overlap DESC, k.article_id
    LIMIT %(limit)s
)
SELECT NULL::bigint, NULL::date, term, n, df, (SELECT n FROM total) FROM stats
UNION ALL
SELECT top.article_id, top.original_date, u.lexeme,
    coalesce(array_length(u.positions, 1), 1), coalesce(t.df, 0), NULL
FROM top JOIN stories_fingerprint AS f ON f.article_id = top.article_id
CROSS JOIN unnest(f.vector) AS u
LEFT JOIN stories_termstat AS t ON t.term = u.lexeme
"""  # noqa: S608 (constants only; values go in as parameters)


# The stems of texts that are not articles (a feed's items: a title and a summary), weighed
# against the archive's document frequencies as articles' stems are: one query for them all.
_TEXTS_SQL = f"""
WITH texts AS (
    SELECT t.i, ts_filter({
    document_sql(title="t.title", names="''", pull_quote="''", excerpt="t.body")
}, {OWN_WEIGHTS}) AS vector
    FROM unnest(%(titles)s::text[], %(bodies)s::text[]) WITH ORDINALITY AS t(title, body, i)
)
SELECT texts.i, u.lexeme, coalesce(array_length(u.positions, 1), 1), coalesce(s.df, 0),
    greatest(coalesce((SELECT df FROM stories_termstat WHERE term = ''), 0), 0)
FROM texts CROSS JOIN unnest(texts.vector) AS u
LEFT JOIN stories_termstat AS s ON s.term = u.lexeme
"""  # noqa: S608 (constants only; values go in as parameters)


@dataclass(frozen=True)
class Text:
    """Something to compare that is not an archived article: a title, its text, its day."""

    title: str
    text: str
    day: date | None


@dataclass(frozen=True)
class Candidate:
    article: Article
    score: float
    verdict: verdicts.Verdict | None = None


def threshold() -> float:
    return settings.STORIES_THRESHOLD


def window_days() -> int:
    return settings.STORIES_WINDOW_DAYS


def candidates_for_article(
    article: Article, *, exclude_ids=(), min_score: float | None = None, among=None
) -> list[Candidate]:
    """Same-story candidates of an article (saved, or being added), best first, with their
    articles: neither the article's own story nor a pair dismissed by an editor is proposed,
    nor an article reporting a different event. `among`: only these article ids."""
    judged = judged_candidates(article, exclude_ids=exclude_ids, min_score=min_score, among=among)
    return [candidate for candidate in judged if candidate.verdict.same]


def judged_candidates(
    article: Article, *, exclude_ids=(), min_score: float | None = None, among=None
) -> list[Candidate]:
    """Every candidate scoring at least the lower of `min_score` (the configured threshold by
    default) and the corroborated threshold, with the verdict on its event: two queries."""
    floor = threshold() if min_score is None else min_score
    corroborated = min(floor, verdicts.corroborated_threshold())
    lowest = corroborated if floor <= threshold() else floor  # see verdicts.judge
    scored = scored_candidates(article, exclude_ids=exclude_ids, min_score=lowest, among=among)
    if not scored:
        return []
    articles = Article.objects.select_related("source").in_bulk([pk for pk, _ in scored])
    mine = verdicts.article_side(article)
    return [
        Candidate(
            articles[pk],
            score,
            verdicts.judge(mine, verdicts.article_side(articles[pk]), score, floor=floor),
        )
        for pk, score in scored
        if pk in articles
    ]


def scored_candidates(
    article: Article, *, exclude_ids=(), min_score: float | None = None, among=None
) -> list[tuple[int, float]]:
    """(article id, score) of the candidates scoring at least `min_score` (the configured
    threshold by default), best first: one query."""
    if article.original_date is None:
        return []
    exclude = [pk for pk in {article.pk, *exclude_ids} if pk is not None]
    counts, dates, stems, frequencies, total = _search(
        article, exclude, None if among is None else list(among)
    )
    if not counts:
        return []
    query = _weights(counts, total, frequencies)
    floor = threshold() if min_score is None else min_score
    scored = (
        (
            pk,
            _cosine(query, _weights(stems[pk], total, frequencies))
            * date_factor(article.original_date, dates[pk]),
        )
        for pk in dates
    )
    kept = sorted(((pk, s) for pk, s in scored if s >= floor), key=lambda p: (-p[1], p[0]))
    return [(pk, round(score, 3)) for pk, score in kept]


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


def _search(article: Article, exclude: list[int], among: list[int] | None = None):
    """The article's stem counts; the candidates' dates and stem counts by article id; the
    document frequency of every stem seen; the number of fingerprinted articles."""
    window = timedelta(days=window_days())
    params = {
        "title": article.title,
        "pull_quote": article.pull_quote,
        "excerpt": article.excerpt,
        "prior": fingerprints.PRIOR_DOCUMENTS,
        "keywords": QUERY_KEYWORDS,
        "start": _shifted(article.original_date, -window),
        "end": _shifted(article.original_date, window),
        "exclude": exclude,
        "article": article.pk,
        "limit": CANDIDATES_SCORED,
        "among": among,
    }
    counts, dates, stems, frequencies, total = {}, {}, {}, {}, 0
    with connection.cursor() as cursor:
        cursor.execute(_SEARCH_SQL, params)
        for pk, original_date, lexeme, count, df, articles in cursor.fetchall():
            frequencies[lexeme] = df
            if pk is None:
                counts[lexeme], total = count, articles
            else:
                dates[pk] = original_date
                stems.setdefault(pk, {})[lexeme] = count
    return counts, dates, stems, frequencies, total


def texts_same_story(texts: list[Text]) -> set[tuple[int, int]]:
    """The pairs (i, j), i < j, of `texts` that report the same story, judged as the
    same-story search judges an article and a candidate: the lexical score (TF-IDF cosine over
    the archive's document frequencies, faded by the days between them) and the verdict on
    their events. One query."""
    if len(texts) < 2:
        return set()
    params = {"titles": [t.title for t in texts], "bodies": [t.text for t in texts]}
    stems: dict[int, dict[str, int]] = {}
    frequencies, total = {}, 0
    with connection.cursor() as cursor:
        cursor.execute(_TEXTS_SQL, params)
        for i, lexeme, count, df, documents in cursor.fetchall():
            stems.setdefault(i - 1, {})[lexeme] = count
            frequencies[lexeme], total = df, documents
    vectors = {i: _weights(counts, total, frequencies) for i, counts in stems.items()}
    lowest = min(threshold(), verdicts.corroborated_threshold())
    sides = {}
    same = set()
    for i in sorted(vectors):
        for j in sorted(k for k in vectors if k > i):
            score = _cosine(vectors[i], vectors[j])
            if texts[i].day and texts[j].day:
                score *= date_factor(texts[i].day, texts[j].day)
            if score < lowest:
                continue
            for k in (i, j):
                if k not in sides:
                    title, text, day = texts[k].title, texts[k].text, texts[k].day
                    sides[k] = features.Side(title, text, day, profile(title, text, day))
            if verdicts.judge(sides[i], sides[j], score).same:
                same.add((i, j))
    return same
