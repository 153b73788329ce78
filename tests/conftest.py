"""Settings for the whole suite, and render workers kept warm between the builds of one test process."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import studygen.build
import studygen.pool
from studygen.worker import Limits, Worker

# pytest-xdist already keeps every core busy with tests; a build inside a test renders on one worker
# unless the test asks for more (--jobs), so the suite does not start twice the processes it has cores.
os.environ.setdefault("STUDYGEN_JOBS", "1")

_idle: dict[tuple[Callable[[Any], Any], Limits], list[Worker]] = {}
"""Real render workers handed back by finished builds, by task and limits, waiting for the next build."""


class LentWorker:
    """A real render worker lent to one build's pool: its close() hands it back unless a job broke it.

    Starting a worker and importing WeasyPrint cost about a second of CPU, paid by every build a test
    runs; lending one warm worker to the builds of a test process halves the suite's time. Each job
    still crosses a real process boundary with its limits, so what a build prints is what it prints
    with a worker of its own. Tests about starting and stopping workers, and tests that change the
    environment a worker inherits (FONTCONFIG_FILE), use `fresh_workers`.
    """

    def __init__(self, task: Callable[[Any], Any], limits: Limits) -> None:
        self._key = (task, limits)
        free = _idle.get(self._key)
        self._worker = free.pop() if free else Worker(task, limits)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._worker, name)

    def close(self) -> None:
        """Hand an idle worker back for the next build; stop one a job left busy or killed."""
        if self._worker._busy:
            self._worker.close()
        else:
            _idle.setdefault(self._key, []).append(self._worker)


@pytest.fixture(autouse=True)
def warm_workers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Let every build in the suite borrow a warm worker, except in tests marked `fresh_workers`."""
    if request.node.get_closest_marker("fresh_workers") is None:
        monkeypatch.setattr(studygen.pool, "Worker", LentWorker)


@pytest.fixture(autouse=True, scope="session")
def stop_idle_workers() -> Iterator[None]:
    """Stop the lent workers when the test process ends (they would die with it anyway)."""
    yield
    for workers in _idle.values():
        for worker in workers:
            worker.close()
    _idle.clear()
    # Builds rendered in this process (render_lesson) keep one renderer; let it clean up its font
    # folder now, while the modules it needs are loaded, not in interpreter shutdown, where WeasyPrint
    # prints "Exception ignored in FontConfiguration.__del__".
    studygen.build._renderer.cache_clear()
    gc.collect()


def pytest_configure(config: pytest.Config) -> None:
    """Declare the suite's marker."""
    config.addinivalue_line("markers", "fresh_workers: builds start and stop workers of their own")
