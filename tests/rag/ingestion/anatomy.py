"""The real anatomy textbook material (OpenStax, CC BY-NC-SA 4.0) in ../shared/realtext: its 16 figure
JPGs, and for each the section it belongs to, its alt text and its caption as the book prints them."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

# ../shared beside the checkout; a clone made elsewhere on the development machine finds it in /work.
BOOK = next((shared / "realtext/anatomy" for shared in (Path(__file__).resolve().parents[3].parent / "shared",
                                                        Path("/work/shared")) if (shared / "realtext").is_dir()),
            Path(__file__).resolve().parents[3].parent / "shared/realtext/anatomy")
MATERIALS = BOOK / "materials"
_FIGCAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.S)


@dataclass(frozen=True)
class Figure:
    picture: Path
    section: Path
    title: str  # as the book's figure question names it: "Which diagram shows <title>?"
    alt: str
    caption: str  # the book's caption, which starts with the figure's title

    @property
    def section_heading(self) -> str:
        return html.unescape(re.search(r"<h1>(.*?)</h1>", self.section.read_text()).group(1))


def figures() -> list[Figure]:
    if not (BOOK / "queries.jsonl").exists():
        pytest.skip(f"the real textbook material is not at {BOOK}")
    found = []
    for line in (BOOK / "queries.jsonl").read_text().splitlines():
        query = json.loads(line)
        if query["kind"] != "figure":
            continue
        title = query["q"].removeprefix("Which diagram shows ").removesuffix("?")
        section = MATERIALS / query["relevant"][1]
        captions = [html.unescape(c) for c in _FIGCAPTION.findall(section.read_text())]
        caption = next(c for c in captions if c.lower().startswith(title.lower()))
        found.append(Figure(MATERIALS / query["relevant"][0], section, title, query["alt"], caption))
    return found
