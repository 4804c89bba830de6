"""The openai backend against a real llama-cpp-python server (started by the suite on the packaged GGUF).

A server that is down, silent or killed half-way through an answer gives a plain message for the
learner, never a hang or a Python traceback.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from rag.generation import backends
from rag.generation.base import GenerationSettings, ModelUnavailableError
from rag.generation.llama_server import LlamaServer, free_port
from rag.generation.llamacpp import load_llamacpp
from rag.generation.llm import packaged_gguf
from rag.generation.openai_compatible import STOPPED, TOO_SLOW, UNREACHABLE, OpenAICompatibleGenerator
from tests.rag.conftest import SERVER_THREADS
from tests.rag.generation.streaming import assert_streams_while_generating

pytestmark = pytest.mark.slow

MESSAGES = [{"role": "user", "content": "Say one sentence about rain."}]


@pytest.fixture(scope="module")
def generator(llama_server):
    return OpenAICompatibleGenerator(base_url=llama_server.base_url, model="", timeout=30, retries=1)


def test_the_model_name_comes_from_the_server_when_not_configured(generator, llama_server):
    assert generator.model == "smollm2-135m"
    assert generator.model_name == f"smollm2-135m via 127.0.0.1:{llama_server.port}"


def test_the_backend_is_chosen_by_settings_and_shared_by_the_process(settings, llama_server):
    settings.GLOSSA = {**settings.GLOSSA, "LLM_BACKEND": "openai", "LLM_BASE_URL": llama_server.base_url,
                       "LLM_MODEL": "smollm2-135m", "LLM_API_KEY": ""}
    first = backends.get_generator()
    assert isinstance(first, OpenAICompatibleGenerator)
    assert backends.get_generator() is first


def test_tokens_stream_as_the_server_sends_them(generator):
    stream = generator.stream(MESSAGES, GenerationSettings(max_new_tokens=24))
    assert "rain" in assert_streams_while_generating(stream).lower()
    assert 0 < stream.tokens <= 24


def test_the_server_gives_the_same_greedy_answer_as_the_model_in_process(generator):
    """Same GGUF, chat template, decoding settings and thread count: the same tokens."""
    local = load_llamacpp("", threads=SERVER_THREADS, context=2048)
    options = GenerationSettings(max_new_tokens=20)
    assert "".join(generator.stream(MESSAGES, options)) == "".join(local.stream(MESSAGES, options))


def test_a_server_that_is_down_is_a_plain_error_after_the_retries():
    started = time.perf_counter()
    with pytest.raises(ModelUnavailableError) as raised:
        OpenAICompatibleGenerator(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m", timeout=2, retries=2)\
            .stream(MESSAGES, GenerationSettings(max_new_tokens=8)).__iter__().__next__()
    assert str(raised.value) == UNREACHABLE
    assert 1.4 < time.perf_counter() - started < 10  # two retries: 0.5 s + 1 s of back-off


def test_a_server_that_accepts_but_never_answers_is_too_slow():
    """A real socket that accepts connections and then says nothing (an overloaded server)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        port = listener.getsockname()[1]
        slow = OpenAICompatibleGenerator(base_url=f"http://127.0.0.1:{port}/v1", model="m", timeout=0.5, retries=1)
        started = time.perf_counter()
        with pytest.raises(ModelUnavailableError) as raised:
            list(slow.stream(MESSAGES, GenerationSettings(max_new_tokens=8)))
        assert str(raised.value) == TOO_SLOW
        assert time.perf_counter() - started < 10
        assert len(accepted) == 2  # asked, then retried once
    finally:
        stop.set()
        acceptor.join()
        listener.close()
        for connection in accepted:
            connection.close()


def test_a_server_killed_in_the_middle_of_an_answer_is_reported_and_nothing_hangs(tmp_path):
    with LlamaServer(packaged_gguf(), threads=SERVER_THREADS, log=tmp_path / "server.log") as server:
        doomed = OpenAICompatibleGenerator(base_url=server.base_url, model="", timeout=10, retries=2)
        long_answer = [{"role": "user", "content": "Write a long story about rain, clouds and rivers."}]
        pieces = iter(doomed.stream(long_answer, GenerationSettings(max_new_tokens=1500)))
        received = [next(pieces)]
        server.kill()
        started = time.perf_counter()
        with pytest.raises(ModelUnavailableError) as raised:
            for piece in pieces:
                received.append(piece)
        assert str(raised.value) == STOPPED
        assert time.perf_counter() - started < 10
        assert received  # the learner saw the beginning; it is not sent again by a retry


def test_a_wrong_model_name_is_not_retried_and_says_who_must_fix_it(llama_server, caplog):
    """llama-cpp-python's server answers any model name; an empty API path stands in for a wrong URL."""
    wrong = OpenAICompatibleGenerator(base_url=llama_server.base_url.removesuffix("/v1") + "/no-such-api", model="m",
                                      timeout=5, retries=3)
    started = time.perf_counter()
    with pytest.raises(ModelUnavailableError, match="administrator"):
        list(wrong.stream(MESSAGES, GenerationSettings(max_new_tokens=8)))
    assert time.perf_counter() - started < 2  # a 404 is not retried
    assert "HTTP 404" in caplog.text
    assert "rain" not in caplog.text  # nothing of the prompt is logged
