"""The sources, authors and tags readers can browse: those with at least one published
article, how many each has, and their initials (the index pages and the sitemap)."""

import string

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Lower, Substr, Upper
from taggit.models import Tag, TaggedItem

from articles.models import Article, ArticleAuthor, Author, Source

OTHER_INITIAL = "#"  # names that open with a digit, a sign or a letter beyond A–Z
INITIALS = [*string.ascii_uppercase, OTHER_INITIAL]


def _published_taggings() -> QuerySet:
    return TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(Article),
        object_id__in=Article.objects.published().values("id"),
    )


def _published_bylines() -> QuerySet:
    return ArticleAuthor.objects.filter(article__status=Article.Status.PUBLISHED)


def sources() -> QuerySet:
    return Source.objects.filter(Exists(Article.objects.published().filter(source=OuterRef("pk"))))


def authors() -> QuerySet:
    return Author.objects.filter(Exists(_published_bylines().filter(author=OuterRef("pk"))))


def tags() -> QuerySet:
    return Tag.objects.filter(Exists(_published_taggings().filter(tag=OuterRef("pk"))))


BROWSABLE = {"source": sources, "author": authors, "tag": tags}


def alphabetical(owners: QuerySet, initial: str = "") -> QuerySet:
    """`owners` by name, case aside; only those whose name opens with `initial` when given."""
    if initial == OTHER_INITIAL:
        owners = owners.exclude(name__iregex=r"^[a-z]")
    elif initial:
        owners = owners.filter(name__istartswith=initial)
    return owners.order_by(Lower("name"), "pk")


def initials(owners: QuerySet) -> set[str]:
    """The INITIALS that at least one of `owners` opens with (one query)."""
    found = (
        owners.annotate(initial=Upper(Substr("name", 1, 1)))
        .order_by()
        .values_list("initial", flat=True)
        .distinct()
    )
    return {letter if letter in INITIALS else OTHER_INITIAL for letter in found}


def published_counts(kind: str, ids: list[int]) -> dict[int, int]:
    """How many published articles each of these sources, authors or tags has (one query)."""
    rows, owner = {
        "source": (Article.objects.published(), "source_id"),
        "author": (_published_bylines(), "author_id"),
        "tag": (_published_taggings(), "tag_id"),
    }[kind]
    counted = rows.filter(**{f"{owner}__in": ids}).order_by().values(owner)
    return dict(counted.annotate(n=Count("pk")).values_list(owner, "n"))
