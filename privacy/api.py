"""What other apps (edu, rag) may import from privacy.

Redact at every boundary with ``redact_text``/``redact_texts`` (``where`` names the boundary:
"ingestion", "query", "prompt", "generation", "cli", ...); use ``pseudonymize``/``reidentify``
for a learner's conversation.
"""

from privacy.engine import SPACY_MODEL
from privacy.models import ErasureRecord
from privacy.redaction import ContentKind, DetectedEntity, RedactionResult
from privacy.selectors import export_learner_data, redaction_summary
from privacy.services import erase_learner, pseudonymize, purge_conversation, redact_text, redact_texts, reidentify

__all__ = [
    "ContentKind",
    "DetectedEntity",
    "ErasureRecord",
    "RedactionResult",
    "SPACY_MODEL",
    "erase_learner",
    "export_learner_data",
    "pseudonymize",
    "purge_conversation",
    "redact_text",
    "redact_texts",
    "redaction_summary",
    "reidentify",
]
