"""The local process pool of sweeps: started early, warmed once, and tied to its driver.

Workers are forked by a ``forkserver`` that has imported the model and run a tiny one
(:mod:`experiments.warm`), so every worker starts with the model's modules and compiled
kernels in memory instead of importing and loading them itself (about 1.5 s per worker here).
:func:`start_forkserver` starts that server at once, in the background: the ``sweep`` command
calls it before it imports the model itself, so the server's warm-up runs while the driver
imports. ``fork`` would copy the progress bar's thread state into the workers (unsafe);
``spawn`` would import everything anew in every worker.

This module imports nothing heavy, so calling :func:`start_forkserver` first costs nothing.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

#: Seconds between a pool worker's checks that the driving process is still alive.
WATCHDOG_INTERVAL = 1.0
#: Modules the forkserver imports before it forks any worker.
PRELOAD = ["experiments.warm"]


def _context() -> multiprocessing.context.BaseContext:
    """The forkserver context with :data:`PRELOAD` (``spawn`` where there is no forkserver)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def start_forkserver() -> None:
    """Start the forkserver now, without waiting for its warm-up (nothing where there is none).

    Its preload (:mod:`experiments.warm`) then overlaps whatever the caller does next; the
    first worker waits for it to finish.
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        _context()
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _alive(pid: int) -> bool:
    """Whether process ``pid`` is running: it exists, is ours, and is not a zombie.

    A driver killed with ``kill -9`` stays a zombie until its parent reaps it; it is dead.
    """
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # gone, or the pid now belongs to another user
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):  # no /proc (macOS): existence is all we can tell
        return True
    return state not in ("Z", "X")


def _worker_init(driver: int) -> None:
    """Set up a process-pool worker: leave Ctrl-C to the driver, and die with it.

    A worker blocked on the pool's queue would outlive a driver killed with ``kill -9``; a
    watchdog thread ends it within a second of the driver's death (see :func:`_alive`).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG_INTERVAL)
            if not _alive(driver):
                os._exit(1)

    if os.name == "posix":  # os.kill(pid, 0) probes a process on POSIX only
        threading.Thread(target=watch, name="driver-watchdog", daemon=True).start()


def process_pool(workers: int) -> cf.ProcessPoolExecutor:
    """A process pool of ``workers`` forked by the warmed forkserver (see the module)."""
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                                  initializer=_worker_init, initargs=(os.getpid(),))
