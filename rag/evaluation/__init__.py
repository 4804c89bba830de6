"""Retrieval evaluation: labeled questions over the demo course and a generated course, and the harness."""
