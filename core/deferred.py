"""Derived updates (search vectors, fingerprints, caches) run once per save, not once per row.

Saving an article in the admin writes the article, each of its bylines and each of its tags,
and every one of those writes would refresh the same derived data again. Inside `batch()` such
refreshes are gathered and each handler runs once, with all the keys it was given, when the
block ends: every request is one batch (`core.middleware.DeferredUpdatesMiddleware`), so the
admin's save refreshes once, after its transaction has committed. Outside a batch (shell,
tests, the worker) a refresh runs at once.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Handler = Callable[[frozenset], None]

_pending: ContextVar["Batch | None"] = ContextVar("deferred_batch", default=None)


class Batch:
    def __init__(self):
        self.handlers: dict[Handler, set] = {}
        self.discarded = False

    def discard(self) -> None:
        """Drop what was gathered (the work it was for failed and was rolled back)."""
        self.discarded = True

    def run(self) -> None:
        # A handler may ask for more (an article's refresh tells the stories and the briefing
        # cache): those join this batch and run in the same loop, each once.
        while self.handlers and not self.discarded:
            handler = next(iter(self.handlers))
            handler(frozenset(self.handlers.pop(handler)))


def run_once(handler: Handler, keys: Iterable = ()) -> None:
    """handler(keys) now, or once at the end of the current batch with every key it was given."""
    batch = _pending.get()
    if batch is None:
        handler(frozenset(keys))
    else:
        batch.handlers.setdefault(handler, set()).update(keys)


@contextmanager
def batch() -> Iterator[Batch]:
    """Gather run_once() calls; run them when the block ends without an exception."""
    outer = _pending.get()
    if outer is not None:  # nested: the outer batch runs everything
        yield outer
        return
    current = Batch()
    token = _pending.set(current)
    try:
        yield current
        current.run()
    finally:
        _pending.reset(token)
