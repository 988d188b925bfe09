"""What every worker process of a run (the parse pool's, the quality gate's) does first.

Workers are started by a fork server, so when the run's process is killed (``kill -9``, the kernel's OOM
killer) nothing tells them: they were seen idling for hours after the run died, the gate's at about 290 MB.
Each worker therefore watches the process that started it and ends itself once that process is gone.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Self

CHECK_EVERY_S = 1.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user: not ours, so ours is gone and the pid reused
        return False
    return True


def _watch(pid: int) -> None:
    stop = threading.Event()
    while not stop.wait(CHECK_EVERY_S):
        if not _alive(pid):
            os._exit(0)


def start_worker(nice: int, run_pid: int | None) -> None:
    """Lower this worker's CPU priority by ``nice`` (``Settings.worker_nice``) and end it within about a second
    of ``run_pid`` (the run's process) ending."""
    if nice:
        os.nice(nice)
    if run_pid is not None:
        threading.Thread(target=_watch, args=(run_pid,), name="akhbar-watch-run", daemon=True).start()


class WorkerPool:
    """``workers`` processes started by a fork server (never a fork of this process, which may hold database
    connections and threads) on first use, each starting with ``initializer(nice, this process's id)``
    (which must call :func:`start_worker`); :meth:`restart` drops a broken pool, the next use starts a fresh one."""

    def __init__(self, workers: int, nice: int = 0, initializer=start_worker):
        self.workers, self.nice = workers, nice
        self._initializer = initializer
        self._context = multiprocessing.get_context("forkserver")
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(self.workers, mp_context=self._context,
                                                 initializer=self._initializer,
                                                 initargs=(self.nice, os.getpid()))
        return self._executor

    def submit(self, fn, *args):
        """``fn(*args)`` in one of the pool's processes (started on first use): a Future."""
        return self._pool().submit(fn, *args)

    def restart(self) -> None:
        """Stop the pool's live processes; the next use starts fresh ones."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def pids(self) -> list[int]:
        """The worker processes' ids, once started (for tests and benchmarks)."""
        return [p.pid for p in (self._executor._processes or {}).values()] if self._executor else []

    def close(self) -> None:
        self.restart()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
