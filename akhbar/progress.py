"""Progress for long shell commands: a rich progress bar on a terminal, plain lines otherwise.

``akhbar run``, ``akhbar maintenance reparse`` and ``akhbar import`` report through :func:`progress`. On a
terminal (stderr is a TTY) it draws bars on stderr; in a pipe, a log file or cron it prints one plain line per
step on stdout and, for counted work, one line at most every ``every`` seconds and at the end, so logs stay
readable. Off a terminal stderr is left to problems only: a cron job that mails stderr, or a script that checks
it, sees one line when the database was lost or a run ended red, not the progress.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Task:
    """One counted piece of work (``total`` may be None: unknown)."""

    def __init__(self, reporter: Reporter, description: str, total: int | None):
        self.reporter, self.description, self.total, self.done = reporter, description, total, 0
        self.fields: dict[str, object] = {}

    def advance(self, n: int = 1, **fields) -> None:
        self.done += n
        self.fields.update(fields)
        self.reporter._update(self)

    def set(self, done: int | None = None, total: int | None = None, **fields) -> None:
        if done is not None:
            self.done = done
        if total is not None:
            self.total = total
        self.fields.update(fields)
        self.reporter._update(self)

    def describe(self) -> str:
        count = f"{self.done:,}" + (f"/{self.total:,}" if self.total is not None else "")
        extra = ", ".join(f"{k.replace('_', ' ')} {v:,}" if isinstance(v, int) else f"{k.replace('_', ' ')} {v}"
                          for k, v in self.fields.items())
        return f"{self.description}: {count}" + (f" ({extra})" if extra else "")


class Reporter:
    def __init__(self, stream: TextIO, rich_bars: bool, every: float):
        self.stream, self.rich_bars, self.every = stream, rich_bars, every
        self._progress = None
        self._ids: dict[int, object] = {}
        self._last: dict[int, float] = {}

    # -- the interface ------------------------------------------------------------------------------------------
    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Task]:
        task = Task(self, description, total)
        if self._progress is not None:
            self._ids[id(task)] = self._progress.add_task(description, total=total)
        else:
            self._last[id(task)] = time.monotonic()
        outcome = "failed"
        try:
            yield task
            outcome = "done"
        finally:
            if self._progress is not None:
                self._progress.update(self._ids.pop(id(task)), completed=task.done,
                                      total=task.total if task.total is not None else task.done,
                                      description=self._rich_description(task)
                                      + ("" if outcome == "done" else " [failed]"))
            else:
                self._last.pop(id(task), None)
                self.line(f"{task.describe()} {outcome}")

    def line(self, text: str) -> None:
        """A message that stays: printed above the bars on a terminal, as a line otherwise."""
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.stream, flush=True)

    # -- internals ----------------------------------------------------------------------------------------------
    def _rich_description(self, task: Task) -> str:
        from rich.markup import escape

        extra = ", ".join(f"{k.replace('_', ' ')} {v:,}" if isinstance(v, int) else f"{k.replace('_', ' ')} {v}"
                          for k, v in task.fields.items())
        return escape(task.description + (f" ({extra})" if extra else ""))

    def _update(self, task: Task) -> None:
        if self._progress is not None:
            self._progress.update(self._ids[id(task)], completed=task.done, total=task.total,
                                  description=self._rich_description(task))
            return
        now = time.monotonic()
        if now - self._last.get(id(task), 0.0) >= self.every:
            self._last[id(task)] = now
            print(task.describe(), file=self.stream, flush=True)


@contextmanager
def progress(stream: TextIO | None = None, *, force_terminal: bool | None = None,
             every: float = 5.0) -> Iterator[Reporter]:
    """A :class:`Reporter` writing to ``stream``: bars when it is a terminal, plain lines otherwise. By default,
    bars on stderr when stderr is a terminal, else plain lines on stdout."""
    if stream is None:
        stream = sys.stderr if force_terminal or (force_terminal is None and sys.stderr.isatty()) else sys.stdout
    is_terminal = force_terminal if force_terminal is not None else bool(getattr(stream, "isatty", lambda: False)())
    reporter = Reporter(stream, is_terminal, every)
    if not is_terminal:
        yield reporter
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(file=stream, force_terminal=True)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=False) as bars:
        reporter._progress = bars
        yield reporter
