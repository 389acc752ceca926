"""Keep derived data current on every write: the stored search vector, the search and listing
entries (articles/entries.py; a tag change too) and the sidebar cache, and tell the apps
above (`articles_changed`) once the articles' search data is current.

The vector depends on the article's authors and source, so writes to those refresh it too.
Each refresh runs once per batch (core/deferred.py): once per admin save, whatever the number
of authors or tags saved with it.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver
from taggit.models import Tag, TaggedItem

from articles.models import Article, ArticleAuthor, Author, Source
from articles.search import update_search_vectors
from core.deferred import run_once

SIDEBAR_CACHE_KEY = "articles:recent-sidebar"
SOURCE_CHOICES_CACHE_KEY = "articles:source-choices"

# Sent once per batch, after the search vectors are current. `article_ids`: the articles that
# were saved, deleted, given a new byline or new tags (empty when only the name of an author,
# a source or a tag changed). The same-story fingerprints and the briefing cache listen to it.
articles_changed = Signal()


def _announce(article_ids: frozenset) -> None:
    cache.delete(SIDEBAR_CACHE_KEY)
    articles_changed.send(sender=Article, article_ids=article_ids)


def _vectors_of_articles(article_ids: frozenset) -> None:
    update_search_vectors(article_ids=article_ids)
    run_once(_announce, article_ids)


def _vectors_of_sources(source_ids: frozenset) -> None:
    update_search_vectors(source_ids=source_ids)
    run_once(_announce)


def _vectors_of_authors(author_ids: frozenset) -> None:
    update_search_vectors(author_ids=author_ids)
    run_once(_announce)


@receiver(post_save, sender=Article)
def article_saved(sender, instance, **kwargs):
    run_once(_vectors_of_articles, [instance.pk])


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance, **kwargs):
    run_once(_announce, [instance.pk])


@receiver(post_save, sender=ArticleAuthor)
@receiver(post_delete, sender=ArticleAuthor)
def byline_changed(sender, instance, **kwargs):
    run_once(_vectors_of_articles, [instance.article_id])


@receiver(m2m_changed, sender=Article.authors.through)
def authors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse and pk_set:
        run_once(_vectors_of_articles, pk_set)
    elif reverse:
        run_once(_vectors_of_authors, [instance.pk])
    else:
        run_once(_vectors_of_articles, [instance.pk])


@receiver(m2m_changed, sender=Article.tags.through)
def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A tag page lists its articles from their listing entries (articles/entries.py); the
    refresh then announces the change (readers' page cache, same-story fingerprints)."""
    if action in {"post_add", "post_remove", "post_clear"} and not reverse:
        run_once(_vectors_of_articles, [instance.pk])


@receiver(post_delete, sender=TaggedItem)
def tagging_deleted(sender, instance, **kwargs):
    if ContentType.objects.get_for_id(instance.content_type_id).model_class() is Article:
        run_once(_vectors_of_articles, [instance.object_id])


@receiver(post_save, sender=Source)
def source_saved(sender, instance, created, **kwargs):
    cache.delete(SOURCE_CHOICES_CACHE_KEY)
    if not created:
        run_once(_vectors_of_sources, [instance.pk])


@receiver(post_save, sender=Author)
def author_saved(sender, instance, created, **kwargs):
    if not created:
        run_once(_vectors_of_authors, [instance.pk])


@receiver(post_save, sender=Tag)
@receiver(post_delete, sender=Tag)
def tag_changed(sender, instance, **kwargs):
    run_once(_announce)
