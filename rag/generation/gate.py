"""A bound on concurrent generations in one process, with a short queue and a clear "busy" past it.

A web process runs several request threads; without a bound, ten students asking at once would run
ten generations on two cores (each ten times slower) or send ten requests to a model server that may
be sized for four. The gate lets ``limit`` generations run, keeps up to ``queue`` more waiting (first
come, first served) for at most ``wait_seconds``, and refuses the rest at once with
``GeneratorBusyError``, whose message the learner sees.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from rag.generation.base import GeneratorBusyError

BUSY_MESSAGE = "Many students are asking right now. Please try again in a minute."
# Generations at once per process when GLOSSA_LLM_CONCURRENCY is 0: a local model runs one at a time
# (its context is not shared, and two runs on 2 cores are slower than one after another); a model
# server batches requests itself.
DEFAULT_CONCURRENCY = {"llamacpp": 1, "transformers": 1, "openai": 4}


class GenerationGate:
    """``slot()`` holds one of ``limit`` places while a generation runs; waiting is fair (FIFO)."""

    def __init__(self, *, limit: int, queue: int, wait_seconds: float) -> None:
        if limit < 1:
            raise ValueError("a generation gate needs at least one slot")
        self.limit = limit
        self.queue = max(queue, 0)
        self.wait_seconds = wait_seconds
        self.running = 0
        self._waiting: deque[object] = deque()
        self._changed = threading.Condition()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    @contextmanager
    def slot(self) -> Iterator[None]:
        self._acquire()
        try:
            yield
        finally:
            with self._changed:
                self.running -= 1
                self._changed.notify_all()

    def _acquire(self) -> None:
        with self._changed:
            if self.running < self.limit and not self._waiting:
                self.running += 1
                return
            if len(self._waiting) >= self.queue:
                raise GeneratorBusyError(BUSY_MESSAGE)
            ticket = object()
            self._waiting.append(ticket)
            deadline = time.monotonic() + self.wait_seconds
            try:
                while not (self._waiting[0] is ticket and self.running < self.limit):
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise GeneratorBusyError(BUSY_MESSAGE)
                    self._changed.wait(remaining)
                self.running += 1
            finally:
                self._waiting.remove(ticket)
                self._changed.notify_all()  # the next in line may go now (or moved to the front)


_gates: dict[tuple, GenerationGate] = {}
_gates_lock = threading.Lock()


def generation_gate(backend: str) -> GenerationGate:
    """The process's gate for ``backend``, sized from settings (one gate per distinct configuration)."""
    limit = settings.GLOSSA["LLM_CONCURRENCY"] or DEFAULT_CONCURRENCY.get(backend, 1)
    key = (backend, limit, settings.GLOSSA["LLM_QUEUE"], settings.GLOSSA["LLM_QUEUE_SECONDS"])
    with _gates_lock:
        if key not in _gates:
            _gates[key] = GenerationGate(limit=limit, queue=key[2], wait_seconds=key[3])
        return _gates[key]
