"""The llamacpp backend (the default) on the packaged GGUF: streamed, greedy, one model per process."""

from __future__ import annotations

import threading

import pytest

from rag.generation import backends
from rag.generation.base import GenerationSettings, ModelUnavailableError
from rag.generation.gate import generation_gate
from rag.generation.llamacpp import PACKAGED_MODEL_NAME, load_llamacpp
from tests.rag.generation.streaming import assert_streams_while_generating

pytestmark = pytest.mark.slow

MESSAGES = [{"role": "user", "content": "Say one sentence about rain."}]


@pytest.fixture(scope="module")
def generator():
    return load_llamacpp("", threads=2, context=2048)


def test_the_default_backend_is_llamacpp_on_the_packaged_model_loaded_once(settings):
    settings.GLOSSA = {**settings.GLOSSA, "LLM_BACKEND": "llamacpp", "LLM_MODEL": ""}
    first = backends.get_generator()
    assert first.backend == "llamacpp"
    assert first.model_name == PACKAGED_MODEL_NAME
    assert backends.get_generator() is first


def test_threads_come_from_settings(settings):
    settings.GLOSSA = {**settings.GLOSSA, "LLM_BACKEND": "llamacpp", "LLM_MODEL": "", "LLM_THREADS": 1}
    generator = backends.get_generator()
    assert generator.llama.context_params.n_threads == 1
    assert generator.llama.context_params.n_threads_batch == 1


def test_the_chat_template_is_the_one_stored_in_the_gguf(generator):
    template = generator.llama.metadata["tokenizer.chat_template"]
    assert "<|im_start|>" in template
    assert generator.llama.chat_format == "chat_template.default"  # llama-cpp-python's name for the GGUF's own


def test_stream_yields_pieces_while_the_model_is_still_generating(generator):
    stream = generator.stream(MESSAGES, GenerationSettings(max_new_tokens=24))
    text = assert_streams_while_generating(stream)
    assert "rain" in text.lower()
    assert stream.tokens == generator.count_tokens(text)
    assert 0 < stream.tokens <= 24


def test_greedy_generation_is_reproducible(generator):
    options = GenerationSettings(max_new_tokens=16)
    assert "".join(generator.stream(MESSAGES, options)) == "".join(generator.stream(MESSAGES, options))


def test_a_stream_closed_half_way_frees_the_model_and_the_slot_at_once(generator, settings):
    settings.GLOSSA = {**settings.GLOSSA, "LLM_CONCURRENCY": 1, "LLM_QUEUE": 0}
    options = GenerationSettings(max_new_tokens=64)
    stream = generator.stream(MESSAGES, options)
    pieces = iter(stream)
    next(pieces)
    assert generation_gate("llamacpp").running == 1
    pieces.close()  # the learner closed the page
    assert generation_gate("llamacpp").running == 0
    assert "".join(generator.stream(MESSAGES, GenerationSettings(max_new_tokens=8))).strip()


def test_students_asking_at_once_share_one_model_and_all_get_the_same_answer(generator, settings):
    settings.GLOSSA = {**settings.GLOSSA, "LLM_CONCURRENCY": 1, "LLM_QUEUE": 8, "LLM_QUEUE_SECONDS": 60.0}
    options = GenerationSettings(max_new_tokens=16)
    answers: list[str] = []

    def ask() -> None:
        answers.append("".join(generator.stream(MESSAGES, options)))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 4
    assert len(set(answers)) == 1 and answers[0].strip()


def test_a_configured_file_that_is_not_a_gguf_is_a_readable_error(tmp_path):
    with pytest.raises(ModelUnavailableError, match="not installed.*gguf"):
        load_llamacpp(str(tmp_path / "missing.gguf"), threads=1, context=512)
    folder = tmp_path / "a-transformers-folder"
    folder.mkdir()
    with pytest.raises(ModelUnavailableError, match="gguf"):
        load_llamacpp(str(folder), threads=1, context=512)
