"""Writes applied in order by a second thread, so a loop's database round trips cost no time.

Each write is a callable run in its own commit, on the thread's own database connection. The
queue holds one write: the caller is never more than one write ahead, so a process killed
with SIGKILL loses at most the write in flight and the one waiting. An error in a write stops
the pipeline and is raised in the caller's thread at its next submit, flush or close.
"""

import queue
import threading
from collections.abc import Callable

from django.db import connection


class OrderedWriter:
    def __init__(self, *, threaded: bool):
        self.threaded = threaded
        self.error: BaseException | None = None
        if threaded:
            self.queue: queue.Queue = queue.Queue(maxsize=1)
            self.thread = threading.Thread(target=self._run, name="ordered-writer", daemon=True)
            self.thread.start()

    def submit(self, write: Callable[[], None]) -> None:
        if not self.threaded:
            write()
            return
        if self.error is not None:
            raise self.error
        self.queue.put(write)

    def _run(self) -> None:
        try:
            while (write := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        write()
                    except BaseException as exc:  # handed to the submitting thread
                        self.error = exc
                self.queue.task_done()
        finally:
            connection.close()

    def flush(self) -> None:
        """Wait until every submitted write is done."""
        if self.threaded:
            self.queue.join()
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        if self.threaded and self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error
