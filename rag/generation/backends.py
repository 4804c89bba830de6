"""The configured text generator (``GLOSSA_LLM_BACKEND``), loaded once per process and shared by its threads.

* ``llamacpp`` (default): a GGUF file (``GLOSSA_LLM_MODEL``; empty: the packaged SmolLM2-135M) run in
  the process by llama.cpp with ``GLOSSA_LLM_THREADS`` threads.
* ``openai``: an OpenAI-compatible server at ``GLOSSA_LLM_BASE_URL`` (llama.cpp server, vLLM, Ollama),
  model ``GLOSSA_LLM_MODEL`` (empty: the first the server lists), key ``GLOSSA_LLM_API_KEY``.
* ``transformers``: a local folder or hub id (``GLOSSA_LLM_MODEL``; empty: the packaged model converted).
"""

from __future__ import annotations

import threading

from django.conf import settings

from rag.generation.base import (
    GenerationSettings,
    GenerationStream,
    Generator,
    GeneratorBusyError,
    ModelUnavailableError,
)

__all__ = ["BACKENDS", "GenerationSettings", "GenerationStream", "Generator", "GeneratorBusyError",
           "ModelUnavailableError", "get_generator", "load_configured_generator"]

BACKENDS = ("llamacpp", "openai", "transformers")


def _configuration() -> tuple:
    glossa = settings.GLOSSA
    backend = glossa["LLM_BACKEND"]
    if backend == "openai":
        return (backend, glossa["LLM_BASE_URL"], glossa["LLM_MODEL"], glossa["LLM_API_KEY"], glossa["LLM_TIMEOUT"],
                glossa["LLM_RETRIES"])
    if backend == "llamacpp":
        return backend, glossa["LLM_MODEL"], glossa["LLM_THREADS"], glossa["LLM_CONTEXT"]
    return backend, glossa["LLM_MODEL"]


def load_configured_generator(configuration: tuple) -> Generator:
    """A new generator for ``configuration`` (as built by ``_configuration``)."""
    backend = configuration[0]
    if backend == "llamacpp":
        from rag.generation.llamacpp import load_llamacpp

        _, source, threads, context = configuration
        return load_llamacpp(source, threads=threads, context=context)
    if backend == "openai":
        from rag.generation.openai_compatible import OpenAICompatibleGenerator

        _, base_url, model, api_key, timeout, retries = configuration
        if not base_url:
            raise ModelUnavailableError(
                "The explanation server is not configured: set GLOSSA_LLM_BASE_URL (e.g. http://host:8080/v1)."
            )
        return OpenAICompatibleGenerator(base_url=base_url, model=model, api_key=api_key, timeout=timeout,
                                         retries=retries)
    if backend == "transformers":
        from rag.generation.llm import load_generator

        return load_generator(configuration[1])
    raise ModelUnavailableError(f"GLOSSA_LLM_BACKEND must be one of {', '.join(BACKENDS)}.")


_cache: dict[tuple, Generator] = {}
_cache_lock = threading.Lock()


def get_generator() -> Generator:
    """The configured generator, loaded on first use and shared by the whole process (never per thread)."""
    configuration = _configuration()
    with _cache_lock:
        if configuration not in _cache:
            _cache[configuration] = load_configured_generator(configuration)
        return _cache[configuration]
