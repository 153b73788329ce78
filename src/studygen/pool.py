"""Run jobs on several render workers at once, each with its own limits, from the build's main thread.

No threads: the main thread waits on every busy worker's connection at once, so Ctrl-C and SIGTERM
reach it as always and stop every worker through `close`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from multiprocessing.connection import wait
from typing import Any, TypeVar

from studygen.errors import StudygenError
from studygen.worker import Limits, Worker

Key = TypeVar("Key", bound=Hashable)


def cores() -> int:
    """The CPUs this process may run on (a CI container's share, not the machine's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class Pool:
    """Up to `size` workers running one task function; a worker starts only when a job needs it."""

    def __init__(self, task: Callable[[Any], Any], limits: Limits, size: int) -> None:
        self._workers = [Worker(task, limits) for _ in range(max(1, size))]

    def run(self, jobs: Iterable[tuple[Key, Any, str]]) -> Iterator[tuple[Key, Any]]:
        """Run (key, job, name) jobs, yielding (key, result or the StudygenError it met) as each ends."""
        waiting = iter(jobs)
        idle = list(reversed(self._workers))  # the first worker first: one job starts one process
        busy: dict[Worker, tuple[Key, str]] = {}
        while True:
            while idle and (item := next(waiting, None)) is not None:
                key, job, name = item
                worker = idle.pop()
                worker.submit(job)
                busy[worker] = (key, name)
            if not busy:
                return
            timeout = max(0.0, min(worker.deadline for worker in busy) - time.monotonic())
            ready = wait([worker.connection for worker in busy], timeout)
            for worker in list(busy):
                key, name = busy[worker]
                outcome: Any
                if worker.connection in ready:
                    try:
                        outcome = worker.result(name)
                    except StudygenError as error:
                        outcome = error
                elif time.monotonic() >= worker.deadline:
                    outcome = worker.time_out(name)
                else:
                    continue
                del busy[worker]
                idle.append(worker)
                yield key, outcome

    def close(self) -> None:
        """Stop every worker: idle ones politely, busy ones by force."""
        for worker in self._workers:
            worker.close()
