"""The readers' page cache: briefings, articles, sources, authors, tags and their indexes.

Every key carries a generation number. Saving or deleting a briefing, an entry, an article, a
byline, a source, a tag, a story or the site settings (briefing/signals.py) bumps the
generation, so every cached page becomes unreachable at once and no reader sees a stale one.
With a shared cache (Redis) the number lives in the cache; with a cache local to each process
(the local-memory default) it lives in the database, one cheap query a page, so that an
editor's save reaches every gunicorn worker.
"""

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone

from core import metrics

GENERATION_KEY = "briefing:generation"


def _process_local() -> bool:
    return isinstance(caches["default"], LocMemCache)


def _database_generation() -> int:
    from core.models import CacheGeneration

    # Read on every cached page: plain SQL, a primary-key lookup, no ORM on the hot path.
    table = connection.ops.quote_name(CacheGeneration._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else 0


def _first_generation() -> int:
    # Random, so a generation key evicted and made again never matches entries made before.
    cache.add(GENERATION_KEY, secrets.randbits(48), timeout=None)
    return cache.get(GENERATION_KEY)


def invalidate() -> None:
    """Make every cached page unreachable (now, and again once the transaction commits)."""
    if _process_local():
        from core.models import CacheGeneration

        # Part of the editor's transaction: readers see the new number once it commits.
        if not CacheGeneration.objects.filter(pk=1).update(value=F("value") + 1):
            CacheGeneration.objects.get_or_create(pk=1, defaults={"value": 1})
        return
    _bump()
    # A reader between now and the commit could cache the old rows again: bump once more.
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        _first_generation()


def cached(name: str, compute: Callable[[], Any]) -> Any:
    """compute(), remembered under name while the generation stays the same (cache on).

    Each entry holds the generation it was computed at; a shared cache answers the generation
    and the entry in one round trip.
    """
    seconds = settings.BRIEFING_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    key = f"briefing:{name}"
    if _process_local():
        current, stored = _database_generation(), cache.get(key)
    else:
        found = cache.get_many([GENERATION_KEY, key])
        current, stored = found.get(GENERATION_KEY), found.get(key)
        if current is None:
            current = _first_generation()
    if stored is not None and stored[0] == current:
        metrics.count(metrics.CACHE_LOOKUPS, "briefing", "hit")
        return stored[1]
    metrics.count(metrics.CACHE_LOOKUPS, "briefing", "miss")
    value = compute()
    cache.set(key, (current, value), seconds)
    return value


CSRF_PLACEHOLDER = "__briefing_csrf_token_placeholder__"
# Only the hidden field {% csrf_token %} renders is swapped for the reader's token: the same
# text anywhere else (a link in an editor's excerpt) stays as it is. Editors' HTML is
# sanitized, so its quotes are escaped and can never spell this field.
CSRF_FIELD = 'name="csrfmiddlewaretoken" value="{}"'


class CachedPageMixin:
    """A readers' page that anonymous readers get from the cache, rendered once per generation.

    The sidebar's subscribe form carries a per-request CSRF token, so the page is cached with a
    placeholder in its place and each response gets the reader's own token: no reader ever
    sees another's. Signed-in readers and readers with a message waiting get a fresh page.
    Only the query parameters named in `cache_parameters` make another page (?page=2); any
    other parameter is ignored by the view and by the key alike.
    """

    cache_parameters: tuple[str, ...] = ("page",)
    cache_for_anonymous = True

    def get(self, request, *args, **kwargs):
        personal = request.user.is_authenticated or len(messages.get_messages(request))
        if personal or not self.cache_for_anonymous or settings.BRIEFING_CACHE_SECONDS <= 0:
            return super().get(request, *args, **kwargs)
        query = "&".join(f"{name}={request.GET.get(name, '')}" for name in self.cache_parameters)
        # The header shows today's date: a new day is a new page.
        key = f"page:{request.path}?{query}:{timezone.localdate().isoformat()}"
        page = cached(key, lambda: self.render_for_cache(request, *args, **kwargs))
        field = CSRF_FIELD.format(CSRF_PLACEHOLDER)
        return HttpResponse(page.replace(field, CSRF_FIELD.format(get_token(request))))

    def render_for_cache(self, request, *args, **kwargs) -> str:
        """The page as the view renders it, with the placeholder for the CSRF token."""
        response = super().get(request, *args, **kwargs)  # a TemplateResponse, not rendered
        context = response.context_data
        context["csrf_token"] = CSRF_PLACEHOLDER  # overrides the per-request token
        return render_to_string(response.template_name, context, request=request)


def cached_feed(feed: Callable) -> Callable:
    """A feed view (RSS, Atom) served from the cache for everyone: a feed is the same for every
    reader and carries no token. Its type and Last-Modified header are kept with it."""

    def view(request, *args, **kwargs):
        if settings.BRIEFING_CACHE_SECONDS <= 0:
            return feed(request, *args, **kwargs)

        def render():
            response = feed(request, *args, **kwargs)
            headers = {name: response[name] for name in FEED_HEADERS if response.has_header(name)}
            return response.content, headers

        content, headers = cached(f"feed:{request.path}", render)
        return HttpResponse(content, headers=headers)

    return view


FEED_HEADERS = ("Content-Type", "Last-Modified")
