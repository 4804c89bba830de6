"""A real OpenAI-compatible model server (llama-cpp-python's) on the packaged GGUF, started once per test run."""

from __future__ import annotations

import pytest

from rag.generation.llama_server import LlamaServer
from rag.generation.llm import packaged_gguf

SERVER_THREADS = 1  # the suite shares 2 cores with the in-process models


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    """``python -m llama_cpp.server`` on a free port; stopped when the run ends."""
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with LlamaServer(packaged_gguf(), threads=SERVER_THREADS, alias="smollm2-135m", log=log) as server:
        yield server
