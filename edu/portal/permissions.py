"""The one permission layer of the portal and the REST API.

Both front doors call these functions, so a rule holds in both or in neither. Objects a user
may not know exist (a course they are not in, its materials, another learner's interaction)
answer 404; a role violation inside a course the user can see (a student on a teacher page)
answers 403.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from edu.api import Course, Enrollment, Interaction, Material, PracticeItem, courses_for_user, role_in_course
from rag.api import DiagramGraph


def can_view_course(user: AbstractBaseUser, course: Course) -> bool:
    return role_in_course(user=user, course=course) is not None


def can_teach_course(user: AbstractBaseUser, course: Course) -> bool:
    """Teachers of the course, and staff (who administer every course)."""
    return role_in_course(user=user, course=course) == Enrollment.Role.TEACHER


def is_student_of(user: AbstractBaseUser, course: Course) -> bool:
    """Only enrolled students ask and give feedback; teachers use the preview instead."""
    return role_in_course(user=user, course=course) == Enrollment.Role.STUDENT


def can_view_material(user: AbstractBaseUser, material: Material) -> bool:
    return can_view_course(user, material.course)


def visible_course(user: AbstractBaseUser, slug: str) -> Course:
    course = courses_for_user(user=user).filter(slug=slug).first()
    if course is None:
        raise Http404("No such course.")
    return course


def taught_course(user: AbstractBaseUser, slug: str) -> Course:
    course = visible_course(user, slug)
    if not can_teach_course(user, course):
        raise PermissionDenied("Only the course's teachers may do this.")
    return course


def course_student(course: Course, pk: int) -> AbstractBaseUser:
    """A student enrolled in ``course``, else 404: a teacher acts for their own students only, never
    for another teacher or a staff account (a sign-in link for those would be an account takeover)."""
    enrollment = (
        Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT, user_id=pk,
                                  user__is_staff=False, user__is_superuser=False)
        .select_related("user")
        .first()
    )
    if enrollment is None:
        raise Http404("No such student in this course.")
    return enrollment.user


def studied_course(user: AbstractBaseUser, slug: str) -> Course:
    course = visible_course(user, slug)
    if not is_student_of(user, course):
        raise PermissionDenied("Only the course's students may ask; teachers can use the preview.")
    return course


def visible_material(user: AbstractBaseUser, pk: int) -> Material:
    material = Material.objects.select_related("course").filter(pk=pk).first()
    if material is None or not can_view_material(user, material):
        raise Http404("No such material.")
    return material


def readable_material(user: AbstractBaseUser, pk: int) -> Material:
    """A material the user may read: its course's teachers always; its students once a version is indexed
    (a pending or refused upload is not found for them, as it is not listed)."""
    material = visible_material(user, pk)
    if material.status != Material.Status.READY and not can_teach_course(user, material.course):
        raise Http404("No such material.")
    return material


def taught_material(user: AbstractBaseUser, pk: int) -> Material:
    material = visible_material(user, pk)
    if not can_teach_course(user, material.course):
        raise PermissionDenied("Only the course's teachers may do this.")
    return material


def taught_figure(user: AbstractBaseUser, pk: int) -> DiagramGraph:
    """A figure of a material the user teaches (404 outside their courses, 403 for the course's students)."""
    figure = DiagramGraph.objects.select_related("material__course").filter(pk=pk).first()
    if figure is None or not can_view_material(user, figure.material):
        raise Http404("No such figure.")
    if not can_teach_course(user, figure.material.course):
        raise PermissionDenied("Only the course's teachers may do this.")
    return figure


def studied_item(user: AbstractBaseUser, pk: int) -> PracticeItem:
    """A practice item of a course the user studies (404 outside their courses, 403 for its teachers)."""
    item = PracticeItem.objects.select_related("objective__course").filter(pk=pk, active=True).first()
    if item is None or not can_view_course(user, item.objective.course):
        raise Http404("No such practice question.")
    if not is_student_of(user, item.objective.course):
        raise PermissionDenied("Only the course's students practise.")
    return item


def own_interaction(user: AbstractBaseUser, pk: int) -> Interaction:
    """A learner's own interaction; anybody else's is not found (it is personal data)."""
    interaction = Interaction.objects.filter(pk=pk, learner_id=user.pk).first()
    if interaction is None:
        raise Http404("No such interaction.")
    return interaction
