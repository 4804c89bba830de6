"""Reads the portal pages need beyond other apps' selectors; each is scoped to one course."""

from __future__ import annotations

from django.db.models import QuerySet

from edu.api import Course, Enrollment, LearnerProfile, Material
from rag.api import DiagramGraph


def course_diagrams(*, course: Course) -> QuerySet[DiagramGraph]:
    """Diagrams a student may pick on the ask page: image and SVG materials, whose file is the diagram
    (a diagram found inside a PDF page has no picture of its own to send)."""
    return (
        DiagramGraph.objects.filter(
            material__course=course, material__kind__in=[Material.Kind.IMAGE, Material.Kind.SVG]
        )
        .select_related("material")
        .order_by("title", "pk")
    )


def course_diagram(*, course: Course, diagram_id: int) -> DiagramGraph | None:
    return course_diagrams(course=course).filter(pk=diagram_id).first()


def course_materials(*, course: Course, indexed_only: bool = False) -> QuerySet[Material]:
    """A course's materials; ``indexed_only`` (what students get) leaves out pending and refused ones."""
    materials = course.materials.order_by("title")
    return materials.filter(status=Material.Status.READY) if indexed_only else materials


def course_students(*, course: Course):
    """The course's students (for class views), ordered for a stable heatmap."""
    return (
        Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def accessibility_needs(*, user) -> frozenset[str]:
    """The signed-in learner's accessibility needs (a teacher or admin without a profile has none)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    needs = LearnerProfile.objects.filter(user=user).values_list("accessibility_needs", flat=True).first()
    return frozenset(need for need in needs or () if isinstance(need, str))
