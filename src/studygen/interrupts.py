"""What Ctrl-C and SIGTERM do: stop at once, clean up, print one line, exit 130 or 143."""

from __future__ import annotations

import signal
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""The signals that stop studygen: Ctrl-C in a terminal, and what CI supervisors send."""


class Interrupted(BaseException):
    """Raised in the main thread when SIGINT or SIGTERM asks studygen to stop.

    A BaseException, like KeyboardInterrupt, so no `except Exception` on the way mistakes it for an error,
    while every `finally` (stopping the render worker) still runs.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell's code for a process ended by this signal: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum

    @property
    def by_ctrl_c(self) -> bool:
        """Whether a person pressed Ctrl-C, rather than a supervisor sending SIGTERM."""
        return self.signum == signal.SIGINT


_received: list[int] = []
"""The signal that asked studygen to stop, once one did."""


def stop_on_signals() -> None:
    """Make SIGINT and SIGTERM raise Interrupted; call once, from the main thread, at startup."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, _interrupt)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """Raise Interrupted once; a second Ctrl-C while cleaning up must not cut the cleanup short."""
    for other in STOP_SIGNALS:
        signal.signal(other, signal.SIG_IGN)
    _received.append(signum)
    raise Interrupted(signum)


def received() -> Interrupted:
    """The stop a signal asked for, for code whose library turned it into a KeyboardInterrupt on the way.

    watchfiles runs the signal handler while it waits, but raises KeyboardInterrupt in place of what
    the handler raised: this says whether it was Ctrl-C or SIGTERM.
    """
    return Interrupted(_received[-1] if _received else signal.SIGINT)
