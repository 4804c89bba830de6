"""Screens a generated answer while it streams: text is released a sentence at a time, after the
whole answer so far has been screened, so a flagged sentence never reaches the screen."""

from __future__ import annotations

import re

from edu.models import Course
from edu.safeguarding.services import answer_blocked, screen_generated_answer

SENTENCE_END = re.compile(r"[.!?\n]")


class AnswerScreen:
    def __init__(self, *, course: Course | None) -> None:
        self.course = course
        self.released: list[str] = []
        self.held: list[str] = []
        self.blocked = False

    def _check(self, text: str) -> bool:
        self.blocked = self.blocked or answer_blocked(screen_generated_answer(text=text, course=self.course))
        return not self.blocked

    def feed(self, piece: str) -> str:
        """The text that may be shown now ("" while a sentence is still open or once blocked)."""
        if self.blocked:
            return ""
        self.held.append(piece)
        if not SENTENCE_END.search(piece):
            return ""
        candidate = "".join(self.released + self.held)
        if not self._check(candidate):
            return ""
        ready, self.held = "".join(self.held), []
        self.released.append(ready)
        return ready

    def finish(self) -> str:
        """The rest of the answer, if the whole of it passes."""
        if self.blocked or not self.held:
            return ""
        return self.feed("\n")[:-1] if self._check("".join(self.released + self.held)) else ""

    def allows(self, text: str) -> bool:
        """The final, checked answer text: shown only when it passes too."""
        return not self.blocked and self._check(text)
