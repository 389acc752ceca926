"""Keep derived data current on every write: the stored search vector and the sidebar cache.

The vector depends on the article's authors and source, so writes to those refresh it too.
"""

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles.models import Article, ArticleAuthor, Author, Source
from articles.search import update_search_vectors

SIDEBAR_CACHE_KEY = "articles:recent-sidebar"
SOURCE_CHOICES_CACHE_KEY = "articles:source-choices"


@receiver(post_save, sender=Article)
def article_saved(sender, instance, raw=False, **kwargs):
    update_search_vectors(article_ids=[instance.pk])
    cache.delete(SIDEBAR_CACHE_KEY)


@receiver(post_delete, sender=Article)
def article_deleted(sender, **kwargs):
    cache.delete(SIDEBAR_CACHE_KEY)


@receiver(post_save, sender=ArticleAuthor)
@receiver(post_delete, sender=ArticleAuthor)
def byline_changed(sender, instance, **kwargs):
    update_search_vectors(article_ids=[instance.article_id])
    cache.delete(SIDEBAR_CACHE_KEY)


@receiver(m2m_changed, sender=Article.authors.through)
def authors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse and pk_set:
        update_search_vectors(article_ids=pk_set)
    elif reverse:
        update_search_vectors(author_ids=[instance.pk])
    else:
        update_search_vectors(article_ids=[instance.pk])
    cache.delete(SIDEBAR_CACHE_KEY)


@receiver(post_save, sender=Source)
def source_saved(sender, instance, created, **kwargs):
    cache.delete(SOURCE_CHOICES_CACHE_KEY)
    if not created:
        update_search_vectors(source_ids=[instance.pk])
        cache.delete(SIDEBAR_CACHE_KEY)


@receiver(post_save, sender=Author)
def author_saved(sender, instance, created, **kwargs):
    if not created:
        update_search_vectors(author_ids=[instance.pk])
        cache.delete(SIDEBAR_CACHE_KEY)
