"""Run each lesson's rendering in a separate process with a time and memory limit.

WeasyPrint has no render timeout and does not bound what CSS or images cost, so a pathological lesson
must fail alone: the worker is killed, the lesson gets a clear error, and the rest of a batch goes on
in a fresh worker.

The worker is a plain `python -c` child, not a multiprocessing one: it imports no more than it needs
(not the CLI), starts no resource-tracker process, and its stderr goes to a file the parent reads, so
what native libraries print when memory runs out (GLib, Pango) never reaches the terminal raw. It
dies with its parent (Linux's parent-death signal), carries its own CPU limit beside the parent's
wall clock, and ignores Ctrl-C and SIGTERM: the parent decides, and stops it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from studygen.errors import BuildError, InternalError, StudygenError

DEFAULT_SECONDS = 180.0
"""Wall-clock time one lesson may take to render all its documents."""

DEFAULT_MEMORY_MB = 2048
"""Address space a worker may use. A big deck renders in parts of about 100 pages, so a worker stays
near 250 MB resident; one long document (a deck a project template renders whole) needs more."""

CPU_MARGIN_SECONDS = 2
"""CPU seconds a worker may use beyond --timeout before it stops itself; the parent's wall clock
normally stops it first, this guard is for when the parent cannot."""

NOISE_BYTES = 64 * 1024
"""How much of the end of a worker's stderr --debug shows."""

ALLOCATION_FAILURE = re.compile(
    r"GLib-ERROR|out of memory|cannot allocate|failed to allocate|error creating thread|MemoryError",
    re.IGNORECASE,
)
"""What native libraries and Python print on stderr when an allocation or a thread fails."""

_BOOTSTRAP = "import sys; sys.path.insert(0, sys.argv[1]); from studygen.worker import serve; serve()"
"""The worker's whole command line program: find studygen where the parent found it, then serve."""

_PR_SET_PDEATHSIG = 1
"""From <linux/prctl.h>: ask the kernel for a signal when the parent dies."""


@dataclass(frozen=True)
class Limits:
    """How long and how much memory rendering one lesson may take."""

    seconds: float = DEFAULT_SECONDS
    memory_mb: int = DEFAULT_MEMORY_MB


class LimitError(BuildError):
    """Raised when a lesson's rendering hit the time or memory limit and its worker was stopped.

    `details` is what --debug shows: how the worker ended and what it printed on stderr.
    """

    def __init__(self, message: str, details: str) -> None:
        super().__init__(message)
        self.details = details


class Worker:
    """A child process that runs jobs one at a time, replaced whenever one kills or hangs it."""

    def __init__(self, task: Callable[[Any], Any], limits: Limits) -> None:
        self.task = task
        self.limits = limits
        self._process: subprocess.Popen[bytes] | None = None
        self._connection: Connection | None = None
        self._stderr: IO[bytes] | None = None
        self._scratch: Path | None = None
        """The worker's temporary folder (WeasyPrint copies fonts there), removed when it stops, however."""
        self._busy = False
        self.deadline = 0.0
        """When the submitted job runs out of time, on the `time.monotonic` clock."""

    def run(self, job: Any, *, name: str) -> Any:
        """Run task(job) in the worker and return its result, or raise the error it met."""
        self.submit(job)
        assert self._connection is not None
        if not self._connection.poll(self.limits.seconds):
            raise self.time_out(name)
        return self.result(name)

    def submit(self, job: Any) -> None:
        """Start task(job) in the worker; once `connection` is ready to read, `result` collects it."""
        connection = self._start()
        assert self._stderr is not None
        os.ftruncate(self._stderr.fileno(), 0)  # the worker appends: keep only this job's noise
        self._busy = True
        self.deadline = time.monotonic() + self.limits.seconds
        with contextlib.suppress(OSError):  # a worker that died at once is reported by `result`
            # The caller's folder goes along: a worker kept between builds resolves relative paths
            # (lesson files, templates/) where the build that sends the job does.
            connection.send((os.getcwd(), job))

    @property
    def connection(self) -> Connection:
        """The connection the answer to the submitted job arrives on, for waiting on several workers."""
        assert self._connection is not None, "no job was submitted"
        return self._connection

    def result(self, name: str) -> Any:
        """Collect the submitted job's result, or raise the error it met (a limit, a user error, a bug)."""
        try:
            status, payload = self.connection.recv()
        except (EOFError, OSError):
            assert self._process is not None
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=5)
            code = self._process.poll()
            ran_out_of_time = code == -signal.SIGXCPU
            raise self._stopped(name, "time" if ran_out_of_time else "memory", _ending(code)) from None
        self._busy = False
        if status == "ok":
            return payload
        if status == "memory" or ALLOCATION_FAILURE.search(self._noise()):
            raise self._stopped(name, "memory", payload or "an allocation failed")
        if status == "error":
            raise StudygenError(payload)
        raise InternalError(payload + self._noise_report())

    def time_out(self, name: str) -> LimitError:
        """Stop the worker, whose job ran past the time limit, and return the error that says so."""
        return self._stopped(name, "time", "still rendering at the time limit")

    def close(self) -> None:
        """Stop the worker process: politely if it is idle, by force if it is busy or does not go."""
        if self._connection is not None:
            if not self._busy:
                with contextlib.suppress(OSError):
                    self._connection.send(None)
            self._connection.close()
        if self._process is not None:
            if self._busy:
                self._process.kill()
            try:
                self._process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._stderr is not None:
            self._stderr.close()
        if self._scratch is not None:  # the process is gone: nothing writes here any more
            shutil.rmtree(self._scratch, ignore_errors=True)
        self._process = self._connection = self._stderr = self._scratch = None
        self._busy = False

    def _start(self) -> Connection:
        """Start the worker process unless one is running."""
        if self._process is not None and self._process.poll() is None and self._connection is not None:
            return self._connection
        self.close()
        ours, theirs = socket.socketpair()
        # Lives as long as the worker process; close() closes both.
        self._stderr = tempfile.TemporaryFile(prefix="studygen-worker-", suffix=".stderr")  # noqa: SIM115
        _append_only(self._stderr)
        package_root = str(Path(__file__).resolve().parents[1])
        with ours, theirs:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _BOOTSTRAP, package_root, str(theirs.fileno()), str(os.getpid())],
                stdin=subprocess.DEVNULL,
                stdout=self._stderr,  # the worker has nothing to say on stdout, which is the build's
                stderr=self._stderr,
                pass_fds=(theirs.fileno(),),
            )
            self._connection = Connection(os.dup(ours.fileno()))
        # The worker's path is the parent's, so it finds the task where the parent did (as spawn does).
        # Its temporary files go in a folder of its own, which this process removes when the worker
        # ends, even one killed at a limit, which cleans up nothing itself.
        self._scratch = Path(tempfile.mkdtemp(prefix="studygen-worker-"))
        self._connection.send((list(sys.path), pickle.dumps((self.task, self.limits)), str(self._scratch)))
        return self._connection

    def _stopped(self, name: str, limit: str, ending: str) -> LimitError:
        """Kill the worker and say which limit the lesson hit and which flag raises it."""
        details = f"the worker was stopped at the {limit} limit: {ending}\n" + self._noise_report()
        self._busy = True  # whatever it is doing, it is not waiting for a job
        self.close()
        if limit == "time":
            return LimitError(
                f"{name}: rendering took longer than {self.limits.seconds:g} seconds and was stopped: "
                "make the lesson smaller, or allow more time with --timeout",
                details,
            )
        return LimitError(
            f"{name}: rendering needed more than {self.limits.memory_mb} MiB of memory and was stopped: "
            "make the lesson smaller, or allow more with --memory",
            details,
        )

    def _noise(self) -> str:
        """Return the end of what the worker printed on stderr during the current job."""
        if self._stderr is None:
            return ""
        size = os.fstat(self._stderr.fileno()).st_size
        data = os.pread(self._stderr.fileno(), NOISE_BYTES, max(0, size - NOISE_BYTES))
        return data.decode("utf-8", "replace")

    def _noise_report(self) -> str:
        """Return the worker's stderr as a --debug section, or nothing if it printed nothing."""
        noise = self._noise()
        return f"\nThe worker's stderr:\n{noise}" if noise.strip() else ""


def _append_only(file: IO[bytes]) -> None:
    """Make every write to file go to its end, so the parent can empty it between jobs."""
    import fcntl

    flags = fcntl.fcntl(file.fileno(), fcntl.F_GETFL)
    fcntl.fcntl(file.fileno(), fcntl.F_SETFL, flags | os.O_APPEND)


def _ending(code: int | None) -> str:
    """Describe how a worker process ended, for --debug."""
    if code is None:
        return "it closed its connection and did not exit"
    if code < 0:
        return f"it was killed by {signal.Signals(-code).name}"
    return f"it exited with code {code}"


def serve() -> None:
    """Worker main: follow the parent, set the limits, then answer jobs until told to stop."""
    fd, parent = int(sys.argv[2]), int(sys.argv[3])
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)  # the parent decides, and stops this process
    _die_with(parent)
    connection = Connection(fd)
    path, payload, scratch = connection.recv()
    sys.path[:] = path
    tempfile.tempdir = scratch
    task, limits = pickle.loads(payload)
    _limit_memory(limits)
    _serve(connection, task, limits)


def _die_with(parent: int) -> None:
    """Make the kernel kill this process when its parent dies, and exit now if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    else:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    # The parent may have died before prctl ran: then this process already belongs to another.
    if os.getppid() != parent:
        os._exit(1)


def _watch_parent(parent: int) -> None:
    """Exit once the parent is gone, where the kernel has no parent-death signal."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _limit_memory(limits: Limits) -> None:
    """Cap the address space; and write no core file when a limit kills this process."""
    size = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _limit_cpu(seconds: float) -> None:
    """Allow the next job this many CPU seconds (and a margin) on top of what this process has used.

    Only the soft limit moves: the kernel sends SIGXCPU, which ends the process, and the parent reports
    the time limit. The hard limit stays, since a process can lower but never raise it again.
    """
    usage = resource.getrusage(resource.RUSAGE_SELF)
    allowed = int(usage.ru_utime + usage.ru_stime + seconds) + CPU_MARGIN_SECONDS
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_CPU, (allowed if hard < 0 else min(allowed, hard), hard))


def _serve(connection: Connection, task: Callable[[Any], Any], limits: Limits) -> None:
    """Answer jobs until told to stop; leave after running out of memory, in a state nobody knows."""
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if job is None:
            return
        folder, job = job
        os.chdir(folder)
        _limit_cpu(limits.seconds)
        try:
            reply = _answer(task, job)
        except MemoryError:  # even describing the failure failed
            reply = ("memory", "")
        try:
            connection.send(reply)
        except (OSError, MemoryError):
            return
        if reply[0] == "memory":
            return


def _answer(task: Callable[[Any], Any], job: Any) -> tuple[str, Any]:
    """Run one job and say how it went: ok, a user error, memory ran out, or a bug."""
    try:
        return ("ok", task(job))
    except StudygenError as error:
        return ("error", error.format_message())
    except Exception as error:
        if _out_of_memory(error):
            return ("memory", f"{type(error).__name__}: {error}")
        return ("bug", traceback.format_exc())


def _out_of_memory(error: BaseException | None) -> bool:
    """Whether an exception, or one it arose from, is how Python or a C library ran out of memory.

    SystemError counts: under the address-space limit it is what C code raises when an allocation
    failed without setting MemoryError ("error return without exception set").
    """
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, (MemoryError, SystemError)):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False
