"""What the article admin form shows about an article's story and its candidates."""

from articles.models import Article
from stories.models import StoryArticle
from stories.search import judged_candidates, threshold


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


def same_story_panel(article: Article | None, *, opts) -> dict:
    """Context for `stories/admin/same_story_panel.html`."""
    if article is None:
        return {"article": None}
    members = story_members(article)
    judged = judged_candidates(article)  # leaves the members and dismissed pairs out
    candidates = [candidate for candidate in judged if candidate.verdict.same]
    # Worded alike, but reporting another event (or, by the classifier, unlikely the same one):
    # shown apart, with why, for an editor to overrule.
    set_aside = [
        candidate
        for candidate in judged
        if (candidate.verdict.conflicts or candidate.verdict.doubts)
        and candidate.score >= threshold()
    ]
    others = members + [candidate.article for candidate in candidates]
    first = min([article, *others], key=lambda a: (a.original_date, a.pk or 0)) if others else None
    return {
        "article": article,
        "members": members,
        "candidates": candidates,
        "set_aside": set_aside,
        "first": first,
        "decide_url": f"admin:{opts.app_label}_{opts.model_name}_same_story_decide",
        "change_url": f"admin:{opts.app_label}_{opts.model_name}_change",
    }
