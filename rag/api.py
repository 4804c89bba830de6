"""What other apps (edu portal and REST API, privacy) may import from rag.

Each feature module appends its public functions here; import from ``rag.api`` only.
"""

from rag.diagrams import (
    DiagramAnalysis,
    DiagramEdge,
    DiagramError,
    DiagramNode,
    analyze_image,
    analyze_svg,
    describe,
)
from rag.embeddings import get_embedder
from rag.extractors import IngestionInputError
from rag.models import Chunk, DiagramGraph, IngestionJob
from rag.renditions import Rendition, RenditionUnavailable, student_rendition
from rag.retrieval import SearchHit, SearchResponse, search
from rag.selectors import MaterialDetail, ReadingPage, chunk_ordinal, jobs_for_course, material_detail, reading_page
from rag.services import (
    DescriptionRefused,
    UploadRefused,
    VersionRefused,
    describe_figure,
    ingest_upload,
    reembed,
    reindex_figure,
    replace_material_file,
    rerun_ingestion,
    run_ingestion,
)

__all__ = ["Chunk", "DiagramGraph", "IngestionJob", "get_embedder"]
__all__ += ["SearchHit", "SearchResponse", "search"]
__all__ += ["DiagramAnalysis", "DiagramEdge", "DiagramError", "DiagramNode", "analyze_image", "analyze_svg", "describe"]
__all__ += ["IngestionInputError", "MaterialDetail", "ingest_upload", "jobs_for_course", "material_detail"]
__all__ += ["UploadRefused", "reembed", "rerun_ingestion", "run_ingestion"]
__all__ += ["DescriptionRefused", "describe_figure", "reindex_figure"]
__all__ += ["Rendition", "RenditionUnavailable", "student_rendition"]
__all__ += ["ReadingPage", "VersionRefused", "chunk_ordinal", "reading_page", "replace_material_file"]

from rag.explainer import ExplainBusyError, ExplainError, Explanation, explain, stream_explanation  # noqa: E402

__all__ += ["ExplainBusyError", "ExplainError", "Explanation", "explain", "stream_explanation"]
