"""Each way a search finds its newest matches (articles/search_plans.py): the same results,
its own query shape, the plan PostgreSQL runs for it, and the choice from the estimate."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import search_plans
from articles.search_plans import Filters, candidates, choose, estimate
from tests.factories import ArticleFactory, SourceFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
PLANS = ["bitmap", "recent", "years"]


@pytest.fixture
def archive(db):
    """Ferry articles over four years, newest last, half of them tagged and from one source;
    one of every three mentions lighthouses too."""
    now = timezone.now()
    harbor = SourceFactory(name="Harbor Times", slug="harbor")
    made = []
    for n in range(24):
        made.append(
            ArticleFactory(
                title=f"Ferry report {n}" + (" lighthouse" if n % 3 == 0 else ""),
                published_at=now - datetime.timedelta(days=60 * (24 - n)),
                source=harbor if n % 2 else SourceFactory(),
                tag_names=["boats"] if n % 2 else [],
            )
        )
    return made


def ids(rows) -> list[int]:
    return [pk for pk, rank in rows]


def newest(articles, keep=lambda a: True, limit=5) -> list[int]:
    chosen = sorted((a for a in articles if keep(a)), key=lambda a: a.published_at, reverse=True)
    return [a.pk for a in chosen[:limit]]


@pytest.mark.parametrize("plan", PLANS)
def test_every_plan_finds_the_same_newest_matches(archive, plan):
    from taggit.models import Tag

    boats = Filters(tag_id=Tag.objects.get(name="boats").pk)
    _, rows = candidates("ferry lighthouse", boats, 5, plan=plan)
    expected = newest(archive, lambda a: "lighthouse" in a.title and a.source.slug == "harbor")
    assert ids(rows) == expected


@pytest.mark.parametrize("plan", ["bitmap", "recent", "years"])
def test_every_plan_applies_source_and_dates(archive, plan):
    harbor = archive[1].source
    since = (timezone.now() - datetime.timedelta(days=400)).date()
    filters = Filters(source_id=harbor.pk, date_from=since)
    _, rows = candidates("ferry", filters, 50, plan=plan)
    assert sorted(ids(rows)) == sorted(
        a.pk for a in archive if a.source == harbor and a.original_date >= since
    )


# What marks each plan's SQL, and what PostgreSQL then does with it.
SHAPES = {
    "bitmap": ("interval '0'", "Bitmap Index Scan on articles_searchentry_"),
    "recent": (") IS TRUE", "Index Scan using articles_searchentry_"),
}


@pytest.mark.parametrize("tagged", [False, True], ids=["words", "words and a tag"])
@pytest.mark.parametrize("plan", SHAPES)
def test_each_plan_has_its_own_query_shape_and_postgresql_runs_it(archive, plan, tagged):
    """With a tag filter too: the tag is a lexeme of the text query, the same shape."""
    from taggit.models import Tag

    mark, node = SHAPES[plan]
    filters = Filters(tag_id=Tag.objects.get(name="boats").pk if tagged else None)
    sql = search_plans.SHAPES[plan](filters)
    assert ("&& %(tag_query)s::tsquery" in sql) is tagged
    assert "articles_listingentry" not in sql
    assert mark in sql
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be read whole
        cursor.execute(f"EXPLAIN {sql}", search_plans._params("ferry", filters, 5))
        explained = "\n".join(row[0] for row in cursor.fetchall())
    assert node in explained
    if plan == "recent":
        assert "searchentry_vector" not in explained  # the vector is tested row by row


def test_the_years_plan_reads_one_year_at_a_time_newest_first_and_stops_when_it_has_enough(
    archive,
):
    with CaptureQueriesContext(connection) as captured:
        _, rows = candidates("ferry", Filters(), 2, plan="years")
    assert ids(rows) == newest(archive, limit=2)
    searches = [q["sql"] for q in captured.captured_queries if "articles_searchentry" in q["sql"]]
    assert len(searches) == 1  # this year's partition held both
    assert f"e.published_at >= '{timezone.now().year}-01-01 00:00+00'" in searches[0]

    with CaptureQueriesContext(connection) as captured:
        _, rows = candidates("ferry", Filters(), 24, plan="years")
    assert len(rows) == 24
    assert len(captured.captured_queries) == search_plans.YEARS_ONE_BY_ONE + 1


@pytest.mark.parametrize(
    ("matches", "archive_size", "plan"),
    [
        (40, 1_000_000, "bitmap"),
        (1_500, 1_000_000, "bitmap"),
        (4_000, 1_000_000, "years"),
        (900_000, 1_000_000, "recent"),
        (30_000, 1_000_000, "years"),
    ],
)
def test_the_plan_follows_the_estimate(matches, archive_size, plan):
    assert choose(matches, archive_size) == plan


def test_a_phrase_is_walked_only_when_most_articles_have_all_its_words():
    """A phrase's estimate is of its words anywhere: year by year, the GIN index rechecks only
    the articles with all of them, unless that is most articles."""
    assert choose(300_000, 1_000_000, phrase=True) == "years"  # a walk would find few matches
    assert choose(300_000, 1_000_000) == "recent"
    assert choose(900_000, 1_000_000, phrase=True) == "recent"
    assert choose(40, 1_000_000, phrase=True) == "bitmap"


def test_a_phrase_walk_reads_at_most_its_own_cap(archive, monkeypatch):
    monkeypatch.setattr(search_plans, "total", lambda: 1_000_000)
    with CaptureQueriesContext(connection) as captured:
        plan, rows = candidates('"ferry report"', Filters(), 5, plan="recent")
    assert (plan, ids(rows)) == ("recent", newest(archive))
    walk = next(q["sql"] for q in captured.captured_queries if "articles_searchentry" in q["sql"])
    assert f"LIMIT {search_plans.PHRASE_WALK}" in walk


def test_the_estimate_of_a_word_and_a_tag_counts_the_articles_with_both():
    """The tag's lexeme is in the query PostgreSQL estimates: the estimate is of the articles
    with the word and the tag (a common word in a small tag is a few matches: the GIN index,
    all years, not a walk of the whole archive), and every tag's matches are exactly those."""
    call_command("generate_archive", articles=1500, sources=5, authors=20, tags=10,
                 stdout=StringIO())  # fmt: skip
    from taggit.models import Tag

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_searchentry")
    word = estimate("israel", Filters())
    _, matches = candidates("israel", Filters(), 2000)
    estimates = {}
    for tag in Tag.objects.filter(slug__startswith="gen-tag-"):
        tagged = set(tag.taggit_taggeditem_items.values_list("object_id", flat=True))
        both = [pk for pk, _ in matches if pk in tagged]
        _, rows = candidates("israel", Filters(tag_id=tag.pk), 2000)
        assert sorted(pk for pk, _ in rows) == sorted(both), tag.name
        estimates[len(both)] = estimate("israel", Filters(tag_id=tag.pk))
    assert all(abs(estimated - n) <= n / 4 + 50 for n, estimated in estimates.items())
    assert all(estimated < word for estimated in estimates.values())


def test_a_walk_that_ends_before_it_finds_enough_goes_on_year_by_year(archive, monkeypatch):
    """When the estimate was far too high, the "recent" walk reads at most WALK rows and the
    search goes on with the GIN index: the same newest matches, never the whole archive."""
    monkeypatch.setattr(search_plans, "WALK", 3)
    monkeypatch.setattr(search_plans, "total", lambda: 1_000_000)
    with CaptureQueriesContext(connection) as captured:
        plan, rows = candidates("lighthouse", Filters(), 5, plan="recent")
    assert plan == "years"
    assert ids(rows) == newest(archive, lambda a: "lighthouse" in a.title)
    assert "LIMIT 3" in captured.captured_queries[0]["sql"]  # the walk, capped


@pytest.mark.parametrize("query", ["ferry -ferry", "ferries -ferry lighthouse"])
def test_a_query_that_contradicts_itself_finds_nothing_and_reads_nothing(archive, query):
    with CaptureQueriesContext(connection) as captured:
        plan, rows = candidates(query, Filters(), 5)
    assert (plan, rows) == ("none", [])
    assert not any("articles_searchentry" in q["sql"] for q in captured.captured_queries)


def test_a_negated_word_alone_is_not_a_contradiction(archive):
    _, rows = candidates("ferry -lighthouse", Filters(), 50)
    assert sorted(ids(rows)) == sorted(a.pk for a in archive if "lighthouse" not in a.title)


def test_postgresqls_estimate_tells_a_common_word_from_a_rare_one():
    call_command("generate_archive", articles=1500, sources=5, authors=20, tags=10,
                 stdout=StringIO())  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_searchentry")
    common, rare = estimate("israel", Filters()), estimate("nosuchwordanywhere", Filters())
    assert common > 1000 > 100 > rare
    assert choose(rare, 1500) == "bitmap"
    assert choose(common * 1000, 1500 * 1000) == "recent"  # at a million and a half


def test_articles_before_2000_and_far_ahead_have_partitions_too(client):
    ArticleFactory(
        title="Zeppelin of 1995", published_at=datetime.datetime(1995, 5, 1, tzinfo=datetime.UTC)
    )
    ArticleFactory(
        title="Zeppelin of 2090", published_at=datetime.datetime(2090, 5, 1, tzinfo=datetime.UTC)
    )
    for plan in PLANS[:3]:
        _, rows = candidates("zeppelin", Filters(), 5, plan=plan)
        assert len(rows) == 2
