"""Keep cached rosters honest: any change to who is in a course, or to their names, bumps its version."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from edu.api import Enrollment, LearnerProfile
from privacy.services import bump_roster_version


@receiver([post_save, post_delete], sender=Enrollment, dispatch_uid="privacy-roster-enrollment")
def enrollment_changed(sender, instance: Enrollment, **kwargs) -> None:
    bump_roster_version(course_ids=[instance.course_id])


@receiver([post_save, post_delete], sender=LearnerProfile, dispatch_uid="privacy-roster-profile")
@receiver(post_save, sender=get_user_model(), dispatch_uid="privacy-roster-user")
def person_changed(sender, instance, **kwargs) -> None:
    user_id = instance.user_id if isinstance(instance, LearnerProfile) else instance.pk
    course_ids = Enrollment.objects.filter(user_id=user_id).values_list("course_id", flat=True)
    bump_roster_version(course_ids=course_ids)
