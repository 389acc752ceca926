"""The reader's "read the full article" line: the original while it is fine, the archived
copy once it is gone or changed."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse

from intake.models import ArticleSnapshot
from linkhealth.models import ArticleLink

register = template.Library()


@dataclass
class ReadFull:
    url: str
    dead: bool = False
    archived: bool = False
    captured_at: object = None


@register.simple_tag
def read_full_link(article) -> ReadFull:
    """One query (two when our own snapshot page is on and no Wayback copy is known)."""
    link = ArticleLink.objects.filter(article_id=article.pk).first()
    if link is None or link.status in (ArticleLink.Status.UNCHECKED, ArticleLink.Status.OK):
        return ReadFull(article.original_url)
    if not link.is_dead:
        return ReadFull(link.final_url or article.original_url)
    if link.archive_url:
        return ReadFull(
            link.archive_url, dead=True, archived=True, captured_at=link.archive_captured_at
        )
    if settings.LINKHEALTH_OWN_SNAPSHOT:
        snapshot = (
            ArticleSnapshot.objects.filter(article_id=article.pk).only("captured_at").first()
        )
        if snapshot:
            url = reverse("linkhealth:snapshot", kwargs={"slug": article.slug})
            return ReadFull(url, dead=True, archived=True, captured_at=snapshot.captured_at)
    return ReadFull(article.original_url, dead=True)
