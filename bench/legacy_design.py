"""The design before issue 18, kept for bench_articles.py to measure beside today's in the
same run: search on the wide article table's GIN-indexed vector, newest 301 matches ranked
(the index is built in the bench database if missing: production no longer has it), and
source, author and tag pages read through the article table and taggit's items."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from articles.models import Article
from articles.pagination import BoundedPaginator
from articles.search import CANDIDATES, headlines

INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS article_search_vector_gin ON articles_article "
    "USING GIN (search_vector)"
)


def ensure_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(INDEX_SQL)


def _filtered(filters):
    queryset = Article.objects.published()
    if filters.source_id:
        queryset = queryset.filter(source_id=filters.source_id)
    if filters.tag_id:
        queryset = _tagged(queryset, filters.tag_id)
    if filters.date_from:
        queryset = queryset.filter(original_date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(original_date__lte=filters.date_to)
    return queryset


def _tagged(queryset, tag_id):
    from taggit.models import TaggedItem

    items = TaggedItem.objects.filter(
        tag_id=tag_id, content_type=ContentType.objects.get_for_model(Article)
    )
    return queryset.filter(id__in=items.values("object_id"))


def ranked_ids(text: str, filters) -> list[int]:
    query = SearchQuery(text, config="english", search_type="websearch")
    candidates = (
        _filtered(filters)
        .filter(search_vector=query)
        .order_by("-published_at", "-id")
        .values_list("id", "search_vector")[: CANDIDATES + 1]
    )
    inner, params = candidates.query.sql_with_params()
    sql = (
        f"SELECT c.id, ts_rank(c.search_vector, websearch_to_tsquery(%s, %s)) FROM ({inner}) AS c"  # noqa: E501, S608
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ["english", text, *params])
        rows = cursor.fetchall()
    return [pk for pk, rank in sorted(rows, key=lambda row: row[1], reverse=True)]


def search_page(text: str, filters) -> int:
    """What the search view did: ids, one page of articles, their snippets."""
    ids = ranked_ids(text, filters)[:20]
    page = list(Article.objects.with_byline().in_bulk(ids).values())
    headlines(page, text)
    return len(ids)


def listing_page(kind: str, owner_id: int, page: int) -> int:
    """What a source, author or tag page read: a capped count and one page of articles."""
    queryset = Article.objects.published().recent().with_related()
    if kind == "source":
        queryset = queryset.filter(source_id=owner_id)
    elif kind == "author":
        queryset = queryset.filter(authors=owner_id)
    else:
        queryset = _tagged(queryset, owner_id)
    paginator = BoundedPaginator(queryset, 20)
    return len(list(paginator.get_page(page).object_list))
