from django.contrib import admin, messages

from rag.models import Chunk, DiagramGraph, IngestionJob
from rag.services import rerun_ingestion


@admin.register(IngestionJob)
class IngestionJobAdmin(admin.ModelAdmin):
    list_display = ("id", "material", "state", "progress", "attempts", "created_at", "finished_at")
    list_filter = ("state",)
    readonly_fields = ("error_reason", "timings", "model_versions", "stats", "celery_task_id", "worker", "heartbeat_at")
    actions = ["rerun_selected"]

    @admin.action(description="Re-run ingestion of the selected jobs' materials")
    def rerun_selected(self, request, queryset) -> None:
        materials = {job.material for job in queryset.select_related("material")}
        for material in materials:
            rerun_ingestion(material=material)
        self.message_user(request, f"{len(materials)} material(s) queued again.", messages.SUCCESS)


@admin.register(DiagramGraph)
class DiagramGraphAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "material", "page")


@admin.register(Chunk)
class ChunkAdmin(admin.ModelAdmin):
    list_display = ("id", "material", "ordinal", "modality", "page", "embedding_model")
    list_filter = ("modality", "course")
    exclude = ("embedding",)
    readonly_fields = ("search_vector",)
