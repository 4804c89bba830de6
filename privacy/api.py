"""What other apps (edu, rag) may import from privacy.

Redact at every boundary with ``redact_text``/``redact_texts`` (``where`` names the boundary:
"ingestion", "query", "prompt", "generation", "cli", ...); use ``pseudonymize``/``reidentify``
for a learner's conversation; ``encrypt_json``/``decrypt_json`` seal what must be kept but
never read in clear (a safeguarding alert's words); ``record_action`` audits every action on personal data (imports,
links, exports, erasures, ...): who, what, when and which course, never the values.
"""

from privacy.engine import SPACY_MODEL
from privacy.models import AuditEvent, ErasureRecord
from privacy.redaction import ContentKind, DetectedEntity, RedactionResult
from privacy.selectors import export_learner_data, redaction_summary
from privacy.services import (
    audit_roster_import,
    erase_learner,
    pseudonymize,
    purge_conversation,
    record_action,
    redact_text,
    redact_texts,
    reidentify,
)
from privacy.vault import decrypt_json, encrypt_json

__all__ = [
    "AuditEvent",
    "ContentKind",
    "DetectedEntity",
    "ErasureRecord",
    "RedactionResult",
    "SPACY_MODEL",
    "audit_roster_import",
    "decrypt_json",
    "encrypt_json",
    "erase_learner",
    "export_learner_data",
    "pseudonymize",
    "purge_conversation",
    "record_action",
    "redact_text",
    "redact_texts",
    "redaction_summary",
    "reidentify",
]
