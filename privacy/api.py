"""What other apps (edu, rag) may import from privacy. Filled in by the privacy layer."""
