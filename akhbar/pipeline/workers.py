"""What every worker process of a run (the parse pool's, the quality gate's) does first.

Workers are started by a fork server, so when the run's process is killed (``kill -9``, the kernel's OOM
killer) nothing tells them: they were seen idling for hours after the run died, the gate's at about 290 MB.
Each worker therefore watches the process that started it and ends itself once that process is gone.
"""

from __future__ import annotations

import os
import threading

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
