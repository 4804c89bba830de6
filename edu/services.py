"""Writes of the learning domain. Keyword-only, atomic, and the only place models are saved."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import PurePath

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction

from edu.models import Course, Enrollment, LearnerProfile, LearningObjective, Material

User = get_user_model()

KIND_BY_SUFFIX = {
    ".txt": Material.Kind.TEXT,
    ".md": Material.Kind.MARKDOWN,
    ".markdown": Material.Kind.MARKDOWN,
    ".html": Material.Kind.HTML,
    ".htm": Material.Kind.HTML,
    ".pdf": Material.Kind.PDF,
    ".png": Material.Kind.IMAGE,
    ".jpg": Material.Kind.IMAGE,
    ".jpeg": Material.Kind.IMAGE,
    ".webp": Material.Kind.IMAGE,
    ".svg": Material.Kind.SVG,
}


class UnsupportedFileType(ValueError):
    pass


def material_kind_for(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    try:
        return KIND_BY_SUFFIX[suffix]
    except KeyError:
        allowed = ", ".join(sorted(KIND_BY_SUFFIX))
        raise UnsupportedFileType(f"'{suffix or filename}' files are not supported; use one of {allowed}") from None


@transaction.atomic
def create_course(*, slug: str, title: str, description: str = "", subject: str = "", grade_band: str = "") -> Course:
    course, _ = Course.objects.update_or_create(
        slug=slug,
        defaults={"title": title, "description": description, "subject": subject, "grade_band": grade_band},
    )
    return course


@transaction.atomic
def create_objective(
    *,
    course: Course,
    code: str,
    title: str,
    description: str = "",
    order: int = 0,
    prerequisites: Iterable[str] = (),
) -> LearningObjective:
    objective, _ = LearningObjective.objects.update_or_create(
        course=course, code=code, defaults={"title": title, "description": description, "order": order}
    )
    objective.prerequisites.set(LearningObjective.objects.filter(course=course, code__in=list(prerequisites)))
    return objective


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_staff: bool = False,
) -> AbstractBaseUser:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "email": email, "is_staff": is_staff},
    )
    if created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def update_profile(*, user: AbstractBaseUser, **fields) -> LearnerProfile:
    profile, _ = LearnerProfile.objects.get_or_create(user=user)
    allowed = {f.name for f in LearnerProfile._meta.get_fields()} - {"id", "user", "created_at", "updated_at"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown profile fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def enroll(*, user: AbstractBaseUser, course: Course, role: str = Enrollment.Role.STUDENT) -> Enrollment:
    enrollment, _ = Enrollment.objects.update_or_create(user=user, course=course, defaults={"role": role})
    if role == Enrollment.Role.STUDENT:
        LearnerProfile.objects.get_or_create(user=user)
    return enrollment


@transaction.atomic
def create_material(
    *,
    course: Course,
    filename: str,
    content: bytes,
    uploaded_by: AbstractBaseUser | None = None,
    title: str = "",
    objectives: Iterable[LearningObjective] = (),
) -> tuple[Material, bool]:
    """Store an upload. Returns (material, created); identical bytes in the same course are
    recognised by their SHA-256 and return the existing material instead of a copy."""
    kind = material_kind_for(filename)
    digest = hashlib.sha256(content).hexdigest()
    existing = Material.objects.filter(course=course, sha256=digest).first()
    if existing is not None:
        return existing, False
    material = Material(
        course=course,
        title=(title or PurePath(filename).stem.replace("_", " "))[:255],
        original_filename=PurePath(filename).name[:255],
        kind=kind,
        sha256=digest,
        size_bytes=len(content),
        uploaded_by=uploaded_by,
    )
    material.file.save(PurePath(filename).name, ContentFile(content), save=False)
    material.save()
    material.objectives.set(objectives)
    return material, True
