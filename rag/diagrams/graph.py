"""Turn extracted primitives (text lines, closed shapes, connectors) into a labelled graph.

Both readers (raster via OCR + OpenCV, SVG via its elements) produce the same primitives, so the
decisions that make a diagram understandable live here once: which text is a node, the title, an
arrow's label or a note; which node an arrow starts and ends at; which boxes group others; and
the order in which a screen reader should meet the parts.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from rag.diagrams.geometry import (
    area,
    center,
    distance_to_border,
    distance_to_segment,
    intersection,
    mostly_inside,
    union,
)
from rag.diagrams.types import (
    BBox,
    Connector,
    DiagramAnalysis,
    DiagramEdge,
    DiagramNode,
    Point,
    Shape,
    TextBlock,
    TextLine,
)
from rag.diagrams.words import text_size

# A frame drawn around the whole picture is not a group of the nodes inside it.
_FRAME_SHARE = 0.8
# Two outlines this similar are one shape drawn twice (double border, shadow).
_DUPLICATE_IOU = 0.8
# Loose text longer than this is a caption or remark (a note), not the name of a part.
_MAX_LABEL_WORDS = 6
# Title candidates live in this top share of the picture.
_TITLE_ZONE = 0.25
# Text this much taller than the typical label is a heading wherever it sits in the top zone.
_TITLE_SIZE_GAIN = 1.15


@dataclass
class _Item:
    """A would-be node: a labelled shape or a free-floating block of text."""

    bbox: BBox
    lines: list[TextLine] = field(default_factory=list)
    is_shape: bool = False
    children: list[_Item] = field(default_factory=list)
    parent: _Item | None = None

    @property
    def label(self) -> str:
        return join_lines(self.lines).removesuffix(":").rstrip()  # a list's heading ("Small intestine:")

    @property
    def score(self) -> float:
        return min((line.score for line in self.lines), default=0.0)

    @property
    def text_height(self) -> float:
        return statistics.median(line.height for line in self.lines) if self.lines else 0.0


def build_graph(
    *,
    lines: list[TextLine],
    shapes: list[Shape],
    connectors: list[Connector],
    width: int,
    height: int,
) -> DiagramAnalysis:
    """Assemble the diagram: labelled nodes in reading order, edges with direction, title and notes."""
    lines = [line for line in lines if line.text.strip()]
    shape_items = _labelled_shapes(lines, _distinct(shapes), width, height)
    in_shapes = {id(line) for item in shape_items for line in item.lines}
    free_items = [
        _Item(bbox=union(ln.bbox for ln in block), lines=block)
        for block in _blocks([line for line in lines if id(line) not in in_shapes])
    ]
    items = shape_items + free_items

    tolerance = max(25.0, 0.04 * math.hypot(width, height))
    attached: list[tuple[_Item, _Item, Connector]] = []
    pointed_at: set[int] = set()  # text a line ends at is a label (a leader's far end may reach nothing)
    for connector in connectors:
        first = _nearest(connector.start, items, tolerance, connector.leaving_start)
        second = _nearest(connector.end, items, tolerance, connector.leaving_end)
        pointed_at |= {id(item) for item in (first, second) if item is not None}
        if first is not None and second is not None and first is not second:
            attached.append((first, second, connector))
    endpoints = {id(item) for pair in attached for item in pair[:2]}

    edge_labels = _edge_labels([item for item in free_items if id(item) not in endpoints], attached)
    labelled = {id(item) for item in edge_labels.values()}
    title_item = _title(
        [item for item in free_items if id(item) not in pointed_at and id(item) not in labelled],
        items,
        width,
        height,
    )
    notes = {
        id(item)
        for item in free_items
        if item is not title_item
        and id(item) not in endpoints | labelled
        and len(item.label.split()) > _MAX_LABEL_WORDS
    }
    node_items = [item for item in items if item is not title_item and id(item) not in labelled | notes and item.label]

    order = _reading_order(node_items, attached)
    ids = {id(item): f"n{index}" for index, item in enumerate(order, start=1)}
    nodes = [
        DiagramNode(
            id=ids[id(item)], label=item.label, bbox=item.bbox, score=item.score, group=ids.get(id(item.parent), "")
        )
        for item in order
    ]
    edges = _edges(attached, ids, edge_labels)
    blocks = [
        TextBlock(text=item.label, bbox=item.bbox, score=item.score, role=_role(item, title_item, labelled, notes))
        for item in items
        if item.label
    ]
    return DiagramAnalysis(
        title=title_item.label if title_item else "",
        width=width,
        height=height,
        nodes=nodes,
        edges=edges,
        text_blocks=blocks,
    )


def join_lines(lines: list[TextLine]) -> str:
    """Read lines row by row, left to right; re-join words a line break hyphenated."""
    text = ""
    for row in _rows(lines):
        for line in sorted(row, key=lambda ln: ln.bbox[0]):
            piece = " ".join(line.text.split())
            if text.endswith("-") and piece[:1].islower():
                text = text[:-1] + piece
            else:
                text = f"{text} {piece}" if text else piece
    return text


def _rows(lines: list[TextLine]) -> list[list[TextLine]]:
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda ln: center(ln.bbox)[1]):
        cy = center(line.bbox)[1]
        if rows and abs(cy - statistics.fmean(center(ln.bbox)[1] for ln in rows[-1])) < 0.5 * line.height:
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def _distinct(shapes: list[Shape]) -> list[Shape]:
    """Drop near-duplicate outlines, keeping the inner one (which is what holds the label)."""
    kept: list[Shape] = []
    for shape in sorted(shapes, key=lambda s: area(s.bbox)):
        overlap_with_kept = (intersection(shape.bbox, other.bbox) / max(area(shape.bbox), 1e-9) for other in kept)
        if not any(share >= _DUPLICATE_IOU for share in overlap_with_kept):
            kept.append(shape)
    return kept


def _labelled_shapes(lines: list[TextLine], shapes: list[Shape], width: int, height: int) -> list[_Item]:
    """Shapes that hold text or other labelled shapes; each text line goes to the smallest shape around it."""
    frame_area = _FRAME_SHARE * width * height
    candidates = [_Item(bbox=s.bbox, is_shape=True) for s in shapes if area(s.bbox) < frame_area]
    candidates.sort(key=lambda it: area(it.bbox))
    for line in lines:
        holder = next((it for it in candidates if mostly_inside(line.bbox, it.bbox)), None)
        if holder is not None:
            holder.lines.append(line)
    for index, item in enumerate(candidates):
        item.parent = next(
            (outer for outer in candidates[index + 1 :] if mostly_inside(item.bbox, outer.bbox, share=0.9)), None
        )
    kept = [it for it in candidates if it.lines]
    for item in kept:
        while item.parent is not None and not item.parent.lines:
            item.parent = item.parent.parent  # unlabelled containers are decoration, not groups
        if item.parent is not None:
            item.parent.children.append(item)
    return kept


def _blocks(lines: list[TextLine]) -> list[list[TextLine]]:
    """Group free-floating lines into labels: words on one row, and stacked lines of similar size."""
    parent = list(range(len(lines)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(lines):
        for j in range(i + 1, len(lines)):
            if _same_label(a, lines[j]):
                parent[find(i)] = find(j)
    groups: dict[int, list[TextLine]] = {}
    for i, line in enumerate(lines):
        groups.setdefault(find(i), []).append(line)
    return [item for group in groups.values() for label in _split_at_leaders(group) for item in _split_lists(label)]


def _split_lists(group: list[TextLine]) -> list[list[TextLine]]:
    """A stack whose row ends with a colon ("Small intestine:") is a list: that row is a heading, a label of its
    own, and each row under it one item ("Duodenum", "Jejunum"), as labelled figures list the parts of a whole.
    Rows above the heading stay one label."""
    rows = _rows(group)
    headings = [index for index, row in enumerate(rows) if _row_text(row).endswith(":")]
    if not headings or (len(rows) == 1):
        return [group]
    first = headings[0]
    labels = [[line for row in rows[:first] for line in row]] if first else []
    labels += [list(row) for row in rows[first:]]
    return labels


def _row_text(row: list[TextLine]) -> str:
    return " ".join(line.text for line in sorted(row, key=lambda line: line.bbox[0])).rstrip()


def _split_at_leaders(group: list[TextLine]) -> list[list[TextLine]]:
    """A stack of rows cut into labels so that each has at most one row a leader line ends at.

    A label's leader line meets one of its rows, so two rows with leaders are two labels, however close
    they are stacked; the rows between them go with the nearer one (the cut is at the widest gap).
    """
    rows = _rows(group)
    marked = [index for index, row in enumerate(rows) if any(line.leader for line in row)]
    if len(marked) < 2:
        return [group]

    def gap_before(index: int) -> float:
        return min(ln.bbox[1] for ln in rows[index]) - max(ln.bbox[3] for ln in rows[index - 1])

    cuts = [max(range(upper + 1, lower + 1), key=lambda index: (gap_before(index), index))
            for upper, lower in zip(marked, marked[1:], strict=False)]  # fmt: skip
    bounds = zip([0, *cuts], [*cuts, len(rows)], strict=True)
    return [[line for row in rows[start:end] for line in row] for start, end in bounds]


def _same_label(a: TextLine, b: TextLine) -> bool:
    big, small = max(a.height, b.height), min(a.height, b.height)
    sizes = sorted((text_size(a), text_size(b)))
    if small <= 0 or sizes[1] / sizes[0] > 1.4:  # by font size: "veins" is shorter than "Left pulmonary"
        return False
    v_overlap = min(a.bbox[3], b.bbox[3]) - max(a.bbox[1], b.bbox[1])
    h_gap = max(a.bbox[0], b.bbox[0]) - min(a.bbox[2], b.bbox[2])
    if v_overlap >= 0.5 * small:  # same row: words OCR split apart
        return h_gap <= 1.0 * big
    v_gap = max(a.bbox[1], b.bbox[1]) - min(a.bbox[3], b.bbox[3])
    centers_aligned = abs(center(a.bbox)[0] - center(b.bbox)[0]) <= 0.25 * max(
        a.bbox[2] - a.bbox[0], b.bbox[2] - b.bbox[0]
    )
    left_aligned = abs(a.bbox[0] - b.bbox[0]) <= 0.5 * big
    return v_gap <= 0.6 * big and (centers_aligned or left_aligned)


def _nearest(point: Point, items: list[_Item], tolerance: float, leaving: Point | None = None) -> _Item | None:
    """The item whose outline is closest to an arrow end; ties go to the smaller (innermost) item. A free label
    counts only when the line, run on past its end, meets it: a stroke of the drawing that passes beside two
    stacked labels ends near both and points at neither."""
    best = min(
        items,
        key=lambda it: (round(distance_to_border(point, it.bbox), 1), area(it.bbox)),
        default=None,
    )
    if best is None or distance_to_border(point, best.bbox) > (reach := _reach(best, tolerance)):
        return None
    if leaving is not None and not best.is_shape and not _runs_into(point, leaving, best, reach):
        return None
    return best


def _runs_into(point: Point, way: Point, item: _Item, reach: float) -> bool:
    """Whether the ray from ``point`` along ``way`` enters the label's box (padded by half a line) within reach."""
    pad = 0.5 * item.text_height
    x0, y0, x1, y1 = item.bbox[0] - pad, item.bbox[1] - pad, item.bbox[2] + pad, item.bbox[3] + pad
    near, far = 0.0, reach
    for origin, step, low, high in ((point[0], way[0], x0, x1), (point[1], way[1], y0, y1)):
        if abs(step) < 1e-9:
            if not low <= origin <= high:
                return False
            continue
        enter, leave = sorted(((low - origin) / step, (high - origin) / step))
        near, far = max(near, enter), min(far, leave)
    return near <= far


def _reach(item: _Item, tolerance: float) -> float:
    """How far from an item an arrow may end and still point at it. A shape's border is drawn, so arrows end on
    it; a free label is pointed at from about a line of text away. Measured on the label, not the picture: on a
    large figure, a leader line that runs into a drawing's outlines ends near the next label down without
    pointing at it."""
    if item.is_shape or not item.lines:
        return tolerance
    return min(tolerance, max(25.0, 1.5 * item.text_height))


def _edge_labels(free: list[_Item], attached: list[tuple[_Item, _Item, Connector]]) -> dict[int, _Item]:
    """Free text sitting beside the middle part of an arrow names that arrow: connector index -> item."""
    labels: dict[int, _Item] = {}
    taken: set[int] = set()
    options = []
    for item in free:
        reach = max(30.0, 1.5 * item.text_height)
        for index, (_, _, connector) in enumerate(attached):
            dist, t = distance_to_segment(center(item.bbox), connector.start, connector.end)
            half_diag = math.dist(item.bbox[:2], item.bbox[2:]) / 2
            if 0.1 <= t <= 0.9 and dist - half_diag * 0.5 <= reach:
                options.append((dist, index, item))
    for _, index, item in sorted(options, key=lambda option: option[0]):
        if index not in labels and id(item) not in taken:
            labels[index] = item
            taken.add(id(item))
    return labels


def _title(free: list[_Item], items: list[_Item], width: int, height: int) -> _Item | None:
    """Text at the top that reads as a heading: larger than the labels, or centred above every box."""
    shapes = [it for it in items if it.is_shape]
    top_of_shapes = min((it.bbox[1] for it in shapes), default=float(height))
    shape_text = statistics.median([it.text_height for it in shapes]) if shapes else 0.0
    content_x = center(union(it.bbox for it in items))[0] if items else width / 2

    def is_heading(candidate: _Item) -> bool:
        others = [it.text_height for it in items if it is not candidate and it.lines]
        if candidate.text_height >= _TITLE_SIZE_GAIN * (statistics.median(others) if others else 0.0):
            return True
        cx = center(candidate.bbox)[0]
        centred = min(abs(cx - content_x), abs(cx - width / 2)) <= 0.15 * width
        above_boxes = candidate.bbox[3] <= top_of_shapes + 0.5 * candidate.text_height
        return bool(shapes) and centred and above_boxes and candidate.text_height >= 0.85 * shape_text

    # A leader line ties text to a part of the drawing: a label, however large, is not the title.
    candidates = [it for it in free if center(it.bbox)[1] <= _TITLE_ZONE * height
                  and not any(line.leader for line in it.lines) and is_heading(it)]
    return max(candidates, key=lambda it: (it.text_height, -it.bbox[1]), default=None)


def _positional_order(items: list[_Item]) -> list[_Item]:
    """Top to bottom in rows, left to right within a row; a container comes before what it holds."""

    def anchor(it: _Item) -> float:
        return it.bbox[1] if it.children else center(it.bbox)[1]

    rows: list[list[_Item]] = []
    for item in sorted(items, key=anchor):
        half_height = (item.bbox[3] - item.bbox[1]) / 2
        if rows and not item.children and abs(anchor(item) - anchor(rows[-1][0])) <= half_height:
            rows[-1].append(item)
        else:
            rows.append([item])
    return [item for row in rows for item in sorted(row, key=lambda it: it.bbox[0])]


def _reading_order(items: list[_Item], attached: list[tuple[_Item, _Item, Connector]]) -> list[_Item]:
    """Follow the arrows; where they loop, enter the loop at its best-placed node; else read by position.

    Loops (strongly connected parts) are ordered among themselves topologically, earliest position
    first; inside a loop the walk goes from its top-left node along the arrows.
    """
    rank = {id(item): index for index, item in enumerate(_positional_order(items))}
    by_id = {id(item): item for item in items}
    successors: dict[int, list[int]] = {key: [] for key in by_id}
    for source, target, connector in attached:
        for a, b in _directions(source, target, connector):
            if id(a) in by_id and id(b) in by_id:
                successors[id(a)].append(id(b))
    reach = {key: _reachable(key, successors) for key in by_id}
    loop_of = {key: frozenset(k for k in reach[key] if key in reach[k]) | {key} for key in by_id}
    loops = set(loop_of.values())
    blockers: dict[frozenset, set[frozenset]] = {loop: set() for loop in loops}
    for key, targets in successors.items():
        for nxt in targets:
            if loop_of[key] != loop_of[nxt]:
                blockers[loop_of[nxt]].add(loop_of[key])
    order: list[_Item] = []
    done_loops: set[frozenset] = set()
    while len(done_loops) < len(loops):
        ready = [loop for loop in loops - done_loops if blockers[loop] <= done_loops]
        loop = min(ready, key=lambda lp: min(rank[k] for k in lp))
        order.extend(by_id[key] for key in _walk_loop(loop, successors, rank))
        done_loops.add(loop)
    return order


def _reachable(start: int, successors: dict[int, list[int]]) -> set[int]:
    seen, stack = set(), [start]
    while stack:
        for nxt in successors[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _walk_loop(loop: frozenset, successors: dict[int, list[int]], rank: dict[int, int]) -> list[int]:
    """Visit a loop's nodes along its arrows, starting at its best-placed node."""
    path: list[int] = []
    current: int | None = min(loop, key=rank.__getitem__)
    while current is not None:
        path.append(current)
        options = [k for k in successors[current] if k in loop and k not in path]
        if not options:
            options = [k for k in loop if k not in path]
        current = min(options, key=rank.__getitem__, default=None)
    return path


def _directions(source: _Item, target: _Item, connector: Connector) -> list[tuple[_Item, _Item]]:
    """The directed pairs a connector stands for: one per arrowhead (none for a plain line)."""
    pairs = []
    if connector.head_at_end:
        pairs.append((source, target))
    if connector.head_at_start:
        pairs.append((target, source))
    return pairs


def _edges(
    attached: list[tuple[_Item, _Item, Connector]], ids: dict[int, str], labels: dict[int, _Item]
) -> list[DiagramEdge]:
    edges: list[DiagramEdge] = []
    for index, (source, target, connector) in enumerate(attached):
        if id(source) not in ids or id(target) not in ids:
            continue
        label = labels[index].label if index in labels else ""
        pairs = _directions(source, target, connector)
        if pairs:
            candidates = [DiagramEdge(ids[id(a)], ids[id(b)], True, label) for a, b in pairs]
        else:  # undirected: name the ends in reading order so the edge reads naturally
            a, b = sorted((ids[id(source)], ids[id(target)]), key=lambda node_id: int(node_id[1:]))
            candidates = [DiagramEdge(a, b, False, label)]
        edges.extend(edge for edge in candidates if edge not in edges)
    return sorted(edges, key=lambda e: (int(e.source[1:]), int(e.target[1:])))


def _role(item: _Item, title: _Item | None, labelled: set[int], notes: set[int]) -> str:
    if item is title:
        return "title"
    if id(item) in notes:
        return "note"
    if id(item) in labelled:
        return "edge_label"
    return "node"
