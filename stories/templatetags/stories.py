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
