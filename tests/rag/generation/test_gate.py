"""The generation gate: a bounded number of generations at once, a short fair queue, then "busy"."""

from __future__ import annotations

import threading
import time

import pytest

from rag.generation.base import GeneratorBusyError
from rag.generation.gate import BUSY_MESSAGE, DEFAULT_CONCURRENCY, GenerationGate, generation_gate


def _run_together(gate: GenerationGate, count: int, *, hold: float) -> tuple[list[str], int]:
    """``count`` threads each take a slot for ``hold`` seconds; their outcomes and the most running at once."""
    outcomes: list[str] = [""] * count
    most = 0
    lock = threading.Lock()
    start = threading.Barrier(count)

    def ask(number: int) -> None:
        nonlocal most
        start.wait()
        try:
            with gate.slot():
                with lock:
                    most = max(most, gate.running)
                time.sleep(hold)
            outcomes[number] = "ran"
        except GeneratorBusyError as error:
            outcomes[number] = str(error)

    threads = [threading.Thread(target=ask, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, most


def test_no_more_than_the_limit_run_at_once_and_the_queue_lets_everyone_through():
    gate = GenerationGate(limit=2, queue=8, wait_seconds=30)
    outcomes, most = _run_together(gate, 6, hold=0.1)
    assert outcomes == ["ran"] * 6
    assert most == 2
    assert gate.running == 0 and gate.waiting == 0


def test_past_the_queue_a_learner_is_told_at_once_to_try_again():
    gate = GenerationGate(limit=1, queue=2, wait_seconds=30)
    started = time.perf_counter()
    outcomes, most = _run_together(gate, 6, hold=0.3)
    assert sorted(outcomes) == [BUSY_MESSAGE] * 3 + ["ran"] * 3
    assert most == 1
    assert time.perf_counter() - started < 3  # the refused were not kept waiting behind the others


def test_waiting_longer_than_allowed_is_busy_and_frees_the_place_in_the_queue():
    gate = GenerationGate(limit=1, queue=4, wait_seconds=0.2)
    with gate.slot():
        started = time.perf_counter()
        with pytest.raises(GeneratorBusyError, match="try again"), gate.slot():
            pass
        assert 0.15 < time.perf_counter() - started < 2
        assert gate.waiting == 0
    with gate.slot():  # the slot and the queue are free again
        assert gate.running == 1


def test_waiting_learners_go_first_come_first_served():
    gate = GenerationGate(limit=1, queue=10, wait_seconds=30)
    order: list[int] = []
    holding = threading.Event()
    release = threading.Event()

    def first() -> None:
        with gate.slot():
            holding.set()
            release.wait()

    def later(number: int) -> None:
        with gate.slot():
            order.append(number)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    holding.wait()
    for number in range(5):
        thread = threading.Thread(target=later, args=(number,))
        thread.start()
        threads.append(thread)
        while gate.waiting < number + 1:  # queue them in a known order
            time.sleep(0.005)
    release.set()
    for thread in threads:
        thread.join()
    assert order == [0, 1, 2, 3, 4]


def test_a_slot_is_freed_when_the_generation_fails():
    gate = GenerationGate(limit=1, queue=0, wait_seconds=1)
    with pytest.raises(RuntimeError), gate.slot():
        raise RuntimeError("the model failed")
    assert gate.running == 0
    with gate.slot():
        pass


def test_the_process_gate_is_sized_from_settings_per_backend(settings):
    settings.GLOSSA = {**settings.GLOSSA, "LLM_CONCURRENCY": 0, "LLM_QUEUE": 5, "LLM_QUEUE_SECONDS": 7.0}
    assert generation_gate("openai").limit == DEFAULT_CONCURRENCY["openai"] == 4
    assert generation_gate("llamacpp").limit == 1
    assert generation_gate("llamacpp") is generation_gate("llamacpp")
    settings.GLOSSA = {**settings.GLOSSA, "LLM_CONCURRENCY": 3}
    gate = generation_gate("llamacpp")
    assert (gate.limit, gate.queue, gate.wait_seconds) == (3, 5, 7.0)
