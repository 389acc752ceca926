"""Editors' verdicts on proposed pairs, and the stories they build."""

from django.db import transaction
from django.db.models import Count

from articles.models import Article
from core.deferred import run_once
from stories.models import PairDecision, Story, StoryArticle
from stories.signals import announce_story_change


def _ordered(a: Article, b: Article) -> tuple[Article, Article]:
    if a.pk == b.pk:
        raise ValueError("An article is not a pair with itself.")
    return (a, b) if a.pk < b.pk else (b, a)


def _record(a: Article, b: Article, *, verdict: str, user=None, score=None) -> PairDecision:
    first, second = _ordered(a, b)
    decision, _ = PairDecision.objects.update_or_create(
        first=first,
        second=second,
        defaults={"verdict": verdict, "decided_by": user, "score": score},
    )
    return decision


@transaction.atomic
def story_confirm(*, article: Article, other: Article, user=None, score=None) -> Story:
    """The two articles report the same story: they (and their stories) become one story."""
    _record(article, other, verdict=PairDecision.Verdict.SAME, user=user, score=score)
    links = {
        link.article_id: link
        for link in StoryArticle.objects.select_for_update().filter(article__in=[article, other])
    }
    stories = {link.story_id for link in links.values()}
    if not stories:
        story = Story.objects.create()
    else:
        story = Story.objects.get(pk=min(stories))
        # Two stories joined by this pair are one story: the older absorbs the newer.
        StoryArticle.objects.filter(story_id__in=stories - {story.pk}).update(story=story)
        run_once(announce_story_change)  # update() sends no post_save for the moved members
        Story.objects.filter(pk__in=stories - {story.pk}).delete()
    for member in (article, other):
        if member.pk not in links:
            StoryArticle.objects.create(story=story, article=member)
    return story


@transaction.atomic
def pair_dismiss(*, article: Article, other: Article, user=None, score=None) -> PairDecision:
    """Not the same story: the pair is never proposed again; if `other` had been put in this
    article's story, it leaves it."""
    decision = _record(
        article, other, verdict=PairDecision.Verdict.DIFFERENT, user=user, score=score
    )
    story_id = StoryArticle.objects.filter(article=article).values("story_id").first()
    if story_id:
        StoryArticle.objects.filter(article=other, story_id=story_id["story_id"]).delete()
        _drop_lonely_stories()
    return decision


def _drop_lonely_stories() -> None:
    """A story of one article is no story."""
    lonely = Story.objects.annotate(size=Count("members")).filter(size__lt=2)
    StoryArticle.objects.filter(story__in=lonely).delete()
    lonely.delete()
