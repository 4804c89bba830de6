"""Reads about ingestion: job lists for the portal and what a material was indexed as."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Count, Max, Prefetch, Q, QuerySet

from edu.api import Course, Material
from rag.models import Chunk, DiagramGraph, IngestionJob
from rag.reading import Block, Passage, PlacedFigure, ShownPicture, layout


def jobs_for_course(*, course: Course) -> QuerySet[IngestionJob]:
    """Newest first, with the material, so a job list is one query."""
    return IngestionJob.objects.filter(material__course=course).select_related("material").order_by("-created_at")


def latest_job(*, material: Material) -> IngestionJob | None:
    return IngestionJob.objects.filter(material=material).order_by("-created_at", "-pk").first()


def unfinished_job(*, material: Material) -> IngestionJob | None:
    unfinished = IngestionJob.objects.exclude(state__in=[IngestionJob.State.INDEXED, IngestionJob.State.FAILED])
    return unfinished.filter(material=material).order_by("-created_at", "-pk").first()


def stalled_jobs(*, silent_since: datetime) -> QuerySet[IngestionJob]:
    """Jobs said to be running whose worker has not been heard of since ``silent_since``: it died."""
    return IngestionJob.objects.filter(state__in=IngestionJob.RUNNING_STATES).filter(
        Q(heartbeat_at__lt=silent_since) | Q(heartbeat_at__isnull=True)
    )


@dataclass
class MaterialDetail:
    """What a teacher or learner may see of an indexed material: only redacted text, never the file."""

    material: Material
    job: IngestionJob | None
    extracted_text: str
    chunks: list[Chunk]
    diagrams: list[DiagramGraph]
    redactions: dict[str, int] = field(default_factory=dict)

    @property
    def redaction_total(self) -> int:
        return sum(self.redactions.values())


def material_detail(*, material: Material) -> MaterialDetail:
    """Redaction counts come from the run that produced the chunks shown, not from a re-run in progress."""
    job = latest_job(material=material)
    indexed_by = IngestionJob.objects.filter(material=material, state=IngestionJob.State.INDEXED)
    indexed_by = indexed_by.order_by("-finished_at", "-pk").first()
    return MaterialDetail(
        material=material,
        job=job,
        extracted_text=material.extracted_text,
        chunks=list(Chunk.objects.filter(material=material).defer("embedding", "search_vector").order_by("ordinal")),
        diagrams=list(
            DiagramGraph.objects.filter(material=material)
            .prefetch_related(Prefetch("referring_chunks", queryset=Chunk.objects.only("id").order_by("ordinal")))
            .order_by("page", "pk")
        ),
        redactions=dict(indexed_by.stats.get("redactions", {})) if indexed_by else {},
    )


_WORD = re.compile(r"[^\W\d_][\w'-]*")
_VOCABULARY: dict[int, tuple[tuple[int, int], frozenset[str]]] = {}


def course_vocabulary(*, course: Course) -> frozenset[str]:
    """Every word (lower case) of the course's indexed text, read once per process until the index changes."""
    state = Chunk.objects.filter(course_id=course.pk).aggregate(count=Count("id"), last=Max("id"))
    version = (state["count"], state["last"] or 0)
    cached = _VOCABULARY.get(course.pk)
    if cached is None or cached[0] != version:
        words = {word.casefold() for text in Chunk.objects.filter(course_id=course.pk).values_list("text", flat=True)
                 .iterator(chunk_size=500) for word in _WORD.findall(text)}
        _VOCABULARY[course.pk] = cached = (version, frozenset(words))
    return cached[1]


def course_words_in(text: str, *, course: Course) -> list[str]:
    """The words of ``text`` that the course's materials use: terms a name detector must leave alone.

    Looked up in memory, so the student's words never become a database query.
    """
    vocabulary = course_vocabulary(course=course)
    return sorted({word for word in _WORD.findall(text) if word.casefold() in vocabulary})


def words_in_course(*, course: Course, words: Iterable[str]) -> set[str]:
    """The words that occur somewhere in the course's index (full text, English stemming, as retrieval reads it).

    A word the full-text parser drops (a stopword) counts as present: it cannot tell anything apart.
    """
    words = sorted({word for word in words if word})
    if not words:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT w FROM unnest(%s::text[]) AS w
            WHERE numnode(plainto_tsquery('english', w)) = 0
               OR EXISTS (SELECT 1 FROM rag_chunk c
                          WHERE c.course_id = %s AND c.search_vector @@ plainto_tsquery('english', w))
            """,
            [words, course.pk],
        )
        return {row[0] for row in cursor.fetchall()}


def first_passage_naming(*, material_id: int, names: Callable[[str], bool]) -> Chunk | None:
    """The material's first text passage, in reading order, for which ``names`` holds (it names a term).

    Matched in memory, so the student's words never become a database query.
    """
    passages = Chunk.objects.filter(material_id=material_id, modality=Chunk.Modality.TEXT).select_related("material")
    return next((chunk for chunk in passages.order_by("ordinal") if names(chunk.text)), None)


def diagram_nodes(*, diagram_ids: Iterable[int]) -> dict[int, list[dict]]:
    """The labelled nodes (with their boxes) of figures that have a picture, by figure id."""
    return dict(DiagramGraph.objects.filter(pk__in=list(diagram_ids), has_pixels=True).values_list("pk", "nodes"))


@dataclass
class ReadingPage:
    """A material laid out for reading (``rag.reading``), and what became of the passage a link cited.

    ``earlier_version``: the link quoted a version the teacher has replaced since, so nothing is marked
    (the passage may read differently or be gone); ``passage_missing``: the link names a passage this
    version does not have.
    """

    material: Material
    blocks: list[Block]
    cited: int | None = None
    earlier_version: int | None = None
    passage_missing: bool = False


def reading_page(
    *, material: Material, passage: int | None = None, version: int | None = None, chunk_id: int | None = None
) -> ReadingPage:
    """The reading page of a material, marking the cited passage: by its place in reading order and the
    version it was cited from (answers since versions were counted), or by its chunk (older answers)."""
    fields = ("pk", "ordinal", "modality", "heading", "page", "char_start", "char_end", "diagram_id")
    chunks = list(Chunk.objects.filter(material=material).order_by("ordinal").values(*fields))
    earlier = version if version is not None and version < material.version else None
    cited = None
    if earlier is None:
        if passage is not None:
            cited = passage if any(row["ordinal"] == passage for row in chunks) else None
        elif chunk_id is not None:
            cited = next((row["ordinal"] for row in chunks if row["pk"] == chunk_id), None)
    missing = earlier is None and (passage is not None or chunk_id is not None) and cited is None
    passages = [Passage(ordinal=row["ordinal"], heading=row["heading"], page=row["page"], start=row["char_start"],
                        end=row["char_end"]) for row in chunks if row["modality"] == Chunk.Modality.TEXT]  # fmt: skip
    ordinals = {row["diagram_id"]: row["ordinal"] for row in chunks if row["diagram_id"]}
    picture_upload = material.kind in {Material.Kind.IMAGE, Material.Kind.SVG}
    graphs = list(DiagramGraph.objects.filter(material=material).order_by("page", "pk"))
    linked = _linked_pictures(material, graphs)
    figures = [
        PlacedFigure(figure=graph, ordinal=ordinals.get(graph.pk), offset=(graph.position or {}).get("offset"),
                     heading=graph.heading,
                     shown=frozenset({graph.caption, graph.alt_text, graph.teacher_description,
                                      f"{graph.title} {graph.caption}" if graph.title and graph.caption else ""}),
                     picture=_own_picture(material, graph) if picture_upload else linked.get(graph.pk))
        for graph in graphs
    ]  # fmt: skip
    blocks = layout(material.extracted_text, passages, figures, cited=cited, figures_first=picture_upload,
                    title=material.title, lines_are_paragraphs=material.kind == Material.Kind.HTML)  # fmt: skip
    return ReadingPage(material=material, blocks=blocks, cited=cited, earlier_version=earlier, passage_missing=missing)


def _own_picture(material: Material, graph: DiagramGraph) -> ShownPicture | None:
    """A picture upload's own rendering, once it was indexed with its text boxes (which redaction paints over)."""
    if not graph.has_pixels or graph.text_blocks is None:
        return None
    return ShownPicture(material_id=material.pk, width=graph.width, height=graph.height,
                        alt=graph.screen_reader_text)  # fmt: skip


def _linked_pictures(material: Material, graphs: list[DiagramGraph]) -> dict[int, ShownPicture]:
    """The rendering of the picture upload each document figure names, by figure id.

    Only an upload of the same course that its students may read (indexed, so ``student_rendition`` serves it);
    the page links to Glossa's rendering, never to the file. Its alt text is the document's (or the teacher's)
    words for the figure, else the picture upload's own.
    """
    wanted = {graph.pk: graph.picture_id for graph in graphs if graph.picture_id}
    if not wanted:
        return {}
    readable = set(Material.objects.filter(pk__in=set(wanted.values()), course_id=material.course_id,
                                           status=Material.Status.READY,
                                           kind__in=[Material.Kind.IMAGE, Material.Kind.SVG])
                   .values_list("pk", flat=True))  # fmt: skip
    drawn: dict[int, DiagramGraph] = {}
    for picture in DiagramGraph.objects.filter(material_id__in=readable).order_by("pk"):
        drawn.setdefault(picture.material_id, picture)  # the one ``student_rendition`` paints over
    shown = {}
    for graph in graphs:
        picture = drawn.get(wanted.get(graph.pk))
        if picture is not None and picture.has_pixels and picture.text_blocks is not None:
            shown[graph.pk] = ShownPicture(material_id=picture.material_id, width=picture.width,
                                           height=picture.height,
                                           alt=graph.screen_reader_text or picture.screen_reader_text)  # fmt: skip
    return shown


def chunk_ordinal(*, material: Material, chunk_id: int) -> int | None:
    """Where a chunk of the material stands in reading order (None: not in its current index)."""
    return Chunk.objects.filter(pk=chunk_id, material=material).values_list("ordinal", flat=True).first()


def citation_places(citations: list[dict]) -> list[dict]:
    """Citations with the place of their passage in reading order and the material's version they quote,
    so a link opens that passage, or says it came from a version replaced since."""
    ids = [citation["chunk_id"] for citation in citations if citation.get("chunk_id")]
    places = {row["pk"]: row for row in Chunk.objects.filter(pk__in=ids).values("pk", "ordinal", "material__version")}
    return [
        {**citation, "ordinal": place["ordinal"], "material_version": place["material__version"]}
        if (place := places.get(citation.get("chunk_id"))) else citation
        for citation in citations
    ]
