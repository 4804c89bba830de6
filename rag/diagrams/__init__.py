"""Diagram understanding: labels, arrows, title, groups and reading order from images and SVG."""

from rag.diagrams.describe import describe
from rag.diagrams.image import analyze_image
from rag.diagrams.svg import analyze_svg
from rag.diagrams.types import DiagramAnalysis, DiagramEdge, DiagramError, DiagramNode

__all__ = ["DiagramAnalysis", "DiagramEdge", "DiagramError", "DiagramNode", "analyze_image", "analyze_svg", "describe"]
