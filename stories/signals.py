"""Fingerprints follow their articles, and the apps above hear when a story changes.

Database work only, never the network. `story_changed` is sent once per batch
(core/deferred.py) whenever articles join or leave a story; the briefing cache listens (its
entries say "Also covered by").
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import Signal, receiver

from articles.models import Article
from articles.signals import articles_changed
from core.deferred import run_once
from stories.fingerprints import fingerprints_forget, fingerprints_refresh
from stories.models import StoryArticle

story_changed = Signal()


def announce_story_change(_keys=frozenset()) -> None:
    story_changed.send(sender=StoryArticle)


@receiver(articles_changed, dispatch_uid="stories_fingerprints_follow_articles")
def fingerprint_changed_articles(sender, article_ids, **kwargs):
    fingerprints_refresh(article_ids=sorted(article_ids))


@receiver(pre_delete, sender=Article, dispatch_uid="stories_forget_deleted_article")
def forget_deleted_article(sender, instance, **kwargs):
    fingerprints_forget(article_ids=[instance.pk])


@receiver(post_save, sender=StoryArticle, dispatch_uid="stories_member_saved")
@receiver(post_delete, sender=StoryArticle, dispatch_uid="stories_member_deleted")
def story_member_changed(sender, **kwargs):
    run_once(announce_story_change)
