"""The readers' cache of rendered briefings.

Every key carries a generation number. Saving or deleting a briefing, an entry or an article
(briefing/signals.py) bumps the generation, so every cached page becomes unreachable at once
and no reader sees a stale one. With a shared cache (Redis) the number lives in the cache;
with a cache local to each process (the local-memory default) it lives in the database, one
cheap query a page, so that an editor's save reaches every gunicorn worker.
"""

import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models import F

from core import metrics

GENERATION_KEY = "briefing:generation"


def _process_local() -> bool:
    return isinstance(caches["default"], LocMemCache)


def _database_generation() -> int:
    from briefing.models import CacheGeneration

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
        from briefing.models import CacheGeneration

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
