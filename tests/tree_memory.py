"""Run a command and measure the peak memory of its whole process tree, robustly on a noisy machine.

Each process's peak resident memory is the kernel's own high-water mark (VmHWM), not a sample of
VmRSS, so a short spike between two looks is still counted: only what a process adds in its last few
milliseconds could be missed (wait4() cannot help: on Linux its maxrss is the largest of the process
and its children, not the parent's own). At every look the tree's figure is the sum of the peaks so
far of the processes alive then; the tree's peak is the largest such sum. That is an upper bound of
what the tree held at once, and it does not add up a worker that has ended to what came after it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    """How a command ended, how long it took, and the memory its processes used at their peaks."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    cpu_seconds: float
    parent_mib: float
    children_mib: dict[int, float]
    """Each child's peak, by process id."""
    peak_mib: float
    """The whole tree's peak, bounded from above (see the module's docstring)."""


def run_measured(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> Measured:
    """Run command to its end, sampling its children's memory peaks every few milliseconds."""
    out, err = (cwd / ".measured-stdout"), (cwd / ".measured-stderr")
    with out.open("w") as stdout, err.open("w") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=stdout, stderr=stderr, env=env)
        children: dict[int, float] = {}
        parent = tree = 0.0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            parent = max(parent, _peak_mib(process.pid) or 0.0)
            alive = 0.0
            for child in _children(process.pid):
                peak = _peak_mib(child)
                if peak is not None:
                    children[child] = max(children.get(child, 0.0), peak)
                    alive += children[child]
            tree = max(tree, parent + alive)
            time.sleep(0.005)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        process.returncode,
        out.read_text(),
        err.read_text(),
        seconds,
        usage.ru_utime + usage.ru_stime,
        parent,
        children,
        tree,
    )


def _children(pid: int) -> list[int]:
    """The direct children of a process, from the kernel's own list."""
    with contextlib.suppress(OSError):
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def _peak_mib(pid: int) -> float | None:
    """A live process's peak resident memory in MiB, or None if it is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None
