"""What other apps (rag, privacy) may import from the learning domain."""

from edu.models import Course, Enrollment, Interaction, LearnerProfile, LearningObjective, Mastery, Material
from edu.selectors import course_ids_for_user, courses_for_user, is_teacher_of, role_in_course
from edu.services import create_material, material_kind_for

__all__ = [
    "Course",
    "Enrollment",
    "Interaction",
    "LearnerProfile",
    "LearningObjective",
    "Mastery",
    "Material",
    "course_ids_for_user",
    "courses_for_user",
    "create_material",
    "is_teacher_of",
    "material_kind_for",
    "role_in_course",
]
