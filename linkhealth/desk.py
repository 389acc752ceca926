"""The figures above the desk's link-health list: dead and changed links by year of the
original and by source, and a chart of them by year."""

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from core.charts import bar_chart
from linkhealth.models import ArticleLink

SOURCES = 15  # sources listed, most dead links first

_dead = Q(status__in=ArticleLink.DEAD)
_gone, _changed = Q(status=ArticleLink.Status.GONE), Q(status=ArticleLink.Status.CHANGED)


def health_summary() -> dict:
    """Four queries, whatever the archive's size."""
    totals = dict(ArticleLink.objects.values_list("status").annotate(n=Count("pk")).order_by())
    by_year = list(
        ArticleLink.objects.filter(_dead)
        .annotate(year=ExtractYear("article__original_date"))
        .values("year")
        .annotate(gone=Count("pk", filter=_gone), changed=Count("pk", filter=_changed))
        .order_by("year")
    )
    by_source = list(
        ArticleLink.objects.filter(_dead)
        .values("article__source__name", "article__source_id")
        .annotate(
            gone=Count("pk", filter=_gone), changed=Count("pk", filter=_changed), n=Count("pk")
        )
        .order_by("-n", "article__source__name")[:SOURCES]
    )
    points = [(str(row["year"]), row["gone"] + row["changed"]) for row in by_year]
    return {
        "statuses": [
            (value, label, totals.get(value, 0)) for value, label in ArticleLink.Status.choices
        ],
        "total": sum(totals.values()),
        "by_year": by_year,
        "by_source": by_source,
        "chart": bar_chart(
            "Dead or changed links, by year of the original", "dead-by-year", points
        ),
    }
