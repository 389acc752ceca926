"""Fingerprints follow their articles: database work only, in the saving transaction."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from articles.models import Article
from briefing import cache as briefing_cache
from stories.fingerprints import fingerprints_forget, fingerprints_refresh
from stories.models import StoryArticle


@receiver(post_save, sender=Article, dispatch_uid="stories_fingerprint_on_save")
def fingerprint_saved_article(sender, instance, **kwargs):
    fingerprints_refresh(article_ids=[instance.pk])


@receiver(pre_delete, sender=Article, dispatch_uid="stories_forget_deleted_article")
def forget_deleted_article(sender, instance, **kwargs):
    fingerprints_forget(article_ids=[instance.pk])


@receiver(post_save, sender=StoryArticle, dispatch_uid="stories_refresh_briefings_on_link")
@receiver(post_delete, sender=StoryArticle, dispatch_uid="stories_refresh_briefings_on_unlink")
def refresh_cached_briefings(sender, **kwargs):
    # Briefing entries say "Also covered by": a changed story changes cached briefings.
    briefing_cache.invalidate()
