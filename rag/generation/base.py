"""What every text generator gives the explainer: text pieces streamed as they are decoded, then a token count.

The three backends (``llamacpp``, ``openai``, ``transformers``) differ only in ``_pieces``; the shared
``stream`` takes a slot of the process's generation gate first, so no backend runs more generations at
once than the web process allows, and a generation abandoned half-way (a closed browser tab) frees
its slot as soon as its iterator is closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

REPETITION_PENALTY = 1.15


class ModelUnavailableError(RuntimeError):
    """The generator cannot run here; the message says what to install or configure (never the prompt)."""


class GeneratorBusyError(ModelUnavailableError):
    """Every generation slot and queue place of this process is taken; the learner should try again shortly."""


@dataclass(frozen=True)
class GenerationSettings:
    """Greedy decoding: reproducible answers, and sampling adds nothing a 135M model can use."""

    max_new_tokens: int
    repetition_penalty: float = REPETITION_PENALTY


class GenerationStream:
    """Text pieces of one generation; ``tokens`` holds the generated token count once it is exhausted."""

    def __init__(self, pieces: Iterator[tuple[str, int]]) -> None:
        self._pieces = pieces
        self.tokens = 0

    def __iter__(self) -> Iterator[str]:
        try:
            for text, tokens in self._pieces:
                self.tokens += tokens
                if text:
                    yield text
        finally:  # also when the reader stops early: the model and the gate slot are freed now, not at GC
            self._pieces.close()

    def close(self) -> None:
        """Stop generating (frees the model and the gate slot at once)."""
        self._pieces.close()


class Generator:
    """A text generator; subclasses implement ``_pieces`` and set ``backend`` and ``model_name``."""

    backend = ""
    model_name = ""

    def stream(self, messages: list[dict], options: GenerationSettings) -> GenerationStream:
        """Generate a reply to chat ``messages``; nothing runs until the stream is iterated."""
        return GenerationStream(self._gated(messages, options))

    def _gated(self, messages: list[dict], options: GenerationSettings) -> Iterator[tuple[str, int]]:
        from rag.generation.gate import generation_gate

        with generation_gate(self.backend).slot():
            yield from self._pieces(messages, options)

    def _pieces(self, messages: list[dict], options: GenerationSettings) -> Iterator[tuple[str, int]]:
        """(text, tokens it holds) as decoded; a backend that counts at the end yields ("", count) last."""
        raise NotImplementedError
