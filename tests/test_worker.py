"""The render worker: time and memory limits, user errors, bugs, and recovery after a kill."""

from __future__ import annotations

import os
import resource
import signal
import sys
import tempfile
import time
from pathlib import Path

import pytest

from studygen.errors import BuildError, InternalError, StudygenError
from studygen.worker import CPU_MARGIN_SECONDS, LimitError, Limits, Worker

MEMORY = (
    "rendering needed more than 512 MiB of memory and was stopped: "
    "make the lesson smaller, or allow more with --memory"
)


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


def fail_in_c(_: object) -> None:
    """Fail the way C code does when an allocation fails under the address-space limit."""
    raise SystemError("error return without exception set")


def abort_like_glib(_: object) -> None:
    """Die the way GLib does when it cannot create a thread: a line on fd 2, then abort."""
    os.write(2, b"(process:1): GLib-ERROR **: creating thread 'pango': Error creating thread\n")
    os.abort()


def die_by(signum: int) -> None:
    """Die by a signal, as a renderer crashing in native code does."""
    os.kill(os.getpid(), signum)


def chatter(_: object) -> str:
    """Print on stderr from Python and from C's fd 2, then succeed."""
    print("a warning from a library", file=sys.stderr, flush=True)
    os.write(2, b"(process:1): Pango-WARNING **: noise\n")
    return "fine"


def cpu_allowance(_: object) -> float:
    """Return how many more CPU seconds this process may use."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return resource.getrlimit(resource.RLIMIT_CPU)[0] - (usage.ru_utime + usage.ru_stime)


def leave_temporary_file(seconds: float) -> str:
    """Make a temporary folder as WeasyPrint does for fonts, then dawdle; return the folder."""
    import tempfile

    folder = tempfile.mkdtemp(prefix="weasyprint-")
    time.sleep(seconds)
    return folder


def spin(_: object) -> None:
    """Burn CPU past a one-second CPU limit, standing in for the parent not being there to stop it."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.getrlimit(resource.RLIMIT_CPU)[1]))
    while True:
        pass


STAND_INS = {
    f.__name__: f
    for f in (
        echo,
        dawdle,
        hoard,
        refuse,
        crash,
        fail_in_c,
        abort_like_glib,
        die_by,
        chatter,
        cpu_allowance,
        spin,
        leave_temporary_file,
    )
}


def dispatch(job: tuple[str, object]) -> object:
    """Run one of the stand-ins above by name, so one worker can meet several of them."""
    name, argument = job
    return STAND_INS[name](argument)


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


def test_a_system_error_from_c_code_is_the_memory_limit(worker: Worker) -> None:
    with pytest.raises(LimitError) as caught:
        worker.run(("fail_in_c", None), name="big.yaml")
    assert caught.value.format_message() == f"big.yaml: {MEMORY}"
    assert worker.run(("echo", 1), name="next.yaml") == 1


def test_a_glib_abort_is_the_memory_limit_and_its_noise_stays_off_the_terminal(
    worker: Worker, capfd: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(LimitError) as caught:
        worker.run(("abort_like_glib", None), name="big.yaml")
    assert caught.value.format_message() == f"big.yaml: {MEMORY}"
    assert "killed by SIGABRT" in caught.value.details and "GLib-ERROR" in caught.value.details
    assert capfd.readouterr() == ("", "")
    assert worker.run(("echo", 1), name="next.yaml") == 1


@pytest.mark.parametrize("signum", [signal.SIGSEGV, signal.SIGKILL])
def test_a_worker_killed_by_a_signal_is_the_memory_limit(worker: Worker, signum: int) -> None:
    with pytest.raises(LimitError, match=f"^big.yaml: {MEMORY}$"):
        worker.run(("die_by", signum), name="big.yaml")


def test_library_noise_of_a_good_render_does_not_reach_the_terminal(
    worker: Worker, capfd: pytest.CaptureFixture[str]
) -> None:
    assert worker.run(("chatter", None), name="lesson.yaml") == "fine"
    assert capfd.readouterr() == ("", "")


def test_a_bug_with_noise_is_still_internal_and_keeps_the_noise_for_debug(worker: Worker) -> None:
    worker.run(("chatter", None), name="lesson.yaml")
    with pytest.raises(InternalError) as caught:
        worker.run(("crash", None), name="lesson.yaml")
    assert "KeyError" in caught.value.format_message()
    assert "The worker's stderr" not in caught.value.details  # the earlier job's noise is not this one's


def test_the_worker_limits_its_own_cpu_time_to_the_timeout(worker: Worker) -> None:
    allowance = worker.run(("cpu_allowance", None), name="lesson.yaml")
    assert 3 < allowance <= 3 + CPU_MARGIN_SECONDS + 1  # Limits(seconds=3), rounded up to whole seconds


def test_a_worker_over_its_cpu_limit_reports_the_time_limit(worker: Worker) -> None:
    with pytest.raises(LimitError, match=r"^lesson\.yaml: rendering took longer than 3 seconds.*--timeout$"):
        worker.run(("spin", None), name="lesson.yaml")


def test_a_workers_temporary_files_go_when_it_stops_even_killed_at_a_limit(
    worker: Worker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint copies fonts to a temporary folder it removes only on a clean exit: 4 MB a worker."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = Path(worker.run(("leave_temporary_file", 0), name="lesson.yaml"))
    assert folder.parent.parent == tmp_path and folder.is_dir()
    with pytest.raises(BuildError, match="rendering took longer than 3 seconds"):
        worker.run(("leave_temporary_file", 60), name="slow.yaml")  # killed mid-job
    assert list(tmp_path.iterdir()) == []
    folder = Path(worker.run(("leave_temporary_file", 0), name="lesson.yaml"))  # a fresh worker
    worker.close()
    assert not folder.exists() and list(tmp_path.iterdir()) == []
