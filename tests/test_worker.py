"""The render worker: time and memory limits, user errors, bugs, and recovery after a kill."""

from __future__ import annotations

import time

import pytest

from studygen.errors import BuildError, InternalError, StudygenError
from studygen.worker import Limits, Worker


def echo(job: object) -> object:
    """Return the job unchanged."""
    return job


def dawdle(seconds: float) -> str:
    """Sleep, standing in for a render that never ends."""
    time.sleep(seconds)
    return "late"


def hoard(megabytes: int) -> int:
    """Allocate memory, standing in for a render that eats it."""
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def refuse(message: str) -> None:
    """Fail the way a broken lesson does."""
    raise StudygenError(message)


def crash(_: object) -> None:
    """Fail the way a bug in studygen does."""
    raise KeyError("no such thing")


def dispatch(job: tuple[str, object]) -> object:
    """Run one of the stand-ins above by name, so one worker can meet several of them."""
    name, argument = job
    return {"echo": echo, "dawdle": dawdle, "hoard": hoard, "refuse": refuse, "crash": crash}[name](argument)


@pytest.fixture
def worker() -> object:
    """A worker with tight limits, closed after the test."""
    worker = Worker(dispatch, Limits(seconds=3, memory_mb=512))
    yield worker
    worker.close()


def test_results_come_back(worker: Worker) -> None:
    assert worker.run(("echo", {"a": [1, 2]}), name="lesson.yaml") == {"a": [1, 2]}


def test_a_hung_job_is_stopped_at_the_timeout_and_the_next_job_runs(worker: Worker) -> None:
    start = time.perf_counter()
    with pytest.raises(BuildError, match=r"lesson\.yaml: rendering took longer than 3 seconds.*--timeout"):
        worker.run(("dawdle", 60), name="lesson.yaml")
    assert time.perf_counter() - start < 10
    assert worker.run(("echo", "after"), name="next.yaml") == "after"


def test_a_job_over_the_memory_limit_is_stopped_and_the_next_job_runs(worker: Worker) -> None:
    with pytest.raises(BuildError, match=r"big\.yaml: rendering needed more than 512 MiB.*--memory"):
        worker.run(("hoard", 2048), name="big.yaml")
    assert worker.run(("hoard", 10), name="small.yaml") == 10 * 1024 * 1024


def test_a_user_error_comes_back_as_it_was_raised(worker: Worker) -> None:
    with pytest.raises(StudygenError, match=r"^lesson\.yaml:3:1: title: nope$"):
        worker.run(("refuse", "lesson.yaml:3:1: title: nope"), name="lesson.yaml")
    assert worker.run(("echo", 1), name="next.yaml") == 1


def test_a_bug_is_reported_as_internal_with_its_traceback(worker: Worker) -> None:
    with pytest.raises(InternalError) as caught:
        worker.run(("crash", None), name="lesson.yaml")
    assert "bug in studygen" in caught.value.format_message()
    assert "KeyError: 'no such thing'" in caught.value.format_message()
    assert "Traceback" in caught.value.details and "def crash" not in caught.value.format_message()
