"""Chunks stay under their heading, fit the model's token window, overlap, and point back to their text."""

from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from rag.chunking import MAX_TOKENS, TextBlock, chunk_blocks, embedding_text
from rag.embeddings import resolve_model


@pytest.fixture(scope="module")
def tokenizer():
    """The embedder's own tokenizer (the weights are not needed to count tokens)."""
    path, _ = resolve_model()
    return AutoTokenizer.from_pretrained(path)


def tokens(tokenizer, text: str) -> int:
    return len(tokenizer(text, add_special_tokens=False)["input_ids"])


SENTENCES = [f"Sentence number {n} explains how rivers carry sediment to the sea." for n in range(60)]


def test_a_long_section_is_cut_at_sentences_within_the_token_bound_with_overlap(tokenizer):
    text = " ".join(SENTENCES)
    block = TextBlock(text=text, headings=("Rivers", "Erosion"), page=3, offset=100)
    chunks = chunk_blocks([block], tokenizer=tokenizer)

    assert len(chunks) > 3
    for chunk in chunks:
        assert chunk.heading == "Rivers > Erosion" and chunk.page == 3
        assert chunk.text == text[chunk.char_start - 100 : chunk.char_end - 100]
        assert chunk.text.startswith("Sentence") and chunk.text.endswith("sea.")
        assert tokens(tokenizer, embedding_text(heading=chunk.heading, text=chunk.text)) + 2 <= MAX_TOKENS
        assert 150 <= chunk.token_count <= 256 or chunk is chunks[-1]
    for previous, following in zip(chunks, chunks[1:], strict=False):
        assert following.char_start < previous.char_end, "consecutive chunks overlap"
        overlap = text[following.char_start - 100 : previous.char_end - 100]
        assert 0 < tokens(tokenizer, overlap) <= 45
    assert chunks[-1].char_end - 100 == len(text), "nothing is lost at the end"


def test_sections_never_share_a_chunk_so_each_keeps_its_heading(tokenizer):
    blocks = [
        TextBlock(text="Igneous rock forms from magma.", headings=("Rocks", "Igneous"), page=None, offset=0),
        TextBlock(text="Sedimentary rock forms in layers.", headings=("Rocks", "Sedimentary"), page=None, offset=40),
    ]
    chunks = chunk_blocks(blocks, tokenizer=tokenizer)
    assert [(c.heading, c.text, c.char_start) for c in chunks] == [
        ("Rocks > Igneous", "Igneous rock forms from magma.", 0),
        ("Rocks > Sedimentary", "Sedimentary rock forms in layers.", 40),
    ]


def test_a_sentence_longer_than_the_window_is_cut_by_tokens_and_nothing_is_dropped(tokenizer):
    text = " ".join(f"word{n}" for n in range(900))  # no sentence boundary at all
    chunks = chunk_blocks([TextBlock(text=text, headings=(), page=None, offset=0)], tokenizer=tokenizer)
    assert len(chunks) > 1
    assert all(chunk.token_count <= MAX_TOKENS - 2 for chunk in chunks)
    covered = " ".join(chunk.text for chunk in chunks)
    assert all(f"word{n}" in covered for n in (0, 450, 899))


def test_a_short_section_is_one_chunk(tokenizer):
    chunks = chunk_blocks([TextBlock(text="Short.", headings=("A",), page=1, offset=5)], tokenizer=tokenizer)
    assert [(c.text, c.char_start, c.char_end, c.page) for c in chunks] == [("Short.", 5, 11, 1)]
