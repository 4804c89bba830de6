"""Shapes of the REST API (v1). Reads are model serializers; writes validate and call services."""

from __future__ import annotations

from rest_framework import serializers

from edu.api import Course, LearnerProfile, Material
from edu.portal.forms import LANGUAGES, MAX_QUESTION_CHARS, AskForm
from rag.api import IngestionJob


class CourseSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Course
        fields = ["slug", "title", "description", "subject", "grade_band", "role"]

    def get_role(self, course: Course) -> str | None:
        return self.context["roles"].get(course.pk)


class MaterialSerializer(serializers.ModelSerializer):
    course = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Material
        fields = ["id", "course", "title", "kind", "status", "size_bytes", "reading_level", "version", "created_at",
                  "updated_at"]  # fmt: skip


class JobSerializer(serializers.ModelSerializer):
    material_title = serializers.CharField(source="material.title", read_only=True)

    class Meta:
        model = IngestionJob
        fields = [
            "id",
            "material",
            "material_title",
            "state",
            "progress",
            "attempts",
            "error_reason",
            "replacement",
            "new_filename",
            "stats",
            "timings",
            "created_at",
            "started_at",
            "finished_at",
        ]


class UploadSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class NewVersionSerializer(serializers.Serializer):
    # An empty file reaches the service, which refuses it with the same message as the portal's.
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="The new version's file (text, Markdown, HTML, PDF, PNG, JPEG, WebP or SVG). Students keep "
        "the current version until it is indexed.",
    )


class UploadResultSerializer(serializers.Serializer):
    jobs = JobSerializer(many=True)
    errors = serializers.ListField(child=serializers.CharField())


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_QUESTION_CHARS)
    k = serializers.IntegerField(min_value=1, max_value=50, default=10)


class ExplainRequestSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=MAX_QUESTION_CHARS)
    image = serializers.FileField(required=False, help_text="Optional photo of a diagram (PNG, JPEG or WebP, 5 MB).")
    conversation_id = serializers.UUIDField(required=False, allow_null=True)

    def validate_image(self, upload):
        # One validation rule for both front doors: the portal's form checks the photo.
        form = AskForm(data={"question": "-"}, files={"image": upload})
        form.is_valid()
        if "image" in form.errors:
            raise serializers.ValidationError(form.errors["image"])
        return form.cleaned_data["image"]


class ProfileSerializer(serializers.ModelSerializer):
    accessibility_needs = serializers.ListField(
        child=serializers.ChoiceField(choices=LearnerProfile.Accessibility.choices), required=False
    )
    language = serializers.ChoiceField(choices=LANGUAGES, required=False)

    class Meta:
        model = LearnerProfile
        fields = ["grade_level", "reading_level", "language", "accessibility_needs"]
