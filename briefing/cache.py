"""The readers' cache of rendered briefings.

Every key carries a generation number kept in the cache itself. Saving or deleting a briefing,
an entry or an article bumps the generation, so every cached briefing becomes unreachable at
once and no reader sees a stale one. Only the briefing body is cached, never a whole page: the
page around it carries a per-request CSRF token in the sidebar's subscribe form.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

GENERATION_KEY = "briefing:generation"


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # add() so two processes starting at once agree on one number.
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return value


def invalidate() -> None:
    """Make every cached briefing unreachable (after the transaction commits, and now)."""
    _bump()
    # A reader between now and the commit could cache the old rows again: bump once more.
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, 2, timeout=None)


def cached(name: str, compute: Callable[[], Any]) -> Any:
    """compute(), remembered under name for the current generation (when the cache is on)."""
    seconds = settings.BRIEFING_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    key = f"briefing:{generation()}:{name}"
    boxed = cache.get(key)  # a 1-tuple, so that None (no briefing) is remembered too
    if boxed is None:
        boxed = (compute(),)
        cache.set(key, boxed, seconds)
    return boxed[0]


def _on_change(sender, **kwargs):
    invalidate()


# Lazy senders: the articles app may load after this module.
_SENDERS = (
    "briefing.Briefing",
    "briefing.BriefingEntry",
    "articles.Article",
    "articles.ArticleAuthor",
    "articles.Author",
    "articles.Source",
)
for _sender in _SENDERS:
    post_save.connect(_on_change, sender=_sender, dispatch_uid=f"briefing-cache-save-{_sender}")
    post_delete.connect(
        _on_change, sender=_sender, dispatch_uid=f"briefing-cache-delete-{_sender}"
    )
