"""What the readers' pages read instead of the wide article table, kept on every write.

- `articles_searchentry`: each published article's search vector in a narrow row, partitioned
  by the year of `published_at` so that the newest articles are a small table of their own
  (search reads newest first). Yearly partitions from 2000 to ten years ahead, and one each
  for anything earlier and later, so that no write ever lacks a partition. The vector also
  holds one lexeme per tag of the article (`tag:<id>`, which no query a reader types can
  spell: the parser splits it), so a tag filter is part of the text query and the GIN index
  finds the articles with the word *and* the tag at once.
- `articles_listingentry`: (kind, owner, published_at, article) for source, author and tag
  pages, one index-only scan for a page or its capped count.
- `articles_searchword`: the words of titles and pull quotes, for "did you mean".
"""

import datetime

from django.db import connection

FIRST_YEAR = 2000
YEARS_AHEAD = 10
# Rows of up to 8 KB stay in the table uncompressed: a vector read per row, not 5 TOAST reads.
PARTITION_OPTIONS = "WITH (toast_tuple_target = 8160, fillfactor = 100)"

CREATE_SQL = """
CREATE TABLE articles_searchentry (
    article_id bigint NOT NULL REFERENCES articles_article (id) ON DELETE CASCADE,
    published_at timestamptz NOT NULL,
    original_date date NOT NULL,
    source_id bigint NOT NULL,
    vector tsvector NOT NULL,
    PRIMARY KEY (article_id, published_at)
) PARTITION BY RANGE (published_at);
CREATE INDEX searchentry_recent ON articles_searchentry (published_at DESC, article_id DESC);
CREATE INDEX searchentry_source_recent
    ON articles_searchentry (source_id, published_at DESC, article_id DESC);
"""
# Without a pending list: a search never scans unmerged entries, a write pays its own.
VECTOR_INDEX = "searchentry_vector"
VECTOR_INDEX_SQL = (
    f"CREATE INDEX {VECTOR_INDEX} ON articles_searchentry USING GIN (vector) "
    "WITH (fastupdate = off)"
)


def partitions_sql(last_year: int) -> str:
    """The DDL of every partition, from before FIRST_YEAR to after `last_year`."""
    bound = "'{}-01-01 00:00+00'".format
    parts = [("before", "MINVALUE", bound(FIRST_YEAR))]
    parts += [(f"y{y}", bound(y), bound(y + 1)) for y in range(FIRST_YEAR, last_year + 1)]
    parts.append(("after", bound(last_year + 1), "MAXVALUE"))
    return "\n".join(
        f"CREATE TABLE articles_searchentry_{name} PARTITION OF articles_searchentry "
        f"FOR VALUES FROM ({low}) TO ({high}) {PARTITION_OPTIONS};"
        for name, low, high in parts
    )


def create_tables_sql() -> str:
    last_year = datetime.date.today().year + YEARS_AHEAD
    return f"{CREATE_SQL}\n{VECTOR_INDEX_SQL};\n{partitions_sql(last_year)}"


TAG_LEXEME = "tag:"  # then the tag's id: a lexeme the parser never makes of a reader's query


def tag_lexemes_sql(tag_id: str) -> str:
    """The SQL tsvector of the tags of the taggings aggregated (`tag_id`: their column)."""
    return f"array_to_tsvector(array_agg('{TAG_LEXEME}' || {tag_id}))"


WORD_RULE = "length(word) BETWEEN 3 AND 100 AND word ~ '^[[:alpha:]]+$'"
# What the articles of `{ids}` had in both tables: a CTE for the statement that changes them.
DROP_CTE = """
    dropped_entries AS (DELETE FROM articles_searchentry WHERE article_id IN ({ids})),
    dropped_listing AS (DELETE FROM articles_listingentry WHERE article_id IN ({ids}))
"""
# Every published article among `ids`, into both tables. `ORDER BY published_at`: a backfill
# then lays each partition out in the order it is read (writes arrive in that order anyway).
INSERT_SQL = """
WITH shown AS (
    SELECT id, published_at, original_date, source_id, search_vector
    FROM articles_article
    WHERE id = ANY(%(ids)s) AND status = 'published' AND published_at IS NOT NULL
        AND search_vector IS NOT NULL
), entries AS (
    INSERT INTO articles_searchentry (article_id, published_at, original_date, source_id, vector)
    SELECT id, published_at, original_date, source_id, search_vector || coalesce((
        SELECT {tag_lexemes} FROM taggit_taggeditem AS ti
        WHERE ti.object_id = shown.id AND ti.content_type_id = %(content_type)s
    ), '') FROM shown
    ORDER BY published_at
), words AS (
    -- New words join "did you mean" at once; counts are redone by search_words_refresh.
    INSERT INTO articles_searchword (word, articles)
    SELECT DISTINCT word, 1 FROM articles_article AS a,
        unnest(tsvector_to_array(to_tsvector('simple', a.title || ' ' || a.pull_quote))) AS word
    WHERE a.id IN (SELECT id FROM shown) AND {word_rule}
    ON CONFLICT DO NOTHING
)
INSERT INTO articles_listingentry (kind, owner_id, published_at, article_id)
SELECT 1, source_id, published_at, id FROM shown
UNION ALL
SELECT 2, aa.author_id, shown.published_at, shown.id
FROM shown JOIN articles_articleauthor AS aa ON aa.article_id = shown.id
UNION ALL
SELECT 3, ti.tag_id, shown.published_at, shown.id
FROM shown JOIN taggit_taggeditem AS ti
    ON ti.object_id = shown.id AND ti.content_type_id = %(content_type)s
""".replace("{word_rule}", WORD_RULE).replace("{tag_lexemes}", tag_lexemes_sql("ti.tag_id"))


def tag_query(tag_id: int) -> str:
    """The tsquery text of the tag's lexeme in the search entries' vectors."""
    return f"'{TAG_LEXEME}{int(tag_id)}'"


def entries_refresh(article_ids: list[int], *, dropped: bool = False) -> None:
    """Make both tables say what these articles say now (or nothing, for a draft or a
    deleted article): a delete (unless the caller's statement `dropped` them) and an insert,
    whatever the number of articles."""
    from django.contrib.contenttypes.models import ContentType

    from articles.models import Article

    params = {
        "ids": list(article_ids),
        "content_type": ContentType.objects.get_for_model(Article).pk,
    }
    with connection.cursor() as cursor:
        if not dropped:
            drop = DROP_CTE.format(ids="SELECT unnest(%(ids)s::bigint[])")
            cursor.execute(f"WITH {drop} SELECT 1", params)
        cursor.execute(INSERT_SQL, params)


WORDS_SQL = """
INSERT INTO articles_searchword (word, articles)
SELECT word, ndoc FROM ts_stat($$
    SELECT to_tsvector('simple', title || ' ' || pull_quote) FROM articles_article
    WHERE status = 'published'
$$)
WHERE {word_rule} AND ndoc >= %(least)s
""".replace("{word_rule}", WORD_RULE)


def search_words_refresh(*, least: int = 1) -> int:
    """Rebuild the "did you mean" words from the published articles' titles and pull quotes
    (words of letters only, at least 3 of them, used by at least `least` articles)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_searchword")
        cursor.execute(WORDS_SQL, {"least": least})
        return cursor.rowcount
