"""Indexed course knowledge: chunks (vector + full text), diagram graphs and ingestion jobs.

Nothing here holds personal data: chunk text and diagram labels are redacted before they are
written (privacy app), which tests check.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from pgvector.django import HnswIndex, VectorField

from edu.embeddings import EMBEDDING_DIMENSIONS
from edu.models import Course, Material


class IngestionJob(models.Model):
    """One attempt-tracked run of the ingestion pipeline over one material.

    A *replacement* job indexes a new version of the material: its file waits in ``new_file`` (not the
    material's) until it is indexed, when it becomes the material's file in the same transaction that
    replaces the index; until then students keep the old version, and a failure leaves it in place.
    ``new_file`` may mention pupils like any upload: it is deleted when the job fails on it or is deleted
    (with its material, course or uploader), and handed to the material once indexed.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        EXTRACTING = "extracting", "Extracting"
        REDACTING = "redacting", "Redacting"
        EMBEDDING = "embedding", "Embedding"
        INDEXED = "indexed", "Indexed"
        FAILED = "failed", "Failed"

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="jobs")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    attempts = models.PositiveSmallIntegerField(default=0)
    error_reason = models.TextField(blank=True, help_text="Readable reason of a failure (no personal data).")
    celery_task_id = models.CharField(max_length=64, blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="hostname:pid of the process running it.")
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Refreshed while a worker runs the job; a stale one means the worker died."
    )
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per stage.")
    model_versions = models.JSONField(default=dict, blank=True)
    stats = models.JSONField(default=dict, blank=True, help_text="Chunks, diagrams, redactions per type.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    replacement = models.BooleanField(default=False, help_text="Indexes a new version of the material's file.")
    new_file = models.FileField(upload_to=Material.new_version_upload_to, blank=True)
    new_filename = models.CharField(max_length=255, blank=True, help_text="The new version's name (redacted).")
    new_sha256 = models.CharField(max_length=64, blank=True)
    new_size_bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"job:{self.pk} {self.state}"

    RUNNING_STATES = (State.EXTRACTING, State.REDACTING, State.EMBEDDING)

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.INDEXED, self.State.FAILED}


class DiagramGraph(models.Model):
    """A figure of a material: the structure recovered from its picture (labelled nodes and the arrows
    between them) and what the document and the teacher say of it (caption, alt text, description).

    Caption, alt text and the teacher's description are redacted with the course's rules before they
    are stored, like every other text of the material: they hold no personal data.
    """

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="diagrams")
    page = models.PositiveIntegerField(null=True, blank=True, help_text="PDF page the image came from.")
    title = models.CharField(max_length=255, blank=True)
    caption = models.TextField(blank=True, help_text="The figure's caption in the document (redacted).")
    alt_text = models.TextField(blank=True, help_text="The document's alt text for the picture (redacted).")
    teacher_description = models.TextField(
        blank=True, help_text="A teacher's description of the picture (redacted); screen readers read it first."
    )
    heading = models.CharField(max_length=500, blank=True, help_text="Heading path of the section it sits in.")
    # {"order": 0, "bbox": [x0, y0, x1, y1] (PDF points from the page's top left), "source": "heart.png"}
    position = models.JSONField(default=dict, blank=True)
    key = models.CharField(
        max_length=64, blank=True, help_text="Stable within the material, so a description survives a re-run."
    )
    has_pixels = models.BooleanField(default=True, help_text="False: only the document's words about it are known.")
    # A document's figure that names a file ("![The heart](heart.png)") uploaded as a picture material of the same
    # course: that upload holds its pixels and the labels read on them. Never a material of another course.
    picture = models.ForeignKey(
        Material, null=True, blank=True, on_delete=models.SET_NULL, related_name="figures_shown",
        help_text="The picture upload of the same course this figure's file name names.",
    )  # fmt: skip
    referring_chunks = models.ManyToManyField(
        "Chunk", blank=True, related_name="figures", help_text="Passages that refer to this figure."
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # [{"id": "n1", "label": "Evaporation", "bbox": [x0, y0, x1, y1]}]
    nodes = models.JSONField(default=list)
    # [{"source": "n1", "target": "n2", "directed": true, "label": ""}]
    edges = models.JSONField(default=list)
    description = models.TextField(blank=True, help_text="Plain-text description built from the graph.")
    # Every piece of text read on the diagram, redacted: [{"text", "bbox", "role", "redacted"}]. The
    # boxes whose text redaction changed are painted over in the picture students get; None for a
    # diagram indexed before this was kept (students get no picture until it is indexed again).
    text_blocks = models.JSONField(null=True, blank=True, default=None)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title or f"diagram:{self.pk}"

    @property
    def has_labels(self) -> bool:
        """Whether any text was read on the picture (a photo has none)."""
        return bool(self.nodes or self.text_blocks)

    @property
    def needs_description(self) -> bool:
        """A picture nothing could be read on, which the teacher has not described yet."""
        return self.has_pixels and not self.has_labels and not self.teacher_description

    @property
    def screen_reader_text(self) -> str:
        """What a screen reader says for the picture: the teacher's words first, then the document's."""
        return self.teacher_description or self.alt_text or self.caption or self.description or self.title


class Chunk(models.Model):
    """A retrievable piece of a material: a passage of text or a diagram description."""

    class Modality(models.TextChoices):
        TEXT = "text", "Text"
        DIAGRAM = "diagram", "Diagram"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="chunks")
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="chunks")
    diagram = models.ForeignKey(DiagramGraph, null=True, blank=True, on_delete=models.CASCADE, related_name="chunks")
    ordinal = models.PositiveIntegerField()
    modality = models.CharField(max_length=16, choices=Modality.choices, default=Modality.TEXT)
    heading = models.CharField(max_length=500, blank=True)
    text = models.TextField(help_text="Redacted text.")
    page = models.PositiveIntegerField(null=True, blank=True)
    region = models.JSONField(null=True, blank=True, help_text="[x0, y0, x1, y1] in the image or page.")
    char_start = models.PositiveIntegerField(default=0)
    char_end = models.PositiveIntegerField(default=0)
    token_count = models.PositiveIntegerField(default=0)
    reading_level = models.FloatField(null=True, blank=True)
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS, null=True)
    embedding_model = models.CharField(max_length=200, blank=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("heading", "text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["material", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["material", "ordinal"], name="unique_chunk_ordinal")]
        indexes = [
            HnswIndex(
                name="chunk_embedding_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
            GinIndex(fields=["search_vector"], name="chunk_search_gin"),
            models.Index(fields=["course", "modality"]),
        ]

    def __str__(self) -> str:
        return f"chunk:{self.material_id}#{self.ordinal}"


@receiver(post_delete, sender=IngestionJob)
def _delete_waiting_version(sender, instance: IngestionJob, **_kwargs) -> None:
    """A new version still waiting in its job goes with the job (its material, course or uploader was deleted)."""
    if instance.new_file:
        storage, name = instance.new_file.storage, instance.new_file.name
        transaction.on_commit(lambda: storage.delete(name))
