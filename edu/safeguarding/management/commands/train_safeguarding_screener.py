"""Train the learned safeguarding screener's head from the committed texts and store it.

The screener also trains it on first use when it is missing; this command does it ahead (deploy,
``make train-safeguarding``) and prints how long it took. Deterministic for a given seed.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from edu.safeguarding.screening.learned import DEFAULT_SEED, default_head_path, train_head


class Command(BaseCommand):
    help = "Train the learned safeguarding screener (MiniLM + head) from its training texts; writes it under var/."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Seed of the text variants and the start.")

    def handle(self, *args, seed: int = DEFAULT_SEED, **options) -> None:
        started = time.perf_counter()
        head = train_head(seed=seed)
        path = default_head_path(seed)
        head.save(path)
        self.stdout.write(f"Trained on {head.examples} messages in {time.perf_counter() - started:.1f} s "
                          f"(seed {seed}, fingerprint {head.fingerprint[:16]}): {path}")
