"""Privacy models: policies, audit events, pseudonym vault, erasure records."""
