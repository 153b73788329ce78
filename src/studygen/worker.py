"""Run each lesson's rendering in a separate process with a time and memory limit.

WeasyPrint has no render timeout and does not bound what CSS or images cost, so a pathological lesson
must fail alone: the worker is killed, the lesson gets a clear error, and the rest of a batch goes on
in a fresh worker.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import resource
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from studygen.errors import BuildError, InternalError, StudygenError

DEFAULT_SECONDS = 180.0
"""Wall-clock time one lesson may take to render all its documents."""

DEFAULT_MEMORY_MB = 2048
"""Address space a worker may use; a 2,000-card deck needs about 700 MB."""


@dataclass(frozen=True)
class Limits:
    """How long and how much memory rendering one lesson may take."""

    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB


class Worker:
    """A child process that runs jobs one at a time, replaced whenever one kills or hangs it."""

    def __init__(self, task: Callable[[Any], Any], limits: Limits) -> None:
        self.task = task
        self.limits = limits
        self._process: multiprocessing.process.BaseProcess | None = None
        self._connection: Connection | None = None

    def run(self, job: Any, *, name: str) -> Any:
        """Run task(job) in the worker and return its result, or raise the error it met."""
        connection = self._start()
        connection.send(job)
        if not connection.poll(self.limits.seconds):
            self.close()
            raise BuildError(
                f"{name}: rendering took longer than {self.limits.seconds:g} seconds and was stopped; "
                "make the lesson smaller, or allow more time with --timeout"
            )
        try:
            status, payload = connection.recv()
        except (EOFError, OSError):
            code = self._process.exitcode if self._process else None
            self.close()
            raise BuildError(
                f"{name}: rendering stopped the worker (exit code {code}); it probably needed more than "
                f"{self.limits.memory_mb} MB of memory: make the lesson smaller, or allow more with --memory"
            ) from None
        if status == "ok":
            return payload
        if status == "error":
            raise StudygenError(payload)
        if status == "memory":
            self.close()
            raise BuildError(
                f"{name}: rendering needed more than {self.limits.memory_mb} MB of memory and was "
                "stopped: make the lesson smaller, or allow more with --memory"
            )
        raise InternalError(payload)

    def close(self) -> None:
        """Stop the worker process, politely if it is idle, by force if not."""
        if self._connection is not None:
            with contextlib.suppress(OSError):
                self._connection.send(None)
            self._connection.close()
        if self._process is not None:
            self._process.join(timeout=0.5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._process = self._connection = None

    def _start(self) -> Connection:
        """Start the worker process unless one is running."""
        if self._process is not None and self._process.is_alive() and self._connection is not None:
            return self._connection
        self.close()
        # spawn, not fork: WeasyPrint's libraries have crashed when imported before a fork.
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, self.task, self.limits), name="studygen-worker", daemon=True
        )
        self._process.start()
        child.close()
        self._connection = parent
        return parent


def _serve(connection: Connection, task: Callable[[Any], Any], limits: Limits) -> None:
    """Worker main loop: apply the memory limit, then answer jobs until told to stop."""
    size = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if job is None:
            return
        try:
            reply: tuple[str, Any] = ("ok", task(job))
        except StudygenError as error:
            reply = ("error", error.format_message())
        except MemoryError:
            reply = ("memory", "")
        except Exception:
            reply = ("bug", traceback.format_exc())
        try:
            connection.send(reply)
        except (OSError, MemoryError):
            return
        if reply[0] == "memory":
            return  # a process that ran out of memory may be in any state: start afresh
