"""Load the demo course: people, objectives and materials (queued for ingestion)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from edu import services
from edu.demo import (
    CONTENT_DIR,
    DEMO_COURSE,
    DEMO_LOGINS,
    DEMO_MATERIALS,
    DEMO_OBJECTIVES,
    DEMO_PEOPLE,
    material_bytes,
)
from edu.models import Course, Enrollment


@dataclass
class DemoSummary:
    course: Course
    users: list[str] = field(default_factory=list)
    practice_items: int = 0
    queued_materials: list[str] = field(default_factory=list)
    existing_materials: list[str] = field(default_factory=list)


def load_demo() -> DemoSummary:
    """Idempotent: running it again updates people and objectives and skips known files."""
    from rag.api import ingest_upload

    passwords = {username: password for username, password, _ in DEMO_LOGINS}
    with transaction.atomic():
        course = services.create_course(**DEMO_COURSE)
        for objective in DEMO_OBJECTIVES:
            services.create_objective(course=course, **{k: v for k, v in objective.items() if k != "prerequisites"})
        for objective in DEMO_OBJECTIVES:  # prerequisites once every objective exists
            services.create_objective(course=course, **objective)
        summary = DemoSummary(course=course)
        teacher = None
        for username, person in DEMO_PEOPLE.items():
            user = services.create_user(
                username=username,
                password=passwords[username],
                first_name=person["first_name"],
                last_name=person["last_name"],
                email=person["email"],
                is_staff=person["role"] == "admin",
            )
            if person["role"] == "admin" and not user.is_superuser:
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
            elif person["role"] == "teacher":
                services.enroll(user=user, course=course, role=Enrollment.Role.TEACHER)
                teacher = user
            elif person["role"] == "student":
                services.enroll(user=user, course=course, role=Enrollment.Role.STUDENT)
                services.update_profile(
                    user=user,
                    grade_level=person["grade_level"],
                    reading_level=person["reading_level"],
                    student_id=person["student_id"],
                )
            summary.users.append(username)
        with (CONTENT_DIR / "practice_items.csv").open(encoding="utf-8") as items:
            report = services.import_items_csv(course=course, file=items, created_by=teacher)
        if report.errors:
            raise ValueError(f"the demo practice items have errors: {report.errors}")
        summary.practice_items = report.created + report.updated

    objectives = {objective.code: objective for objective in course.objectives.all()}
    for material in DEMO_MATERIALS:
        job = ingest_upload(
            course=course,
            filename=material["filename"],
            content=material_bytes(material),
            uploaded_by=teacher,
            title=material["title"],
            objectives=[objectives[code] for code in material["objectives"]],
        )
        target = summary.queued_materials if job.state == job.State.QUEUED else summary.existing_materials
        target.append(material["filename"])
    return summary
