"""What the article admin form shows about an article's story and its candidates."""

from django.db import connection
from django.db.models import Q

from articles.models import Article
from stories.models import PairDecision, StoryArticle
from stories.search import candidates_for_article


def story_members(article: Article) -> list[Article]:
    """The other articles confirmed as this article's story, earliest first."""
    if not article.pk:
        return []
    story = StoryArticle.objects.filter(article=article).values("story_id")
    return list(
        Article.objects.filter(story_link__story__in=story)
        .exclude(pk=article.pk)
        .select_related("source")
        .order_by("original_date", "pk")
    )


def dismissed_ids(article: Article) -> set[int]:
    if not article.pk:
        return set()
    pairs = PairDecision.objects.filter(
        Q(first=article) | Q(second=article), verdict=PairDecision.Verdict.DIFFERENT
    ).values_list("first_id", "second_id")
    return {pk for pair in pairs for pk in pair} - {article.pk}


def same_story_panel(article: Article | None, *, opts) -> dict:
    """Context for `stories/admin/same_story_panel.html`."""
    if connection.vendor != "postgresql":
        return {"unavailable": True}
    if article is None:
        return {"article": None}
    members = story_members(article)
    exclude = dismissed_ids(article) | {member.pk for member in members}
    candidates = candidates_for_article(article, exclude_ids=exclude)
    others = members + [candidate.article for candidate in candidates]
    first = min([article, *others], key=lambda a: (a.original_date, a.pk or 0)) if others else None
    return {
        "article": article,
        "members": members,
        "candidates": candidates,
        "first": first,
        "decide_url": f"admin:{opts.app_label}_{opts.model_name}_same_story_decide",
        "change_url": f"admin:{opts.app_label}_{opts.model_name}_change",
    }
