"""Other coverage of an article's story, as readers see it: published articles only."""

from collections.abc import Iterable

from django.db.models import F

from articles.models import Article


def other_coverage_for(articles: Iterable[Article]) -> list[Article]:
    """Set `article.other_coverage` (the story's other published articles, earliest first) on
    each article, in one query whatever their number; returns the articles."""
    articles = [article for article in articles if article is not None]
    coverage = {article.pk: [] for article in articles}
    if coverage:
        others = (
            Article.objects.published()
            .filter(story_link__story__members__article__in=list(coverage))
            .annotate(covered_id=F("story_link__story__members__article"))
            .select_related("source")
            .order_by("original_date", "pk")
        )
        for other in others:
            if other.pk != other.covered_id:
                coverage[other.covered_id].append(other)
    for article in articles:
        article.other_coverage = coverage[article.pk]
    return articles
