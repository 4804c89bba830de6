"""Which statements answer a question: where the course introduces an asked term, and when nothing does."""

from __future__ import annotations

import pytest

from rag.embeddings import get_embedder
from rag.explainer.composition import answering_statement, closest_statement_similarity
from rag.explainer.pipeline import MIN_STATEMENT_SIMILARITY, _defining_first, _source, _with_introduction
from rag.explainer.types import Source
from rag.models import Chunk
from rag.retrieval.types import SearchHit
from tests.factories import CourseFactory, MaterialFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # the real MiniLM embedder ranks the statements

NUCLEUS = [
    "The nucleus is the largest organelle of the cell. Inside it, there also can be a dark-staining mass often "
    "visible under a simple light microscope, called a nucleolus.",
    "The cell membrane holds the cell together. It lets some substances pass and keeps others out of the cell.",
    "The nucleolus is a region of the nucleus that makes the RNA needed to build ribosomes. Ribosomes are found "
    "in the cytoplasm, where they make the cell's proteins.",
]


def _chunks() -> list[Chunk]:
    material = MaterialFactory(course=CourseFactory(), title="The nucleus")
    return [Chunk.objects.create(course=material.course, material=material, ordinal=ordinal, text=text)
            for ordinal, text in enumerate(NUCLEUS)]


def test_the_passage_where_the_material_first_names_the_asked_term_joins_the_sources():
    chunks = _chunks()
    retrieved = [_source(1, chunks[2]), _source(2, chunks[1])]

    sources = _with_introduction(retrieved, term="nucleolus")

    assert [source.citation["chunk_id"] for source in sources] == [chunks[2].pk, chunks[0].pk, chunks[1].pk]
    assert [source.number for source in sources] == [1, 2, 3]
    assert [source.introduces for source in sources] == ["", "nucleolus", ""]


def test_a_definition_is_answered_where_the_term_is_introduced_then_where_it_is_defined():
    chunks = _chunks()
    sources = _with_introduction([_source(1, chunks[2])], term="nucleolus")

    answer = answering_statement("What is meant by nucleolus?", sources, get_embedder(), [])

    assert [statement.sentence for statement in answer] == [
        "Inside it, there also can be a dark-staining mass often visible under a simple light microscope, called a "
        "nucleolus.",
        "The nucleolus is a region of the nucleus that makes the RNA needed to build ribosomes.",
    ]


def test_a_passage_that_names_the_term_only_in_a_table_is_no_introduction():
    material = MaterialFactory(course=CourseFactory(), title="Digestive enzymes")
    table, prose = (Chunk.objects.create(course=material.course, material=material, ordinal=ordinal, text=text)
                    for ordinal, text in enumerate([
                        "Enzyme Name Source Substrate Product Nucleosidase Intestinal glands Nucleotides Pentoses",
                        "The nucleotides are broken down further by two brush border enzymes (nucleosidase and "
                        "phosphatase) into pentoses, phosphates and bases.",
                    ]))

    sources = _with_introduction([_source(1, prose)], term="nucleosidase")

    assert [source.citation["chunk_id"] for source in sources] == [prose.pk]
    assert sources[0].introduces == "nucleosidase"


def _hit(chunk_id: int, text: str) -> SearchHit:
    return SearchHit(chunk_id=chunk_id, material_id=1, material_title="", modality="text", heading="", text=text,
                     page=None, region=None, diagram_id=None, score=0.5, scores={})


def test_passages_that_define_then_name_the_asked_term_are_read_first_in_retrieval_order():
    hits = [
        _hit(1, "The nucleolus is a region of the nucleus that makes the RNA of ribosomes."),
        _hit(2, "Enzyme Name Source Substrate Chief cells Pepsinogen Pepsin"),  # a table names it, says nothing
        _hit(3, "These glands are made of several kinds of cells. These include parietal cells and chief cells."),
        _hit(4, "The mucus protects the lining of the stomach from its own acid."),
        _hit(5, "In the basal regions of the gastric glands are chief cells, which secrete pepsinogen."),
    ]

    assert [hit.chunk_id for hit in _defining_first(hits, term="chief cells")] == [5, 3, 1, 2, 4]


def test_a_term_the_retrieved_passages_do_not_name_brings_no_introduction():
    chunks = _chunks()
    retrieved = [_source(1, chunks[1])]
    assert _with_introduction(retrieved, term="ribosome") == retrieved


@pytest.mark.parametrize(
    ("question", "about"),
    [
        ("What does the nucleolus make?", True),
        ("How do I get more followers on <PERSON_1>?", False),  # shares "follow"-like words with nothing here
        ("Who won the football World Cup in 2014?", False),
    ],
)
def test_passages_are_about_a_question_only_when_a_statement_is_close_to_it_in_meaning(question, about):
    sources = [Source(number, text, {}) for number, text in enumerate(NUCLEUS, start=1)]
    similarity = closest_statement_similarity(question, sources, get_embedder())
    assert (similarity >= MIN_STATEMENT_SIMILARITY) is about, similarity
