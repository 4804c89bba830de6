"""What the student reads instead of a course answer: kind, short, written for their grade.

Not a lecture: say we heard them, that it is not their fault / they are not alone, who can help
now, and that a trusted adult at school will be told so they can help. Refusals keep the tutor a
tutor: one sentence, no moralising, back to the course.
"""

from __future__ import annotations

from collections.abc import Sequence

YOUNG, MIDDLE = 5, 8  # grades up to YOUNG read the simplest wording; up to MIDDLE the middle one

_OPENINGS = {
    "young": {
        "self_harm": "Thank you for telling me. I'm really glad you did. You matter, and you don't have to feel "
                     "this way on your own.",
        "abuse": "Thank you for telling me. It is not your fault. You deserve to be safe.",
        "bullying": "Thank you for telling me. Nobody should treat you like that, and it is not your fault.",
        "violence": "Thank you for telling me. Being safe is the most important thing right now.",
    },
    "middle": {
        "self_harm": "Thank you for telling me this. It sounds really hard, and I'm glad you said something. "
                     "You don't have to deal with it alone.",
        "abuse": "Thank you for telling me. What you describe is not okay, and it is not your fault. "
                 "You deserve to be safe.",
        "bullying": "Thank you for telling me. Nobody deserves to be treated like that, and it's not your fault.",
        "violence": "Thank you for telling me. It sounds like someone could get hurt, and keeping everyone safe "
                    "matters most right now.",
    },
    "older": {
        "self_harm": "Thank you for telling me. That sounds really painful, and reaching out matters. "
                     "You don't have to carry this on your own.",
        "abuse": "Thank you for telling me. What you describe is not okay and it is not your fault. "
                 "You have a right to be safe.",
        "bullying": "Thank you for telling me. Nobody deserves to be treated that way, and it isn't your fault.",
        "violence": "Thank you for telling me. It sounds like someone could get hurt, and safety comes first "
                    "right now.",
    },
}
_SCHOOL_TOLD = {
    "young": "A grown-up at school who helps children stay safe will know about this, so they can help you.",
    "middle": "A trusted adult at your school whose job is to help keep students safe will be told, "
              "so they can help you.",
    "older": "Your school's safeguarding lead, whose job is to help students stay safe, will be told so they "
             "can support you.",
}
_DANGER = {
    "young": "If you are in danger right now, tell a grown-up near you or call the emergency number.",
    "middle": "If you are in danger right now, go to an adult near you or call the emergency number.",
    "older": "If you are in danger right now, call the emergency number or go to an adult you trust.",
}
REFUSAL = {
    "harmful_request": "I can't help with that, because it could hurt someone. I'm here for your course: "
                       "ask me anything about what you're learning.",
    "sexual": "I can't help with that here. I'm your study helper for this course, so let's stick to your "
              "lessons: what would you like to understand?",
}
ANSWER_WITHHELD = ("I started writing an answer that wasn't right for this course, so I stopped. "
                   "Please try asking in a different way, or ask your teacher.")


def band(grade: int | None) -> str:
    if grade is None or grade <= YOUNG:
        return "young" if grade is not None else "middle"
    return "middle" if grade <= MIDDLE else "older"


def supportive_reply(*, category: str, grade: int | None, contacts: Sequence[str], helplines: Sequence[str],
                     school_told: bool = True) -> str:
    level = band(grade)
    lines = [_OPENINGS[level].get(category, _OPENINGS[level]["self_harm"])]
    if school_told:
        lines.append(_SCHOOL_TOLD[level])
    helpers = [*contacts, *helplines]
    if helpers:
        lines.append("You can also talk to:" if level != "young" else "You can also talk to these people:")
        lines.extend(f"- {helper}" for helper in helpers)
    lines.append(_DANGER[level])
    return "\n".join(lines)


def refusal(category: str) -> str:
    return REFUSAL.get(category, REFUSAL["harmful_request"])
