import json

from django.contrib import admin, messages
from django.http import HttpResponse
from django.template.response import TemplateResponse

from edu.models import (
    Course,
    Enrollment,
    Interaction,
    ItemResponse,
    LearnerProfile,
    LearningObjective,
    Mastery,
    Material,
    PracticeItem,
)
from privacy.api import erase_learner, export_learner_data


class ObjectiveInline(admin.TabularInline):
    model = LearningObjective
    extra = 0
    fields = ("code", "title", "order", "p_init", "p_learn", "p_slip", "p_guess")


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "subject", "grade_band", "created_at")
    search_fields = ("title", "slug", "subject")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ObjectiveInline, EnrollmentInline]


class PracticeItemInline(admin.StackedInline):
    model = PracticeItem
    extra = 0
    fields = ("kind", "prompt", "choices", "answer", "explanation", "order", "active")


@admin.register(LearningObjective)
class LearningObjectiveAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "course", "order")
    list_filter = ("course",)
    search_fields = ("code", "title")
    filter_horizontal = ("prerequisites",)
    inlines = [PracticeItemInline]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "kind", "status", "size_bytes", "created_at")
    list_filter = ("course", "kind", "status")
    search_fields = ("title", "sha256")
    readonly_fields = ("sha256", "size_bytes", "original_filename", "extracted_text", "reading_level")
    filter_horizontal = ("objectives",)


@admin.register(LearnerProfile)
class LearnerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "grade_level", "reading_level", "language", "consent_given_at")
    search_fields = ("user__username",)
    list_filter = ("grade_level", "language")
    actions = ["export_learners", "erase_learners"]

    @admin.action(description="Export the selected learners' data (JSON)")
    def export_learners(self, request, queryset) -> HttpResponse:
        data = {profile.user.get_username(): export_learner_data(user=profile.user) for profile in queryset}
        response = HttpResponse(json.dumps(data, indent=2, default=str), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="glossa-learner-export.json"'
        return response

    @admin.action(description="Erase the selected learners (asks for confirmation)")
    def erase_learners(self, request, queryset) -> HttpResponse | None:
        if request.POST.get("confirmed") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Erase learners",
                "profiles": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/edu/learnerprofile/erase_confirm.html", context)
        users = [profile.user for profile in queryset.select_related("user")]
        for user in users:
            erase_learner(user=user, requested_by=request.user)
        self.message_user(request, f"{len(users)} learner(s) erased; erasure records kept.", messages.SUCCESS)
        return None


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("user", "course", "role", "created_at")
    list_filter = ("course", "role")
    search_fields = ("user__username", "course__title")


@admin.register(Mastery)
class MasteryAdmin(admin.ModelAdmin):
    list_display = ("learner", "objective", "p_known", "attempts", "correct", "updated_at")
    list_filter = ("objective__course",)


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ("id", "learner", "course", "feedback", "model_name", "created_at")
    list_filter = ("course", "feedback")
    readonly_fields = ("question_redacted", "answer_redacted", "citations", "grounding", "timings")


@admin.register(PracticeItem)
class PracticeItemAdmin(admin.ModelAdmin):
    list_display = ("prompt", "objective", "kind", "active", "order", "updated_at")
    list_filter = ("objective__course", "objective", "kind", "active")
    search_fields = ("prompt", "objective__code")
    list_select_related = ("objective",)
    readonly_fields = ("created_by", "created_at", "updated_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ItemResponse)
class ItemResponseAdmin(admin.ModelAdmin):
    """Learning records: visible for support, never edited by hand (they derive the mastery estimates)."""

    list_display = ("id", "learner", "item", "correct", "p_known_before", "p_known_after", "created_at")
    list_filter = ("item__objective__course", "correct")
    list_select_related = ("learner", "item__objective")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
