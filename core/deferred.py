"""Derived updates (search vectors, fingerprints, caches) run once per save, not once per row.

Saving an article in the admin writes the article, each of its bylines and each of its tags,
and every one of those writes would refresh the same derived data again. Inside `batch()` such
refreshes are gathered and each handler runs once, with all the keys it was given, when the
block ends: every request is one batch (`core.middleware.DeferredUpdatesMiddleware`), so the
admin's save refreshes once, after its transaction has committed. Outside a batch (shell,
tests, the worker) a refresh runs at once.

The handlers recompute from the rows as committed, so they also run when the block failed
(what it committed still needs them; what was rolled back leaves nothing to refresh). One that
fails is logged and the others still run: the save they follow has committed already.
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Handler = Callable[[frozenset], None]

logger = logging.getLogger(__name__)
_pending: ContextVar["Batch | None"] = ContextVar("deferred_batch", default=None)


class Batch:
    def __init__(self):
        self.handlers: dict[Handler, set] = {}

    def run(self) -> None:
        # A handler may ask for more (an article's refresh tells the stories and the briefing
        # cache): those join this batch and run in the same loop, each once.
        while self.handlers:
            handler = next(iter(self.handlers))
            keys = frozenset(self.handlers.pop(handler))
            try:
                handler(keys)
            except Exception:
                logger.exception("derived update %s failed", handler.__qualname__)


def run_once(handler: Handler, keys: Iterable = ()) -> None:
    """handler(keys) now, or once at the end of the current batch with every key it was given."""
    batch = _pending.get()
    if batch is None:
        handler(frozenset(keys))
    else:
        batch.handlers.setdefault(handler, set()).update(keys)


@contextmanager
def batch() -> Iterator[Batch]:
    """Gather run_once() calls and run them, each once, when the block ends."""
    outer = _pending.get()
    if outer is not None:  # nested: the outer batch runs everything
        yield outer
        return
    current = Batch()
    token = _pending.set(current)
    try:
        yield current
    finally:
        try:
            current.run()
        finally:
            _pending.reset(token)
