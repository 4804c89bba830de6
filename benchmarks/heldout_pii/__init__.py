"""Held-out labeled PII set for Glossa's redaction, generated from a written spec of formats, blind to privacy/.

`benchmarks.heldout_pii.generate.generate(seed)` returns course rosters and labeled learner/course records;
`validate(data)` lists what is wrong with a generated set (nothing, when the generator is right). See README.md.
"""
