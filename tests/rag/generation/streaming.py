"""What every backend's stream must do, checked the same way for each."""

from __future__ import annotations

import time
from collections.abc import Iterable


def assert_streams_while_generating(stream: Iterable[str]) -> str:
    """Pieces arrive one by one over time, not all at the end; returns the streamed text."""
    started = time.perf_counter()
    arrivals = [(time.perf_counter() - started, piece) for piece in stream]
    assert len(arrivals) >= 3
    assert arrivals[0][0] < arrivals[-1][0]
    return "".join(piece for _, piece in arrivals)
