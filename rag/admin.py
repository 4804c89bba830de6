from django.contrib import admin, messages

from rag.models import Chunk, DiagramGraph, IngestionJob
from rag.services import rerun_ingestion


@admin.register(IngestionJob)
class IngestionJobAdmin(admin.ModelAdmin):
    """Jobs are written by the workers only: the console shows them and can queue a material again."""

    list_display = ("id", "material", "course", "state", "progress", "attempts", "error_reason", "created_at",
                    "finished_at")
    list_filter = ("state", "material__course")
    list_select_related = ("material__course",)
    search_fields = ("material__title", "error_reason")
    actions = ["rerun_selected"]
    exclude = ("new_file",)  # a waiting new version: never served from the console (there is no media route)

    @admin.display(ordering="material__course__title")
    def course(self, job: IngestionJob):
        return job.material.course

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

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
