"""Reads of the learning domain. Every query that returns course data is scoped to a user."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from edu.models import Course, Enrollment


def courses_for_user(*, user: AbstractBaseUser) -> QuerySet[Course]:
    """Courses the user may see: where enrolled or teaching; staff see every course."""
    if not user.is_authenticated:
        return Course.objects.none()
    if user.is_staff:
        return Course.objects.all()
    return Course.objects.filter(enrollments__user=user).distinct()


def course_ids_for_user(*, user: AbstractBaseUser) -> list[int]:
    return list(courses_for_user(user=user).values_list("id", flat=True))


def role_in_course(*, user: AbstractBaseUser, course: Course) -> str | None:
    """'teacher', 'student' or None. Staff count as teachers everywhere."""
    if not user.is_authenticated:
        return None
    if user.is_staff:
        return Enrollment.Role.TEACHER
    return (
        Enrollment.objects.filter(user=user, course=course).values_list("role", flat=True).first()
    )


def is_teacher_of(*, user: AbstractBaseUser, course: Course) -> bool:
    return role_in_course(user=user, course=course) == Enrollment.Role.TEACHER
