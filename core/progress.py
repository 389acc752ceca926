"""The one progress bar of every long management command."""

import time
from typing import TextIO

from django.core.management.base import OutputWrapper


class ProgressBar:
    """`bar(done)` redraws "Label [#####-----] 120/400 articles (35/s, 3 s)" on one line.

    It redraws at most every `total / 200` items (and always at the end), so a million steps
    cost next to nothing; on a stream that is not a terminal every redraw is a line of its own.
    """

    def __init__(self, stream: TextIO, total: int, *, label: str = "", unit: str = ""):
        self.stream, self.total, self.label, self.unit = stream, max(total, 0), label, unit
        self.started = time.monotonic()
        self.done = 0

    def __call__(self, done: int, total: int | None = None) -> None:
        """Report `done` items (of a new `total`, when the work turned out larger)."""
        if total is not None:
            self.total = total
        self.done = done
        if done % max(1, self.total // 200) == 0 or done >= self.total:
            self._draw()

    def step(self, count: int = 1) -> None:
        self(self.done + count)

    def _draw(self, width: int = 30) -> None:
        filled = width * min(self.done, self.total) // max(self.total, 1)
        elapsed = time.monotonic() - self.started
        rate = self.done / max(elapsed, 0.001)
        label = f"{self.label} " if self.label else ""
        unit = f" {self.unit}" if self.unit else ""
        line = (
            f"{label}[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total}{unit} "
            f"({rate:,.0f}/s, {elapsed:.0f} s)"
        )
        finished = self.done >= self.total
        if self.stream.isatty():
            self._write(f"\r{line}" + ("\n" if finished else ""))
        else:
            self._write(f"{line}\n")
        self.stream.flush()

    def _write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
