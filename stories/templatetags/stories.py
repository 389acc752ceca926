from django import template

from stories.coverage import other_coverage_for

register = template.Library()


@register.simple_tag
def other_coverage(article):
    """The story's other published articles: prefetched by `other_coverage_for` on list pages,
    one query on an article page."""
    if article is None:
        return []
    if not hasattr(article, "other_coverage"):
        other_coverage_for([article])
    return article.other_coverage


@register.simple_tag
def also_covered_by(article):
    """One link per other outlet (its earliest article), for a briefing entry's line."""
    by_source = {}
    for other in other_coverage(article):
        by_source.setdefault(other.source_id, other)
    return list(by_source.values())
