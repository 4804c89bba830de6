"""What rag and the web layer import from safeguarding (functions and frozen dataclasses)."""

from edu.safeguarding.hints import gives_away, hints_reply, practice_item_for
from edu.safeguarding.replies import ANSWER_WITHHELD, refusal, supportive_reply
from edu.safeguarding.screening import (
    CATEGORIES,
    SEVERITIES,
    Flag,
    ScreeningContext,
    ScreeningResult,
    screen_text,
)
from edu.safeguarding.selectors import (
    alert_for_lead,
    alerts_for_lead,
    help_contacts,
    hints_first,
    is_lead,
    is_lead_for,
    open_alert_count,
)
from edu.safeguarding.services import (
    ACTIONS,
    AlertActionError,
    AlertDetail,
    Decision,
    act_on_alert,
    answer_blocked,
    assign_lead,
    course_context,
    purge_expired_alerts,
    read_alert,
    screen_generated_answer,
    screen_student_message,
    update_course_safeguarding,
)
from edu.safeguarding.streaming import AnswerScreen

__all__ = [
    "ACTIONS",
    "ANSWER_WITHHELD",
    "CATEGORIES",
    "SEVERITIES",
    "AlertActionError",
    "AnswerScreen",
    "AlertDetail",
    "Decision",
    "Flag",
    "ScreeningContext",
    "ScreeningResult",
    "act_on_alert",
    "alert_for_lead",
    "alerts_for_lead",
    "answer_blocked",
    "assign_lead",
    "gives_away",
    "course_context",
    "help_contacts",
    "hints_first",
    "hints_reply",
    "is_lead",
    "is_lead_for",
    "open_alert_count",
    "practice_item_for",
    "purge_expired_alerts",
    "read_alert",
    "refusal",
    "screen_generated_answer",
    "screen_student_message",
    "screen_text",
    "supportive_reply",
    "update_course_safeguarding",
]
