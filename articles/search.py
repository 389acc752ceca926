"""Full-text search over the archive, and the one definition of an article's text.

A stored `search_vector` per article (title A, authors and source B, pull quote C, excerpt D),
copied into the narrow search entries the search reads (articles/entries.py), queried with
`websearch_to_tsquery`. Ranking every match of a common word at a million articles is what
costs time, so only the most recent `CANDIDATES` matches are ranked (a common word's results
are then, in effect, newest first); a rare word's matches are all ranked. How those matches
are found fast is articles/search_plans.py.

The same-story fingerprints (stories app) read an article's text from this vector too: its
own words are the lexemes weighted A, C and D (`OWN_WORDS`), so search and same-story detection
never disagree on what an article says.
"""

import html
import re

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.entries import DROP_CTE, entries_refresh
from articles.search_plans import CONFIG, Filters, candidates

CANDIDATES = 300
MAX_QUERY_LENGTH = 200
# Private-use characters: ts_headline marks matches with them, then everything is escaped and
# only they become <mark>, so nothing an editor typed is ever rendered as markup.
START, STOP = "\ue000", "\ue001"


def document_sql(*, title: str, names: str, pull_quote: str, excerpt: str) -> str:
    """The SQL tsvector of an article from four SQL expressions: its title (weight A), its
    authors and source (B), its pull quote (C) and its excerpt (D), whose HTML tags and
    character entities are not words."""
    return f"""(
        setweight(to_tsvector('{CONFIG}', coalesce({title}, '')), 'A')
        || setweight(to_tsvector('{CONFIG}', coalesce({names}, '')), 'B')
        || setweight(to_tsvector('{CONFIG}', coalesce({pull_quote}, '')), 'C')
        || setweight(to_tsvector('{CONFIG}',
            regexp_replace(coalesce({excerpt}, ''), '<[^>]*>|&[#a-zA-Z0-9]+;', ' ', 'g')), 'D')
    )"""


# What an article itself says (its title, pull quote and excerpt, not who wrote or published
# it), from a stored vector...
OWN_WEIGHTS = "'{a,c,d}'"
OWN_WORDS = f"ts_filter(a.search_vector, {OWN_WEIGHTS})"
# ... or from the fields of an article not saved yet (parameters title, pull_quote, excerpt).
_FIELDS = document_sql(
    title="%(title)s", names="''", pull_quote="%(pull_quote)s", excerpt="%(excerpt)s"
)
OWN_WORDS_OF_FIELDS = f"ts_filter({_FIELDS}, {OWN_WEIGHTS})"

_NAMES = """coalesce((
    SELECT string_agg(au.name, ' ' ORDER BY aa.position)
    FROM articles_articleauthor aa JOIN articles_author au ON au.id = aa.author_id
    WHERE aa.article_id = a.id), '') || ' ' || s.name"""
UPDATE_SQL = f"""
UPDATE articles_article AS a SET search_vector = {
    document_sql(title="a.title", names=_NAMES, pull_quote="a.pull_quote", excerpt="a.excerpt")
}
FROM articles_source AS s
WHERE s.id = a.source_id AND {{where}}
"""  # noqa: S608 (constants only; values go in as parameters)


def update_search_vectors(
    *, article_ids=None, source_ids=None, author_ids=None, id_range=None, entries=True
) -> None:
    """Recompute stored vectors for the given articles (or every article of some sources or
    authors, or an id range for bulk generation), and their search and listing entries
    (`entries=False` only for a migration older than those tables)."""
    if article_ids is not None:
        where, params = "a.id = ANY(%s)", [list(article_ids)]
    elif source_ids is not None:
        where, params = "a.source_id = ANY(%s)", [list(source_ids)]
    elif author_ids is not None:
        where = "a.id IN (SELECT article_id FROM articles_articleauthor WHERE author_id = ANY(%s))"
        params = [list(author_ids)]
    else:
        where, params = "a.id >= %s AND a.id < %s", list(id_range)
    update = UPDATE_SQL.format(where=where) + " RETURNING a.id"
    if entries:  # the same statement drops the articles' entries
        update = f"WITH changed AS ({update}), {DROP_CTE.format(ids='SELECT id FROM changed')}"  # noqa: S608
        update += " SELECT id FROM changed"
    with connection.cursor() as cursor:
        cursor.execute(update, params)
        changed = [row[0] for row in cursor.fetchall()]
    if entries:
        # Deleted articles among `article_ids` lost their entries with them (ON DELETE CASCADE).
        entries_refresh(changed, dropped=True)


def clean_query(text: str) -> str:
    """A query a reader typed, bounded and stripped of control characters."""
    text = re.sub(r"[\x00-\x1f\x7f\ue000\ue001]", " ", text or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def ranked_ids(text: str, filters: Filters) -> list[int]:
    """Ids of the published matches of `text` within `filters`, best first, at most
    `CANDIDATES + 1` of them (one more tells "and more"): the newest candidates, found by the
    plan PostgreSQL's estimate suggests (search_plans.py), then ranked here."""
    plan, rows = candidates(text, filters, CANDIDATES + 1)
    # A stable sort: equal ranks keep the newest-first order.
    return [pk for pk, rank in sorted(rows, key=lambda row: row[1], reverse=True)]


def headlines(articles, text: str) -> dict[int, SafeString]:
    """Snippets of each article's text around the matches, matches in <mark>, all else
    escaped: one query for a page of results. The snippet is shown text, not the searched
    document: the pull quote and the excerpt (the title stands above it), tags stripped but
    character entities kept until the snippet is unescaped."""
    articles = list(articles)
    if not articles:
        return {}
    sql = f"""
        SELECT id, ts_headline('{CONFIG}',
            coalesce(pull_quote, '') || ' ' || regexp_replace(excerpt, '<[^>]*>', ' ', 'g'),
            websearch_to_tsquery('{CONFIG}', %s),
            'StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, MaxFragments=2,
             FragmentDelimiter=" … "')
        FROM articles_article WHERE id = ANY(%s)
    """  # noqa: S608 (constants only; values go in as parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [text, [a.id for a in articles]])
        return {pk: _mark(snippet) for pk, snippet in cursor.fetchall()}


def _mark(snippet: str) -> SafeString:
    text = escape(html.unescape(snippet))
    return mark_safe(text.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


# For each word no title or pull quote uses, the closest one that some do (trigram distance,
# through the GiST index; the more used of two as close).
SUGGEST_SQL = """
SELECT w.word, (
    SELECT s.word FROM articles_searchword AS s
    WHERE similarity(s.word, w.word) >= %(least)s
    ORDER BY s.word <-> w.word, s.articles DESC LIMIT 1)
FROM unnest(%(words)s::text[]) AS w(word)
WHERE NOT EXISTS (SELECT 1 FROM articles_searchword AS k WHERE k.word = w.word)
"""
OPERATORS = {"or", "and", "not"}


def corrected_query(text: str, *, least: float = 0.3) -> str | None:
    """`text` with each word the archive does not use replaced by the archive's closest word
    ("Wagnr Turky" → "wagner turkey"), or None when there is nothing to correct."""
    words = {w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)} - OPERATORS
    if not words:
        return None
    with connection.cursor() as cursor:
        cursor.execute(SUGGEST_SQL, {"words": sorted(words), "least": least})
        fixes = {word: fix for word, fix in cursor.fetchall() if fix}
    if not fixes:
        return None
    return re.sub(r"[^\W\d_]+", lambda m: fixes.get(m.group().lower(), m.group()), text)
