"""The redaction rules of a course (policy, roster, allow-list), cached per process.

Redacting a batch reads the course's policy row once (its ``version`` is bumped by signals when
the roster or policy changes) and never queries per text.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from presidio_analyzer import EntityRecognizer

from edu.api import Course
from privacy.models import ENTITY_TYPES, PrivacyPolicy
from privacy.public_names import PublicNames
from privacy.recognizers import ErasedRosterRecognizer, RosterRecognizer, StudentIdRecognizer, roster_names
from privacy.selectors import erased_digests, roster_identifiers
from privacy.vault import identifier_digest


@dataclass(frozen=True)
class CourseRules:
    entities: frozenset[str] = frozenset(ENTITY_TYPES)
    default_threshold: float = 0.35
    thresholds: Mapping[str, float] = field(default_factory=dict)
    operators: Mapping[str, str] = field(default_factory=dict)
    public: PublicNames = field(default_factory=PublicNames.for_course)
    recognizers: tuple[EntityRecognizer, ...] = ()

    def threshold(self, entity: str) -> float:
        return self.thresholds.get(entity, self.default_threshold)

    def operator(self, entity: str) -> str:
        return self.operators.get(entity, "replace")


DEFAULT_RULES = CourseRules()
_cache: dict[int, tuple[tuple, CourseRules]] = {}
_lock = threading.Lock()


def rules_for(course: Course | None) -> CourseRules:
    """The course's rules, rebuilt only when its policy version (or the policy itself) changed."""
    if course is None:
        return DEFAULT_RULES
    policy = PrivacyPolicy.objects.filter(course_id=course.pk).first()
    stamp = (policy.pk, policy.version, policy.updated_at) if policy else None
    cached = _cache.get(course.pk)
    if cached and cached[0] == stamp:
        return cached[1]
    rules = _build(course, policy)
    with _lock:
        _cache[course.pk] = (stamp, rules)
    return rules


def _build(course: Course, policy: PrivacyPolicy | None) -> CourseRules:
    roster = roster_identifiers(course=course)
    recognizers: list[EntityRecognizer] = [
        RosterRecognizer(roster_names(roster.names), emails=roster.emails, student_ids=roster.student_ids)
    ]
    digests = erased_digests(course=course)
    if digests:
        recognizers.append(ErasedRosterRecognizer(digests, identifier_digest))
    if policy is None:
        return CourseRules(recognizers=tuple(recognizers))
    if policy.student_id_patterns:
        recognizers.append(StudentIdRecognizer(policy.student_id_patterns, name="CourseStudentIdRecognizer"))
    return CourseRules(
        entities=frozenset(policy.entities or ENTITY_TYPES),
        default_threshold=policy.default_threshold,
        thresholds=dict(policy.thresholds),
        operators=dict(policy.operators),
        public=PublicNames.for_course(policy.allow_list.splitlines()),
        recognizers=tuple(recognizers),
    )
