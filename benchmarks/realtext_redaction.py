"""Redaction on a real textbook with no personal data: what course-kind redaction removes is all false positives.

Run: .venv/bin/python benchmarks/realtext_redaction.py   (reads ../shared/realtext/anatomy/materials/*.html)
Prints the spans removed per entity type with examples; the target is none.
"""

import collections
import glob
import html
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edu.settings")

import django  # noqa: E402

django.setup()

from privacy.redaction import ContentKind, detect  # noqa: E402
from privacy.rules import rules_for  # noqa: E402


def main() -> None:
    texts = []
    for path in sorted(glob.glob(str(ROOT.parent / "shared/realtext/anatomy/materials/*.html"))):
        text = html.unescape(re.sub(r"<[^>]+>", " ", Path(path).read_text(encoding="utf-8")))
        texts.append(re.sub(r"\s+", " ", text))
    started = time.perf_counter()
    found = detect(texts, kind=ContentKind.COURSE, rules=rules_for(None))
    counts: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    for text, entities in zip(texts, found, strict=True):
        for entity in entities:
            counts[entity.type] += 1
            if len(examples[entity.type]) < 8:
                examples[entity.type].append(text[entity.start : entity.end])
    words = sum(len(text.split()) for text in texts)
    print(f"{len(texts)} sections, {words} words, {time.perf_counter() - started:.1f} s; removed (target 0): "
          f"{sum(counts.values())} {dict(counts)}")
    for kind, values in examples.items():
        print(f"  {kind}: {values}")


if __name__ == "__main__":
    main()
