"""Fingerprints follow their articles: database work only, in the saving transaction."""

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from articles.models import Article
from stories.fingerprints import fingerprints_forget, fingerprints_refresh


@receiver(post_save, sender=Article, dispatch_uid="stories_fingerprint_on_save")
def fingerprint_saved_article(sender, instance, **kwargs):
    fingerprints_refresh(article_ids=[instance.pk])


@receiver(pre_delete, sender=Article, dispatch_uid="stories_forget_deleted_article")
def forget_deleted_article(sender, instance, **kwargs):
    fingerprints_forget(article_ids=[instance.pk])
