"""The transformers backend: the packaged GGUF converted once, then fast to load, streamed as it generates."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from rag.generation.base import GenerationSettings, ModelUnavailableError
from rag.generation.llm import DEFAULT_MODEL_NAME, load_generator
from tests.rag.generation.streaming import assert_streams_while_generating

pytestmark = pytest.mark.slow

MESSAGES = [{"role": "user", "content": "Say one sentence about rain."}]


@pytest.fixture(scope="module")
def generator():
    return load_generator("")


def test_the_packaged_model_is_converted_once_and_then_loads_quickly(generator, settings):
    copies = list(Path(settings.GLOSSA["MODEL_CACHE_DIR"]).glob("*/model.safetensors"))
    assert copies, "the first load saves a safetensors copy"
    started = time.perf_counter()
    reloaded = load_generator("")
    assert time.perf_counter() - started < 10  # < 1 s on an idle 2-core machine; CI shares its cores
    assert reloaded.model_name == DEFAULT_MODEL_NAME
    assert reloaded.backend == "transformers"
    assert not hasattr(reloaded.model.config, "quantization_config")


def test_stream_yields_pieces_while_the_model_is_still_generating(generator):
    stream = generator.stream(MESSAGES, GenerationSettings(max_new_tokens=24))
    text = assert_streams_while_generating(stream)
    assert text.strip()
    assert stream.tokens == generator.count_tokens(text)
    assert 0 < stream.tokens <= 24


def test_greedy_generation_is_reproducible(generator):
    options = GenerationSettings(max_new_tokens=12)
    assert "".join(generator.stream(MESSAGES, options)) == "".join(generator.stream(MESSAGES, options))


def test_a_configured_model_folder_that_is_missing_is_a_readable_error(tmp_path):
    with pytest.raises(ModelUnavailableError, match="not installed"):
        load_generator(str(tmp_path / "missing-model"))
