"""A material as a page to read: the redacted extracted text laid out again as headings, paragraphs,
lists and figures, with an anchor where each indexed passage starts, so a citation opens its passage.

Built from what ingestion stored (the material's redacted text, and each chunk's heading path, page and
character range in it), never from the file: nothing unredacted can reach a reader. Pure functions:
the selector (``rag.selectors.reading_page``) reads the rows, this lays them out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.chunking import HEADING_SEPARATOR

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_BULLET = re.compile(r"^\s*[-*+•·]\s+")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+")
_QUOTE = re.compile(r"^\s*>\s?")
_RULE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Passage:
    """Where an indexed passage lies in the material's text (``ordinal`` is its place in reading order)."""

    ordinal: int
    heading: str
    page: int | None
    start: int
    end: int


@dataclass(frozen=True)
class ShownPicture:
    """Glossa's rendering of a figure's picture (never the upload itself): whose rendering, its size, its alt text.

    ``material_id`` is the page's own material for a picture upload, or the picture upload of the same course
    that a document's figure names ("![The heart](heart.png)").
    """

    material_id: int
    width: int | None
    height: int | None
    alt: str


@dataclass(frozen=True)
class PlacedFigure:
    """A figure and where it stands in the text (``offset`` None: at the end of its section, else the end)."""

    figure: object  # a DiagramGraph: the template reads its title, caption and descriptions
    ordinal: int | None
    offset: int | None = None
    heading: str = ""
    shown: frozenset[str] = frozenset()  # its caption and alt text: a paragraph saying just that is not repeated
    picture: ShownPicture | None = None  # the rendering shown with it; None: its words only


@dataclass(frozen=True)
class Piece:
    """A run of text in a line; ``anchors`` are passages that start right before it."""

    text: str
    cited: bool = False
    anchors: tuple[int, ...] = ()


@dataclass
class Block:
    """One element of the page: heading, page marker, paragraph, list, numbered list or figure."""

    kind: str
    level: int = 0
    text: str = ""
    lines: list[list[Piece]] = field(default_factory=list)
    placed: PlacedFigure | None = None
    cited: bool = False
    joined: bool = False  # a paragraph's lines are one run of prose (wrapped lines): shown with spaces, not breaks


@dataclass(frozen=True)
class _Line:
    start: int  # where the words start (after a list marker or quote mark)
    end: int


def layout(
    document: str,
    passages: Sequence[Passage],
    figures: Sequence[PlacedFigure] = (),
    *,
    cited: int | None = None,
    figures_first: bool = False,
    title: str = "",
    lines_are_paragraphs: bool = False,
) -> list[Block]:
    """The page's blocks in reading order. ``cited`` is the ordinal of the passage (or figure) to mark.

    Passages overlap (each repeats the end of the one before), so the text is taken once from the
    document and the cited passage is marked by its character range, not by repeating a chunk. A top
    heading that repeats the page's ``title`` (shown above it already) is left out, its sections moved up.
    A line that only repeats a figure's caption or alt text (the figure shows it) is left out.

    ``lines_are_paragraphs``: each line is a paragraph of its own (HTML, whose extractor writes a line per
    block); otherwise lines are wrapped prose (PDF, text, Markdown) and a paragraph ends at a blank line, or
    after a sentence whose line ends short of the others (or when lines are too long to be wrapped ones).
    """
    passages = sorted(passages, key=lambda passage: (passage.start, passage.ordinal))
    cited_passage = next((passage for passage in passages if passage.ordinal == cited), None)
    marked = (cited_passage.start, cited_passage.end) if cited_passage else (0, 0)
    blocks: list[Block] = []
    waiting = sorted((placed for placed in figures if placed.offset is not None), key=lambda placed: placed.offset)
    unplaced = [placed for placed in figures if placed.offset is None]
    if figures_first:
        blocks += [_figure_block(placed, cited) for placed in unplaced]
        unplaced = []
    shown = {_normal(text) for placed in figures for text in placed.shown} - {""}
    pending: list[int] = []
    starts: dict[int, list[int]] = {}
    for passage in passages:
        starts.setdefault(passage.start, []).append(passage.ordinal)
    previous_path: list[str] = []
    previous_page: int | None = None
    for group in _sections(passages):
        path = [part for part in group[0].heading.split(HEADING_SEPARATOR) if part] if group[0].heading else []
        shift = 1 if path and title and _same(path[0], title) else 0
        page = group[0].page
        if page is not None and page != previous_page:
            blocks.append(Block(kind="page", text=f"Page {page}"))
        previous_page = page
        for depth, heading in enumerate(path):
            if previous_path[: depth + 1] != path[: depth + 1] and depth >= shift:
                blocks.append(Block(kind="heading", level=min(depth + 2 - shift, 6), text=heading))
        previous_path = path
        start, end = group[0].start, max(passage.end for passage in group)
        for paragraph_start, paragraph_end in _paragraphs(document, start, end):
            while waiting and waiting[0].offset <= paragraph_start:
                blocks.append(_figure_block(waiting.pop(0), cited))
            blocks += _paragraph_blocks(document, paragraph_start, paragraph_end, starts, marked, pending,
                                        shown=shown, lines_are_paragraphs=lines_are_paragraphs)  # fmt: skip
        heading = group[0].heading
        for placed in [placed for placed in unplaced if placed.heading and placed.heading == heading]:
            blocks.append(_figure_block(placed, cited))
            unplaced.remove(placed)
    blocks += [_figure_block(placed, cited) for placed in [*waiting, *unplaced]]
    _anchor_leftovers(blocks, pending)
    return blocks


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _same(first: str, second: str) -> bool:
    return _normal(first) == _normal(second)


def _sections(passages: Sequence[Passage]) -> list[list[Passage]]:
    """Consecutive passages under one heading path on one page."""
    groups: list[list[Passage]] = []
    for passage in passages:
        if groups and (groups[-1][0].heading, groups[-1][0].page) == (passage.heading, passage.page):
            groups[-1].append(passage)
        else:
            groups.append([passage])
    return groups


def _paragraphs(document: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, position = [], start
    for match in _PARAGRAPH_BREAK.finditer(document, start, end):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, end))
    return [(a, b) for a, b in spans if document[a:b].strip()]


WRAPPED_LINE_MAX = 100  # a file hard-wrapped for reading has lines shorter than this
SHORT_LINE = 0.75  # a line ending a sentence this much shorter than the paragraph's longest ends the paragraph
_SENTENCE_END = re.compile(r"[.!?:…][\"'”’)\]]*$")


def _paragraph_blocks(
    document: str, start: int, end: int, starts: dict[int, list[int]], marked: tuple[int, int], pending: list[int],
    *, shown: set[str], lines_are_paragraphs: bool,
) -> list[Block]:
    """The paragraphs, lists or quotes of one blank-line-separated stretch of text, its lines cut into pieces
    at passage starts and at the cited range. List markers, quote marks, rules, code fences and lines that
    repeat a figure's caption are left out; a passage starting on a left-out line anchors at the next line."""
    lines: list[_Line] = []
    kinds = set()
    position = start
    for raw in document[start:end].split("\n"):
        line_start, line_end = position, position + len(raw)
        position = line_end + 1
        if not raw.strip() or _RULE.match(raw) or _FENCE.match(raw) or _normal(raw) in shown:
            continue
        marker = _BULLET.match(raw) or _NUMBERED.match(raw) or _QUOTE.match(raw)
        kinds.add("list" if _BULLET.match(raw) else "ordered" if _NUMBERED.match(raw) else "paragraph")
        lines.append(_Line(line_start + (marker.end() if marker else 0), line_end))
    offsets = sorted(offset for offset in starts if start <= offset < end)
    if not lines:
        pending.extend(ordinal for offset in offsets for ordinal in starts[offset])
        return []
    anchor_at: dict[int, list[int]] = {lines[0].start: list(pending)} if pending else {}
    pending.clear()
    for offset in offsets:
        line = next((line for line in lines if line.end > offset), None)
        if line is None:
            pending.extend(starts[offset])
        else:
            anchor_at.setdefault(max(offset, line.start), []).extend(starts[offset])
    kind = kinds.pop() if len(kinds) == 1 else "paragraph"
    if kind != "paragraph":
        groups = [lines]
    elif lines_are_paragraphs:
        groups = [[line] for line in lines]
    else:
        groups = _prose(document, lines)
    blocks = []
    for group in groups:
        pieces = [_pieces(document, line, anchor_at, marked) for line in group]
        blocks.append(Block(kind=kind, lines=pieces, cited=any(piece.cited for line in pieces for piece in line),
                            joined=kind == "paragraph" and not lines_are_paragraphs))  # fmt: skip
    return blocks


def _prose(document: str, lines: list[_Line]) -> list[list[_Line]]:
    """Wrapped lines of prose grouped into paragraphs: one ends after a sentence whose line stops short."""
    widest = max(line.end - line.start for line in lines)
    wrapped = widest <= WRAPPED_LINE_MAX
    groups: list[list[_Line]] = [[]]
    for line in lines:
        groups[-1].append(line)
        ends_sentence = _SENTENCE_END.search(document[line.start : line.end].rstrip()) is not None
        if ends_sentence and (not wrapped or line.end - line.start < SHORT_LINE * widest):
            groups.append([])
    return [group for group in groups if group]


def _pieces(document: str, line: _Line, anchor_at: dict[int, list[int]], marked: tuple[int, int]) -> list[Piece]:
    cuts = {line.start, line.end}
    cuts |= {offset for offset in anchor_at if line.start < offset < line.end}
    cuts |= {bound for bound in marked if line.start < bound < line.end}
    ordered = sorted(cuts)
    return [
        Piece(text=document[a:b], cited=marked[0] <= a and b <= marked[1], anchors=tuple(anchor_at.get(a, ())))
        for a, b in zip(ordered, ordered[1:], strict=False)
    ]


def _figure_block(placed: PlacedFigure, cited: int | None) -> Block:
    return Block(kind="figure", placed=placed, cited=cited is not None and placed.ordinal == cited)


def _anchor_leftovers(blocks: list[Block], pending: list[int]) -> None:
    """Passages that started on left-out lines at the very end anchor at the last paragraph."""
    if not pending:
        return
    for block in reversed(blocks):
        if block.lines:
            first = block.lines[0][0]
            block.lines[0][0] = Piece(text=first.text, cited=first.cited, anchors=(*first.anchors, *pending))
            return
