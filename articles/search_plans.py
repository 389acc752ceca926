"""How a search finds its newest `CANDIDATES` matches fast at a million articles.

The matches are read from the narrow, year-partitioned `articles_searchentry` (articles/
entries.py). Which way is fastest depends on how many articles match, so each search first
asks PostgreSQL for its own estimate (EXPLAIN, planning only) and then runs one of four query
shapes, each written so that PostgreSQL has one way to run it:

- "bitmap" (few matches): the GIN index across every partition, then the newest first.
- "recent" (a word most articles have): walk the recency index, newest partition first,
  testing each row's vector until enough match; `(... @@ ...) IS TRUE` hides the condition
  from the GIN index.
- "years" (in between): the GIN index one year's partition at a time, newest year first,
  until enough match; a remainder query takes every older year at once.
- "tag" (a tag filter and many matches): walk the tag's own listing, newest first, testing
  each article's vector.

The source filter needs no shape of its own: with it, "recent" walks the source's recency
index and "bitmap" combines the GIN index with it, as PostgreSQL prefers.
"""

import datetime
import json
import time
from dataclasses import dataclass

from django.db import connection

CONFIG = "english"
RARE = 4000  # up to this many estimated matches, the GIN index across all years
COMMON = 0.08  # from this share of the archive, walking newest first finds enough at once
YEARS_ONE_BY_ONE = 3  # then the remaining years in one query
TQ = f"websearch_to_tsquery('{CONFIG}', %(q)s)"
TAG_KIND = 3  # ListingEntry.Kind.TAG (this module is read by models' layer; no import cycle)


@dataclass(frozen=True)
class Filters:
    source_id: int | None = None
    tag_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _conditions(filters: Filters, *, match: str) -> list[str]:
    conditions = [match] if match else []
    if filters.source_id:
        conditions.append("e.source_id = %(source_id)s")
    if filters.date_from:
        conditions.append("e.original_date >= %(date_from)s")
    if filters.date_to:
        conditions.append("e.original_date <= %(date_to)s")
    return conditions


def _params(text: str, filters: Filters, limit: int) -> dict:
    return {"q": text, "limit": limit, **filters.__dict__}


def estimate(text: str, filters: Filters) -> int:
    """PostgreSQL's estimate of the matches, source and dates included (a tag's share is
    judged by the plan choice)."""
    where = " AND ".join(_conditions(filters, match=f"e.vector @@ {TQ}"))
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


def choose(matches: int, archive: int, filters: Filters) -> str:
    """The plan for a search PostgreSQL expects `matches` of `archive` entries to match."""
    if matches <= RARE:
        return "bitmap"
    if filters.tag_id:
        return "tag"
    if matches >= COMMON * archive:
        return "recent"
    return "years"


def candidates(text: str, filters: Filters, limit: int, plan: str | None = None):
    """(plan, [(article id, rank)]) of the newest `limit` matches, newest first."""
    plan = plan or choose(estimate(text, filters), total(), filters)
    if plan == "years":
        return plan, _years(text, filters, limit)
    return plan, _run(SHAPES[plan](filters), _params(text, filters, limit))


def _tag_exists(filters: Filters) -> list[str]:
    if not filters.tag_id:
        return []
    return [
        "EXISTS (SELECT 1 FROM articles_listingentry AS l "  # noqa: S608 (constants)
        f"WHERE l.kind = {TAG_KIND} AND l.owner_id = %(tag_id)s "
        "AND l.published_at = e.published_at AND l.article_id = e.article_id)"
    ]


def _bitmap(filters: Filters, *extra: str) -> str:
    where = " AND ".join(_conditions(filters, match=f"e.vector @@ {TQ}") + _tag_exists(filters))
    # An order no index gives: PostgreSQL collects the matches through the GIN index, then
    # keeps the newest.
    where += "".join(extra)
    return (
        f"SELECT e.article_id, e.vector FROM articles_searchentry AS e WHERE {where}"  # noqa: S608
        " ORDER BY e.published_at + interval '0' DESC, e.article_id + 0 DESC LIMIT %(limit)s"
    )


def _recent(filters: Filters) -> str:
    where = " AND ".join(
        _conditions(filters, match=f"(e.vector @@ {TQ}) IS TRUE") + _tag_exists(filters)
    )
    return (
        f"SELECT e.article_id, e.vector FROM articles_searchentry AS e WHERE {where}"  # noqa: S608
        " ORDER BY e.published_at DESC, e.article_id DESC LIMIT %(limit)s"
    )


def _tag(filters: Filters) -> str:
    where = " AND ".join(
        [f"l.kind = {TAG_KIND}", "l.owner_id = %(tag_id)s"]
        + _conditions(filters, match=f"(e.vector @@ {TQ}) IS TRUE")
    )
    return (
        "SELECT e.article_id, e.vector FROM articles_listingentry AS l "  # noqa: S608
        "JOIN articles_searchentry AS e "
        "ON e.article_id = l.article_id AND e.published_at = l.published_at "
        f"WHERE {where} ORDER BY l.published_at DESC, l.article_id DESC LIMIT %(limit)s"
    )


SHAPES = {"bitmap": _bitmap, "recent": _recent, "tag": _tag}


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
