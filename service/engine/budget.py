"""A request's work budget: a deadline and a cancel flag that long work checks between steps.

The HTTP layer opens a budget for each request (`within`) and sets its flag when the client disconnects; the
parser checks it between chunks of sentences, the scorer between notes of a batch. Outside a budget (training,
benchmarks, the CLI) `check` never stops anything.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from .errors import WorkAbandoned


@dataclass(slots=True)
class Budget:
    deadline: float  # time.monotonic() after which work stops
    seconds: float
    cancelled: threading.Event = field(default_factory=threading.Event)  # the client went away

    def check(self) -> None:
        if self.cancelled.is_set():
            raise WorkAbandoned("the client disconnected; the work was abandoned")
        if time.monotonic() > self.deadline:
            raise WorkAbandoned(f"the request's work budget of {self.seconds:g} s ran out")


_current: ContextVar[Budget | None] = ContextVar("work_budget", default=None)


@contextmanager
def within(seconds: float, cancelled: threading.Event | None = None) -> Iterator[Budget]:
    """Work done in this context (and in threads started from a copy of it) stops after `seconds`."""
    budget = Budget(time.monotonic() + seconds, seconds, cancelled or threading.Event())
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


def check() -> None:
    """Raise WorkAbandoned if the current request's budget ran out or its client left; else nothing."""
    budget = _current.get()
    if budget is not None:
        budget.check()
