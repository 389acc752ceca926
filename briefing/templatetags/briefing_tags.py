"""What other apps' pages show of the daily briefing."""

from django import template

from briefing.models import Briefing

register = template.Library()


@register.simple_tag
def briefings_with(article) -> list[Briefing]:
    """The published briefings an article appeared in, latest first (one query)."""
    return list(
        Briefing.objects.published().filter(entries__article=article).distinct().order_by("-date")
    )
