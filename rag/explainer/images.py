"""An uploaded photo or screenshot read like a course diagram, and the diagram lines and descriptions
the prompt and screen readers get."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict

from edu.api import (
    Course,
)
from privacy.api import ContentKind, redact_texts
from rag.diagrams import DiagramAnalysis, DiagramError, analyze_image, analyze_svg, describe
from rag.diagrams.describe import is_part
from rag.explainer.types import ExplainError, ImageReading, Source
from rag.generation.vision import get_image_describer, get_image_embedder
from rag.models import Chunk, DiagramGraph
from rag.prompting import diagram_lines
from rag.selectors import diagram_nodes

# Share of its labels an uploaded diagram must have in common with a course diagram to be "the same".
MIN_LABEL_MATCH = 0.5
MIN_IMAGE_TEXT_SIMILARITY = 0.25


def read_image(image: bytes, *, course: Course) -> ImageReading:
    """The diagram in an uploaded photo or screenshot, by the same OCR + structure path as ingestion."""
    if not isinstance(image, bytes | bytearray) or not image:
        raise ExplainError("The image is empty: upload a PNG, JPEG or WebP photo of the diagram.")
    try:
        analysis = analyze_svg(bytes(image)) if _looks_like_svg(image) else analyze_image(bytes(image))
    except DiagramError as error:
        raise ExplainError(f"The image could not be read: {error}") from None
    labels = {node.id: node.label for node in analysis.nodes}
    lines = diagram_lines(labels, [asdict(edge) for edge in analysis.edges])
    describer = get_image_describer()
    model_description = describer.describe(bytes(image)) if describer else ""
    # An uploaded photo may show a name or an email (a worksheet header): redact as learner text, but
    # keep the labels the course's own diagrams and materials use ("Algae", "Producer", "Primary").
    course_words = _course_words(
        course, [node.label for node in analysis.nodes] + [edge.label for edge in analysis.edges]
        + [block.text for block in analysis.text_blocks],
    )
    redacted = redact_texts([analysis.description or describe(analysis), model_description, *lines],
                            kind=ContentKind.LEARNER, course=course, where="image", keep_terms=course_words)
    return ImageReading(
        analysis=analysis,
        description=redacted[0].text,
        model_description=redacted[1].text,
        lines=[result.text for result in redacted[2:]],
        matched_diagram=_matching_course_diagram(analysis, image=bytes(image), course=course),
    )


_LABEL_WORD = re.compile(r"[^\W\d_]{3,}")
MAX_LABEL_WORDS = 60


def image_words(reading: ImageReading) -> str:
    analysis = reading.analysis
    return "\n".join([analysis.title, *(node.label for node in analysis.nodes),
                      *(block.text for block in analysis.text_blocks)])


def _course_words(course: Course, labels: Sequence[str]) -> set[str]:
    """The words of a photo's labels that the course's own diagrams or indexed materials contain."""
    words = {word.casefold() for label in labels if label for word in _LABEL_WORD.findall(label)}
    if not words:
        return set()
    known: set[str] = set()
    for title, nodes in DiagramGraph.objects.filter(material__course=course).values_list("title", "nodes"):
        texts = [title, *(node.get("label", "") for node in nodes or [] if isinstance(node, dict))]
        known.update(word.casefold() for text in texts if text for word in _LABEL_WORD.findall(text))
    found = words & known
    for word in sorted(words - known)[:MAX_LABEL_WORDS]:
        if Chunk.objects.filter(course_id=course.pk, text__iregex=rf"\m{re.escape(word)}\M").exists():
            found.add(word)
    return found


def _looks_like_svg(data: bytes | bytearray) -> bool:
    head = bytes(data[:512]).lstrip().lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in bytes(data[:4096]).lower())


def _matching_course_diagram(analysis: DiagramAnalysis, *, image: bytes, course: Course) -> DiagramGraph | None:
    """The course diagram the upload shows: by CLIP similarity when configured, else by shared labels."""
    diagrams = list(DiagramGraph.objects.filter(material__course=course).order_by("pk"))
    if not diagrams:
        return None
    embedder = get_image_embedder()
    if embedder is not None:
        similarity = embedder.similarity(image, [d.description or d.title for d in diagrams])
        best = int(similarity.argmax())
        return diagrams[best] if similarity[best] >= MIN_IMAGE_TEXT_SIMILARITY else None
    uploaded = {_normal(node.label) for node in analysis.nodes}
    if not uploaded:
        return None
    scored = [(len(uploaded & {_normal(node["label"]) for node in d.nodes}) / len(uploaded), d) for d in diagrams]
    share, best = max(scored, key=lambda pair: pair[0])
    return best if share >= MIN_LABEL_MATCH else None


def _normal(label: str) -> str:
    return " ".join(label.lower().split())


def prompt_diagram_lines(reading: ImageReading | None) -> list[str]:
    if reading is None:
        return []
    return reading.lines or [f"Diagram: {reading.description}"]


def diagram_descriptions(sources: Sequence[Source], reading: ImageReading | None) -> str:
    """Full descriptions of every diagram the answer drew on, for learners using a screen reader."""
    descriptions = []
    if reading is not None:
        descriptions.append(reading.description)
    diagram_ids = [source.diagram_id for source in sources if source.diagram_id]
    for graph in DiagramGraph.objects.filter(pk__in=diagram_ids):
        # What people wrote of the picture (the teacher, the document's alt text or caption), then what was read on it.
        written_and_read = (graph.screen_reader_text, graph.description)
        descriptions.append(" ".join(dict.fromkeys(text for text in written_and_read if text)))
    return "".join(f"\n\nDiagram description: {text}" for text in dict.fromkeys(descriptions) if text)


# Padding around a cited label's box, in the picture's pixels, so the highlight frames the words.
REGION_PADDING = 6
_LABEL_WORD = re.compile(r"[a-z]{3,}")


def cited_regions(citations: list[dict], *, question: str) -> list[dict]:
    """Citations of a figure point at the labels the question names ("What is labelled the left atrium?"), not the
    whole picture: the region is the box around those labels. Other citations are unchanged."""
    nodes = diagram_nodes(diagram_ids=[c["diagram_id"] for c in citations if c.get("diagram_id")])
    asked = {_stem(word) for word in _LABEL_WORD.findall(question.lower())}
    narrowed = []
    for citation in citations:
        boxes = [node["bbox"] for node in nodes.get(citation.get("diagram_id"), [])
                 if _named_in(node.get("label", ""), asked) and len(node.get("bbox") or []) == 4]
        if boxes:
            x0, y0 = min(b[0] for b in boxes) - REGION_PADDING, min(b[1] for b in boxes) - REGION_PADDING
            x1, y1 = max(b[2] for b in boxes) + REGION_PADDING, max(b[3] for b in boxes) + REGION_PADDING
            citation = {**citation, "region": [max(0, x0), max(0, y0), x1, y1]}
        narrowed.append(citation)
    return narrowed


def _named_in(label: str, asked: set[str]) -> bool:
    """Whether every word of a part's label is in the question (a callout number or panel letter never is)."""
    words = {_stem(word) for word in _LABEL_WORD.findall(label.lower())} - _FILLER
    return bool(words) and is_part(label) and any(len(word) >= 4 for word in words) and words <= asked


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


_FILLER = frozenset({"the", "and", "for", "with", "from", "into"})
