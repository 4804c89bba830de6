"""The labeled sets: the demo course (hand-written questions) and a generated course (seeded).

Each question is labeled with the filenames of the materials that answer it, and typed:
``text`` (a question in a learner's words, often sharing few words with the source), ``diagram``
(about a diagram's labels and arrows) or ``keyword`` (a few terms, as typed into a search box).
The generated course has one lesson per topic of ``generated_topics.json`` and an SVG diagram
for topics with a process chain, so diagrams go through the real SVG analysis at ingestion.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from edu.demo import DEMO_COURSE, DEMO_MATERIALS, DEMO_OBJECTIVES, material_bytes

HERE = Path(__file__).resolve().parent
QUERY_TYPES = ("text", "diagram", "keyword")
GENERATED_SEED = 5


@dataclass(frozen=True)
class EvalMaterial:
    filename: str
    title: str
    content: bytes
    objectives: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabeledQuery:
    type: str
    question: str
    relevant: tuple[str, ...]


@dataclass(frozen=True)
class EvalCourse:
    slug: str
    title: str
    objectives: dict[str, str]  # code -> title
    materials: list[EvalMaterial] = field(default_factory=list)
    queries: list[LabeledQuery] = field(default_factory=list)


def _queries(rows: list[dict]) -> list[LabeledQuery]:
    queries = [LabeledQuery(row["type"], row["question"], tuple(row["relevant"])) for row in rows]
    unknown = {query.type for query in queries} - set(QUERY_TYPES)
    if unknown:
        raise ValueError(f"unknown query types in the labeled set: {sorted(unknown)}")
    return queries


def demo_course() -> EvalCourse:
    """The demo course's eight materials, as `load_demo` uploads them, with hand-labeled questions."""
    return EvalCourse(
        slug=f"eval-{DEMO_COURSE['slug']}",
        title=DEMO_COURSE["title"],
        objectives={objective["code"]: objective["title"] for objective in DEMO_OBJECTIVES},
        materials=[
            EvalMaterial(
                filename=material["filename"],
                title=material["title"],
                content=material_bytes(material),
                objectives=tuple(material["objectives"]),
            )
            for material in DEMO_MATERIALS
        ],
        queries=_queries(json.loads((HERE / "demo_questions.json").read_text())),
    )


_KEY_IDEA_SENTENCES = [
    "{Term} is one of the key ideas of {topic}.",
    "Pupils studying {topic} learn what {term} means and why it matters.",
    "A good way to remember {term} is to draw it and label the parts.",
    "Your teacher may ask you to explain {term} with an example.",
]


def _lesson(topic: dict, rng: random.Random) -> str:
    name = topic["title"].lower()
    lines = [f"# {topic['title']}", "", topic["summary"], "", "## Key ideas", ""]
    for term in topic["terms"]:
        sentence = rng.choice(_KEY_IDEA_SENTENCES)
        lines.append(sentence.format(Term=term[0].upper() + term[1:], term=term, topic=name))
    if topic["chain"]:
        first, second, third, last = topic["chain"]
        lines += [
            "",
            "## The process",
            "",
            f"In order, the process goes from {first} to {second}, then to {third}, and finally to {last}.",
        ]
    lines += [
        "",
        "## Check your understanding",
        "",
        f"1. Explain {topic['terms'][0]} in your own words.",
        f"2. How is {topic['terms'][1]} linked to {topic['terms'][3]}?",
    ]
    return "\n".join(lines) + "\n"


def _chain_svg(title: str, chain: list[str]) -> str:
    """Boxes left to right with an arrow from each to the next (the shape teachers draw most)."""
    box_width, gap, top, height = 200, 60, 120, 64
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="300" viewBox="0 0 1080 300">',
        '<defs><marker id="head" viewBox="0 0 12 12" refX="12" refY="6" markerWidth="12" markerHeight="12" '
        'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L12,6 L0,12 Z" fill="#222"/></marker></defs>',
        '<rect x="0" y="0" width="1080" height="300" fill="#fff"/>',
        f'<text x="540" y="50" text-anchor="middle" font-family="Helvetica" font-size="28">{escape(title)}</text>',
    ]
    for index, label in enumerate(chain):
        x = 40 + index * (box_width + gap)
        parts.append(
            f'<rect x="{x}" y="{top}" width="{box_width}" height="{height}" rx="10" fill="#e8f1fb" '
            'stroke="#1f3a5f" stroke-width="2"/>'
        )
        parts.append(
            f'<text x="{x + box_width // 2}" y="{top + height // 2 + 6}" text-anchor="middle" '
            f'font-family="Helvetica" font-size="18">{escape(label)}</text>'
        )
        if index < len(chain) - 1:
            y = top + height // 2
            parts.append(
                f'<line x1="{x + box_width + 4}" y1="{y}" x2="{x + box_width + gap - 4}" y2="{y}" '
                'stroke="#222" stroke-width="3" marker-end="url(#head)"/>'
            )
    parts.append("</svg>")
    return "\n".join(parts)


def generated_course(*, seed: int = GENERATED_SEED, topics: int | None = None) -> EvalCourse:
    """One lesson per topic, a diagram per process chain, and questions of all three types."""
    rows = json.loads((HERE / "generated_topics.json").read_text())[:topics]
    rng = random.Random(seed)
    materials, queries = [], []
    for topic in rows:
        lesson = f"{topic['slug']}.md"
        materials.append(EvalMaterial(lesson, topic["title"], _lesson(topic, rng).encode(), (topic["slug"],)))
        queries.append(LabeledQuery("text", topic["question"], (lesson,)))
        keywords = rng.sample(topic["terms"], 2)
        queries.append(LabeledQuery("keyword", " ".join(keywords), (lesson,)))
        if topic["chain"]:
            diagram = f"{topic['slug']}_diagram.svg"
            title = f"{topic['title']} diagram"
            materials.append(EvalMaterial(diagram, title, _chain_svg(title, topic["chain"]).encode(), (topic["slug"],)))
            step = rng.randrange(len(topic["chain"]) - 1)
            question = f"In the {topic['title'].lower()} diagram, what comes after {topic['chain'][step].lower()}?"
            queries.append(LabeledQuery("diagram", question, (diagram, lesson)))
    return EvalCourse(
        slug="eval-generated-science",
        title="Generated Science Topics",
        objectives={topic["slug"]: topic["title"] for topic in rows},
        materials=materials,
        queries=queries,
    )
