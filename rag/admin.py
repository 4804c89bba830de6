from django.contrib import admin

from rag.models import Chunk, DiagramGraph, IngestionJob


@admin.register(IngestionJob)
class IngestionJobAdmin(admin.ModelAdmin):
    list_display = ("id", "material", "state", "progress", "attempts", "created_at", "finished_at")
    list_filter = ("state",)
    readonly_fields = ("error_reason", "timings", "model_versions", "stats", "celery_task_id")


@admin.register(DiagramGraph)
class DiagramGraphAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "material", "page")


@admin.register(Chunk)
class ChunkAdmin(admin.ModelAdmin):
    list_display = ("id", "material", "ordinal", "modality", "page", "embedding_model")
    list_filter = ("modality", "course")
    exclude = ("embedding",)
    readonly_fields = ("search_vector",)
