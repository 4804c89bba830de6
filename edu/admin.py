from django.contrib import admin

from edu.models import Course, Enrollment, Interaction, LearnerProfile, LearningObjective, Mastery, Material


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


@admin.register(LearningObjective)
class LearningObjectiveAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "course", "order")
    list_filter = ("course",)
    search_fields = ("code", "title")
    filter_horizontal = ("prerequisites",)


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
