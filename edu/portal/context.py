"""Context processors of the portal's own pages."""

from __future__ import annotations

from django.http import HttpRequest

from edu.api import LearnerProfile
from edu.portal import selectors

# Accessibility needs that change how every page looks: the class on <body> that glossa.css styles.
PAGE_CLASSES = {LearnerProfile.Accessibility.DYSLEXIA: "dyslexia-friendly"}


def reading_preferences(request: HttpRequest) -> dict:
    """``page_classes`` for <body>: a learner's settings apply on every page, not only to explanations."""
    needs = selectors.accessibility_needs(user=getattr(request, "user", None))
    return {"page_classes": " ".join(css for need, css in PAGE_CLASSES.items() if need in needs)}
