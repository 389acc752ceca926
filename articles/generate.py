"""A large, realistic synthetic archive for benchmarks (`manage.py generate_archive`).

Twenty years of dates, hundreds of sources, thousands of authors and tags, words drawn from a
Zipf-like distribution (so some words are in most articles, as in real news). Rows go in with
`bulk_create` in batches; each batch's search vectors are then computed in one UPDATE.
"""

import datetime
import itertools
import random
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from taggit.models import Tag

from articles.entries import VECTOR_INDEX, VECTOR_INDEX_SQL, entries_refresh
from articles.models import Article, Author, Source
from articles.search import update_search_vectors

NEWS_WORDS = """
israel gaza hamas iran hezbollah ukraine russia putin zelensky biden trump nato turkey
erdogan wagner syria lebanon egypt jordan saudi arabia china taiwan europe france germany
britain election parliament minister government president policy war peace ceasefire
hostages army soldiers missile drone attack defense security intelligence document leaked
report sanctions economy inflation market oil energy climate court judge law vote campaign
protest police border migrants refugees aid health vaccine hospital school university
students teachers science technology internet social media company bank trade tariffs
weapons nuclear treaty talks summit diplomacy embassy ambassador united nations council
resolution terror terrorism militants rockets airstrike tunnel jerusalem tel aviv tehran
moscow kyiv washington london paris berlin beijing ankara cairo beirut damascus riyadh
""".split()  # noqa: SIM905
SYLLABLES = """
ka lo mi ne ru sa te vo zu ar el in om un ba de fi go hu ja ke li mo
""".split()  # noqa: SIM905
BIG = 20000
LABELS = ["", "", "", "", "", "", "Editorial", "Op-Ed", "Analysis", "Interview"]
FIRST = """
Anna Ben Carla David Elena Farid Gal Hana Ivan Jonah Karen Leah Moshe Nora Omar
""".split()  # noqa: SIM905
LAST = """
Cohen Levi Smith Garcia Novak Rossi Kim Haddad Weiss Brown Katz Silva Meyer
""".split()  # noqa: SIM905


class Vocabulary:
    """Words with Zipf-like frequencies: real news words first, then invented ones."""

    def __init__(self, rng: random.Random, size: int = 20000):
        invented = set()
        while len(invented) < size - len(NEWS_WORDS):
            invented.add("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))))
        self.words = NEWS_WORDS + sorted(invented)
        self.cum = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.words))))
        self.rng = rng

    def sample(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum, k=count)


def _names(rng: random.Random, count: int, make: Callable[[int], str]) -> list[str]:
    return [make(index) for index in range(count)]


def ensure_catalogue(*, sources: int, authors: int, tags: int, rng: random.Random, vocab):
    """Sources, authors and tags for the generated articles (created once, reused)."""
    Source.objects.bulk_create(
        [
            Source(name=f"{w.title()} {kind} {i}", slug=f"gen-source-{i}",
                   home_page=f"https://source{i}.example.com/")
            for i, (w, kind) in enumerate(
                zip(vocab.sample(sources), itertools.cycle(["Times", "Post", "News", "Herald"]))
            )
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )  # fmt: skip
    Author.objects.bulk_create(
        [
            Author(name=f"{rng.choice(FIRST)} {rng.choice(LAST)}-{i}", slug=f"gen-author-{i}")
            for i in range(authors)
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    tag_words = list(dict.fromkeys(NEWS_WORDS + vocab.words[len(NEWS_WORDS) :]))[:tags]
    Tag.objects.bulk_create(
        [Tag(name=f"{word} {i}", slug=f"gen-tag-{i}") for i, word in enumerate(tag_words)],
        ignore_conflicts=True,
        batch_size=1000,
    )
    return (
        list(Source.objects.filter(slug__startswith="gen-source-").values_list("id", flat=True)),
        list(Author.objects.filter(slug__startswith="gen-author-").values_list("id", flat=True)),
        list(Tag.objects.filter(slug__startswith="gen-tag-").values_list("id", flat=True)),
    )


def archive_generate(
    *,
    articles: int,
    batch_size: int = 5000,
    sources: int = 400,
    authors: int = 5000,
    tags: int = 3000,
    seed: int = 1,
    progress: Callable[[int], None] = lambda done: None,
) -> int:
    """Add `articles` generated articles to the archive; returns how many were added."""
    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    source_ids, author_ids, tag_ids = ensure_catalogue(
        sources=sources, authors=authors, tags=tags, rng=rng, vocab=vocab
    )
    content_type = ContentType.objects.get_for_model(Article)
    # Maintaining the GIN index row by row costs more than building it once at the end.
    rebuild_index = articles >= BIG
    _run("SET statement_timeout = 0")  # a batch job, not a request
    _run("SET jit = off")  # compiling each batch's plan costs more than it saves
    _run("SET maintenance_work_mem = '512MB'")  # the GIN index is built in memory
    # Without statistics the planner loops over every author for each article's byline.
    _run("ANALYZE articles_source, articles_author, articles_articleauthor, taggit_tag")
    if rebuild_index:
        _run(f"DROP INDEX IF EXISTS {VECTOR_INDEX}")
    start = (Article.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    done = 0
    while done < articles:
        count = min(batch_size, articles - done)
        first_id = start + done
        with transaction.atomic():
            _insert_batch_in_sql(vocab, first_id, count, source_ids, author_ids, tag_ids,
                                 content_type)  # fmt: skip
            update_search_vectors(id_range=(first_id, first_id + count))
        done += count
        if done == count:
            _run("ANALYZE articles_article, articles_articleauthor, taggit_taggeditem")
        progress(done)
    _reset_sequence()
    if rebuild_index:
        _run(VECTOR_INDEX_SQL)
        # Visibility maps and statistics for every table just filled (index-only scans, plans).
        _run("VACUUM ANALYZE")  # needs autocommit: a command, not a test
    return done


# The same archive built inside PostgreSQL, several times faster than building rows in Python.
# Words are drawn log-uniformly from the vocabulary (a Zipf-like law); `mod(g, n)` ties each
# subquery to its row so that PostgreSQL evaluates it once per article.
# Words come from a temporary table by number: subscripting a large text[] walks the array.
_WORDS = "(SELECT string_agg(gw.w, ' ') FROM (SELECT floor(exp(random() * ln(%(n_words)s)))::int AS r FROM generate_series(1, {count}) AS k) AS picks JOIN gen_words AS gw ON gw.i = picks.r)"  # noqa: E501
SQL_BYLINES = """
INSERT INTO articles_articleauthor (article_id, author_id, position)
SELECT g, (%(authors)s::bigint[])[1 + floor(random() * %(n_authors)s)::int], p
FROM generate_series(%(first)s, %(last)s) AS g,
     LATERAL generate_series(0, (ARRAY[-1, 0, 0, 0, 1, 1, 2])[1 + floor(random() * 7)::int] + 0 * g) AS p
ON CONFLICT DO NOTHING
"""  # noqa: E501
SQL_TAGS = """
INSERT INTO taggit_taggeditem (content_type_id, object_id, tag_id)
SELECT %(content_type)s, g, (%(tags)s::int[])[floor(exp(random() * ln(%(n_tags)s)))::int]
FROM generate_series(%(first)s, %(last)s) AS g, generate_series(1, 3) AS k
ON CONFLICT DO NOTHING
"""
SQL_ARTICLES = f"""
WITH base AS (
    SELECT g AS id,
        (%(sources)s::bigint[])[1 + floor(random() * %(n_sources)s)::int] AS source_id,
        %(today)s::date - floor(random() * 7300)::int AS day,
        random() > 0.03 AS published,
        {_WORDS.format(count="6 + mod(g, 7)")} AS title,
        {_WORDS.format(count="12 + mod(g, 14)")} AS quote,
        {_WORDS.format(count="30 + mod(g, 31)")} AS one,
        {_WORDS.format(count="30 + mod(g * 7, 31)")} AS two
    FROM generate_series(%(first)s, %(last)s) AS g
)
INSERT INTO articles_article (id, title, slug, source_id, label, original_date, original_url,
    url_key, pull_quote, excerpt, status, published_at, created_at, updated_at)
SELECT id, initcap(title), left(replace(title, ' ', '-'), 60) || '-' || id, source_id,
    (ARRAY['', '', '', '', '', '', 'Editorial', 'Op-Ed', 'Analysis', 'Interview'])
        [1 + floor(random() * 10)::int],
    day, 'https://example.com/' || to_char(day, 'YYYY/MM/DD') || '/' || id,
    'example.com/' || to_char(day, 'YYYY/MM/DD') || '/' || id,
    initcap(left(quote, 1)) || substr(quote, 2) || '.',
    '<p>' || initcap(left(one, 1)) || substr(one, 2) || '.</p><p>'
        || initcap(left(two, 1)) || substr(two, 2) || '.</p>',
    CASE WHEN published THEN 'published' ELSE 'draft' END,
    CASE WHEN published
        THEN (day + time '06:00' + random() * interval '20 hours') AT TIME ZONE 'UTC' END,
    now(), now()
FROM base
"""  # noqa: S608 (constant text; values go in as parameters)


def _insert_batch_in_sql(vocab, first_id, count, source_ids, author_ids, tag_ids, content_type):
    params = {
        "first": first_id, "last": first_id + count - 1,
        "words": vocab.words, "n_words": len(vocab.words),
        "sources": source_ids, "n_sources": len(source_ids),
        "authors": author_ids, "n_authors": len(author_ids),
        "tags": tag_ids, "n_tags": len(tag_ids),
        "content_type": content_type.pk, "today": datetime.date.today(),
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS gen_words (i int PRIMARY KEY, w text NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO gen_words SELECT i, (%(words)s::text[])[i] "
            "FROM generate_series(1, %(n_words)s) AS i ON CONFLICT DO NOTHING",
            params,
        )
        # Bylines first (foreign keys are checked at commit) so that the articles' search
        # vectors, computed right after, include their authors.
        cursor.execute(SQL_BYLINES, params)
        cursor.execute(SQL_TAGS, params)
        cursor.execute(SQL_ARTICLES, params)


def _run(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _reset_sequence():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), "
            "(SELECT max(id) FROM articles_article))"
        )


# Copy k of the archive's first `base` articles: ids shifted by k * base, dates rotated by
# k / copies of the twenty years (so the copies spread over the same years, not beyond them),
# the same text, bylines and tags. Each copy is one INSERT ... SELECT per table.
SQL_COPY_ARTICLES = """
INSERT INTO articles_article (id, title, slug, source_id, label, original_date, original_url,
    url_key, pull_quote, excerpt, status, published_at, created_at, updated_at, search_vector)
SELECT a.id + %(shift)s, a.title, regexp_replace(a.slug, '-[0-9]+$', '') || '-' || (a.id + %(shift)s),
    a.source_id, a.label, a.original_date + m.days, a.original_url || '?copy=' || %(copy)s,
    a.url_key || '?copy=' || %(copy)s, a.pull_quote, a.excerpt, a.status,
    a.published_at + make_interval(days => m.days), now(), now(), a.search_vector
FROM articles_article AS a,
    LATERAL (SELECT (%(today)s::date - a.original_date)
                    - mod(%(today)s::date - a.original_date + %(rotate)s, 7300) AS days) AS m
WHERE a.id <= %(base)s
"""  # noqa: E501
SQL_COPY_BYLINES = """
INSERT INTO articles_articleauthor (article_id, author_id, position)
SELECT article_id + %(shift)s, author_id, position FROM articles_articleauthor
WHERE article_id <= %(base)s
"""
SQL_COPY_TAGS = """
INSERT INTO taggit_taggeditem (content_type_id, object_id, tag_id)
SELECT content_type_id, object_id + %(shift)s, tag_id FROM taggit_taggeditem
WHERE content_type_id = %(content_type)s AND object_id <= %(base)s
"""


def archive_replicate(*, copies: int, progress: Callable[[int], None] = lambda done: None) -> int:
    """Make the archive `copies` times its size by copying its articles (minutes for a
    million, where generating them costs half an hour); returns how many were added."""
    base = Article.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if base == 0:
        return 0
    params = {
        "base": base, "today": datetime.date.today(),
        "content_type": ContentType.objects.get_for_model(Article).pk,
    }  # fmt: skip
    _run("SET statement_timeout = 0")
    _run(f"DROP INDEX IF EXISTS {VECTOR_INDEX}")
    for copy in range(1, copies):
        shift = {"copy": copy, "shift": copy * base, "rotate": copy * 7300 // copies}
        with transaction.atomic(), connection.cursor() as cursor:
            for sql in (SQL_COPY_BYLINES, SQL_COPY_TAGS, SQL_COPY_ARTICLES):
                cursor.execute(sql, params | shift)
            cursor.execute(
                "SELECT id FROM articles_article WHERE id > %s AND id <= %s",
                [copy * base, (copy + 1) * base],
            )
            entries_refresh([row[0] for row in cursor.fetchall()])
        progress(copy * base)
    _reset_sequence()
    _run(VECTOR_INDEX_SQL)
    # Visibility maps (index-only scans) and statistics; VACUUM only outside a transaction.
    _run("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return (copies - 1) * base
