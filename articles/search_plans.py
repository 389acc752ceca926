"""How a search finds its newest `CANDIDATES` matches fast at a million articles.

The matches are read from the narrow, year-partitioned `articles_searchentry` (articles/
entries.py). Which way is fastest depends on how many articles match, so each search first
asks PostgreSQL for its own estimate (EXPLAIN, planning only) and then runs one of three query
shapes, each written so that PostgreSQL has one way to run it:

- "bitmap" (few matches): the GIN index across every partition, then the newest first.
- "recent" (a word most articles have, or a phrase whose words most have): walk the recency
  index, newest partition first, testing each row's vector until enough match;
  `(... @@ ...) IS TRUE` hides the condition from the GIN index. The walk stops after `WALK`
  rows (`PHRASE_WALK` for a phrase): when PostgreSQL's estimate was far too high ("a -b" where
  b goes with a, a phrase of two words that seldom stand together), the search goes on as
  "years" instead of reading the whole archive row by row.
- "years" (in between): the GIN index one year's partition at a time, newest year first,
  until enough match; a remainder query takes every older year at once.

A query that contradicts itself ("putin -putin") matches nothing and reads nothing.

A tag filter is a lexeme of the query (`... && 'tag:<id>'`, the entries' vectors hold their
tags): the estimate is then that of the word and the tag together, and every shape applies it
as it applies the words. The source filter needs no shape of its own either: with it,
"recent" walks the source's recency index and "bitmap" combines the GIN index with it, as
PostgreSQL prefers. Ranking reads the reader's words only.
"""

import datetime
import json
import time
from dataclasses import dataclass

from django.db import connection

from articles.entries import tag_query

CONFIG = "english"
RARE = 1500  # up to this many estimated matches, the GIN index across all years (beyond it,
# reading every match costs more than the year-by-year queries: at 2,000-4,000 estimated matches
# 10-20 ms against 2-3 ms at a million articles, 6-7 against 2 at 100,000; bench_articles.py)
COMMON = 0.08  # from this share of the archive, walking newest first finds enough at once
YEARS_ONE_BY_ONE = 3  # then the remaining years in one query
WALK = 20_000  # rows the "recent" plan reads at most (~35 ms at a million articles)
# A phrase whose words are all in most articles: the GIN index filters out almost nothing, so
# year by year it would recheck every row of each year; the walk reads no more rows than that
# and stops at the newest matches (100 phrases of the top words at a million, both plans taking
# turns: p95 80.7 -> 56.5 ms; bench/README-articles.md).
COMMON_PHRASE = 0.5
PHRASE_WALK = 60_000  # about a year's partition at a million articles
TQ = f"websearch_to_tsquery('{CONFIG}', %(q)s)"


@dataclass(frozen=True)
class Filters:
    source_id: int | None = None
    tag_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _query(filters: Filters) -> str:
    """The text query of the reader's words, and of the tag when there is one."""
    return f"({TQ} && %(tag_query)s::tsquery)" if filters.tag_id else TQ


def _conditions(filters: Filters, *, match: str) -> list[str]:
    conditions = [match] if match else []
    if filters.source_id:
        conditions.append("e.source_id = %(source_id)s")
    if filters.date_from:
        conditions.append("e.original_date >= %(date_from)s")
    if filters.date_to:
        conditions.append("e.original_date <= %(date_to)s")
    return conditions


def _params(text: str, filters: Filters, limit: int, walk: int = WALK) -> dict:
    tag = tag_query(filters.tag_id) if filters.tag_id else None
    return {"q": text, "limit": limit, "walk": walk, "tag_query": tag, **filters.__dict__}


def estimate(text: str, filters: Filters) -> int:
    """PostgreSQL's estimate of the matches, tag, source and dates included."""
    where = " AND ".join(_conditions(filters, match=f"e.vector @@ {_query(filters)}"))
    sql = f"EXPLAIN (FORMAT JSON) SELECT 1 FROM articles_searchentry AS e WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(text, filters, 0))
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


_total_cache: list = [0, 0.0]  # [rows, when]


def total() -> int:
    """The number of search entries, as PostgreSQL's statistics last counted (re-read every
    ten minutes: a share, not an exact count, is what the choice needs)."""
    if time.monotonic() - _total_cache[1] > 600:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(greatest(c.reltuples, 0)), 0) FROM pg_inherits AS i "
                "JOIN pg_class AS c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'articles_searchentry'::regclass"
            )
            _total_cache[:] = [int(cursor.fetchone()[0]), time.monotonic()]
    return _total_cache[0]


def choose(matches: int, archive: int, *, phrase: bool = False) -> str:
    """The plan for a search PostgreSQL expects `matches` of `archive` entries to match. A
    phrase's estimate is that of its words anywhere (PostgreSQL keeps no statistics of word
    order), often ten times too high: a walk would read thousands of rows for each match,
    where the GIN index year by year rechecks only the articles with all the words — unless
    most articles have all of them (`COMMON_PHRASE`): then it filters out nothing, and the
    walk (up to `PHRASE_WALK` rows) reads fewer."""
    if matches <= RARE:
        return "bitmap"
    if matches >= (COMMON_PHRASE if phrase else COMMON) * archive:
        return "recent"
    return "years"


def candidates(text: str, filters: Filters, limit: int, plan: str | None = None):
    """(plan, [(article id, rank)]) of the newest `limit` matches, newest first."""
    if contradicts(text):
        return "none", []
    phrase = '"' in text
    plan = plan or choose(estimate(text, filters), total(), phrase=phrase)
    if plan == "years":
        return plan, _years(text, filters, limit)
    walk = PHRASE_WALK if phrase else WALK
    rows = _run(SHAPES[plan](filters), _params(text, filters, limit, walk))
    if plan == "recent" and len(rows) < limit and total() > walk:
        return "years", _years(text, filters, limit)  # the walk ended before it found enough
    return plan, rows


def contradicts(text: str) -> bool:
    """Whether the query asks for a word and its absence at once ("putin -putin"): then no
    article matches, though PostgreSQL's estimate says many (the walk would read them all)."""
    if "-" not in text:  # websearch syntax: a word is negated only by a leading "-"
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {TQ}::text", {"q": text})  # noqa: S608 (a constant)
        query = cursor.fetchone()[0]
    if any(mark in query for mark in "|<("):  # only a plain conjunction is judged
        return False
    terms = [term.strip() for term in query.split("&")]
    negated = {term[1:] for term in terms if term.startswith("!")}
    return any(term in negated for term in terms)


def _bitmap(filters: Filters, *extra: str) -> str:
    where = " AND ".join(_conditions(filters, match=f"e.vector @@ {_query(filters)}"))
    # An order no index gives: PostgreSQL collects the matches through the GIN index, then
    # keeps the newest.
    where += "".join(extra)
    return (
        f"SELECT e.article_id, e.vector FROM articles_searchentry AS e WHERE {where}"  # noqa: S608
        " ORDER BY e.published_at + interval '0' DESC, e.article_id + 0 DESC LIMIT %(limit)s"
    )


def _recent(filters: Filters) -> str:
    # The inner query walks the recency index (the source's, with a source filter) for at
    # most WALK rows; the outer one tests each row's vector and stops at `limit` matches.
    where = " AND ".join(_conditions(filters, match="")) or "TRUE"
    return (
        "SELECT e.article_id, e.vector FROM ("  # noqa: S608
        "SELECT e.article_id, e.vector, e.published_at FROM articles_searchentry AS e "
        f"WHERE {where} ORDER BY e.published_at DESC, e.article_id DESC LIMIT %(walk)s"
        f") AS e WHERE (e.vector @@ {_query(filters)}) IS TRUE"
        " ORDER BY e.published_at DESC, e.article_id DESC LIMIT %(limit)s"
    )


SHAPES = {"bitmap": _bitmap, "recent": _recent}


def _years(text: str, filters: Filters, limit: int) -> list:
    """The GIN index one year at a time, newest first: each query reads one partition."""
    found: list = []
    year = datetime.date.today().year
    windows = [(f"{year}-01-01", None)]  # this year and any later
    windows += [
        (f"{y}-01-01", f"{y + 1}-01-01") for y in range(year - 1, year - YEARS_ONE_BY_ONE, -1)
    ]
    windows.append((None, f"{year - YEARS_ONE_BY_ONE + 1}-01-01"))  # every older year at once
    for since, until in windows:
        extra = (f" AND e.published_at >= '{since} 00:00+00'" if since else "") + (
            f" AND e.published_at < '{until} 00:00+00'" if until else ""
        )
        found += _run(_bitmap(filters, extra), _params(text, filters, limit - len(found)))
        if len(found) >= limit:
            break
    return found


def _run(inner: str, params: dict) -> list:
    # Ranked outside the LIMIT: only the kept candidates are ranked.
    sql = f"SELECT c.article_id, ts_rank(c.vector, {TQ}) FROM ({inner}) AS c"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
