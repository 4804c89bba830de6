import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

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
from edu.portal.forms import RosterForm
from edu.roster import RosterFileError, import_roster
from privacy.api import AuditEvent, audit_roster_import, erase_learner, export_learner_data, record_action


class ObjectiveInline(admin.TabularInline):
    model = LearningObjective
    extra = 0
    fields = ("code", "title", "order", "p_init", "p_learn", "p_slip", "p_guess", "fitted")
    readonly_fields = ("fitted",)

    @admin.display(description="Fitted to answers (used instead when set)")
    def fitted(self, objective: LearningObjective) -> str:
        if objective.fitted_at is None:
            return "not yet: the values on the left are used"
        p = objective.bkt_params()
        return (
            f"init {p.p_init:.2f}, learn {p.p_learn:.2f}, slip {p.p_slip:.2f}, guess {p.p_guess:.2f} "
            f"({objective.fitted_answers} answers, {objective.fitted_at:%Y-%m-%d})"
        )


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    autocomplete_fields = ("user",)


class AdminRosterForm(RosterForm):
    link_existing = forms.BooleanField(
        label="Link existing accounts",
        required=False,
        help_text="Enroll rows whose username or email belongs to an existing account (each link is audited). "
        "Without this, such rows are reported and left alone.",
    )


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "subject", "grade_band", "created_at")
    search_fields = ("title", "slug", "subject")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ObjectiveInline, EnrollmentInline]

    def get_urls(self):
        roster = self.admin_site.admin_view(self.roster_view)
        return [path("<int:object_id>/roster/", roster, name="edu_course_roster"), *super().get_urls()]

    def roster_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The roster importer for administrators: the portal's format, plus linking existing accounts."""
        course = get_object_or_404(Course, pk=object_id)
        if not self.has_change_permission(request, course):
            raise PermissionDenied
        form = AdminRosterForm(request.POST or None, request.FILES or None)
        outcome = None
        if request.method == "POST" and form.is_valid():
            try:
                outcome = import_roster(course=course, content=form.cleaned_data["roster"], imported_by=request.user,
                                        link_existing=form.cleaned_data["link_existing"])
            except RosterFileError as error:
                form.add_error("roster", str(error))
            else:
                audit_roster_import(report=outcome, course=course, actor=request.user, where="admin")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import a roster into {course}",
            "opts": self.model._meta,
            "original": course,
            "form": form,
            "outcome": outcome,
        }
        return TemplateResponse(request, "admin/edu/course/roster_import.html", context)


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
    # The stored file is never linked by its storage URL (no media route exists): the admin opens it
    # through the portal's permission-checked, sandboxed view, and cannot swap it for another upload.
    exclude = ("file",)
    readonly_fields = ("original_file", "sha256", "size_bytes", "original_filename", "extracted_text", "reading_level")
    filter_horizontal = ("objectives",)

    @admin.display(description="Original file")
    def original_file(self, material: Material) -> str:
        if not material.pk or not material.file:
            return "—"
        url = reverse("portal:material_file", args=[material.pk])
        return format_html('<a href="{}" download>Download the original (not redacted)</a>', url)


@admin.register(LearnerProfile)
class LearnerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "grade_level", "reading_level", "language", "consent_given_at")
    search_fields = ("user__username",)
    list_filter = ("grade_level", "language")
    actions = ["export_learners", "erase_learners"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a learner leaves through "Erase", which keeps the erasure record; never a bare delete

    @admin.action(description="Export the selected learners' data (JSON)")
    def export_learners(self, request, queryset) -> HttpResponse:
        data = {profile.user.get_username(): export_learner_data(user=profile.user) for profile in queryset}
        for profile in queryset:
            record_action(action=AuditEvent.Action.EXPORT, actor=request.user, where="admin",
                          subject=f"user:{profile.user_id}")
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
            record = erase_learner(user=user, requested_by=request.user)
            record_action(action=AuditEvent.Action.ERASURE, actor=request.user, where="admin",
                          subject=record.subject_ref)
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
