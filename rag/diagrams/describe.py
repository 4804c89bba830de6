"""Plain-text description of a recovered diagram.

The same text serves a screen-reader user (who cannot see the arrows) and the retriever (which
indexes words, not pictures), so it states every part, every connection and the overall shape.
"""

from __future__ import annotations

import re

from rag.diagrams.types import DiagramAnalysis, DiagramEdge

# A lone number ("2", "3.") or a panel letter ("a", "(b)", "C") names no part of the picture: a
# figure's callout numbers and panels are read, but they are not things the figure shows.
_MARKER = re.compile(r"^\(?(?:\d{1,3}|[A-Za-z])[.)]?$")


def is_part(label: str) -> bool:
    """Whether a label read on a picture names a part of it (not a callout number or a panel letter)."""
    return not _MARKER.match(label.strip())


def describe(analysis: DiagramAnalysis) -> str:
    """Title, parts in reading order, groups, each connection, and whether it is a chain or a cycle."""
    sentences = [f"Diagram: {analysis.title}." if analysis.title else "Diagram."]
    labels = {node.id: node.label for node in analysis.nodes if is_part(node.label)}
    if not labels:
        sentences.append("No labelled parts were recognised.")
        return " ".join(sentences)

    count = len(labels)
    parts = "one part" if count == 1 else f"{count} parts"
    panels = _panels(analysis, labels)
    if panels:
        sentences.append(f"It has {len(panels)} panels.")
        sentences.extend(f"Panel ({letter}) shows {_join(names)}." for letter, names in panels)
    else:
        sentences.append(f"It has {parts}: {_join(list(labels.values()))}.")

    members: dict[str, list[str]] = {}
    for node in analysis.nodes:
        if node.group in labels and node.id in labels:
            members.setdefault(node.group, []).append(node.label)
    sentences.extend(f"{labels[group]} contains {_join(names)}." for group, names in members.items())

    sentences.extend(_connection_sentences(analysis.edges, labels))
    linked = {end for edge in analysis.edges if edge.source in labels and edge.target in labels
              for end in (edge.source, edge.target)}
    unlinked = [label for node_id, label in labels.items() if node_id not in linked and node_id not in members]
    if analysis.edges and unlinked:
        verb = "is" if len(unlinked) == 1 else "are"
        sentences.append(f"{_join(unlinked)} {verb} not connected to other parts.")
    shape = _overall_shape(analysis.edges, labels)
    if shape:
        sentences.append(shape)
    return " ".join(sentences)


_PANEL_LETTER = re.compile(r"^\(?([a-hA-H])[.)]?$")


def _panels(analysis: DiagramAnalysis, labels: dict[str, str]) -> list[tuple[str, list[str]]]:
    """The parts grouped by the panels "(a)", "(b)", ... read on the picture, or [] when there are not two.

    Panels sit side by side (or one above the other: the axis along which the letters spread more). The parts
    are cut into as many runs as there are letters at the widest gaps between them along that axis, and the runs
    take the letters in the same order: that holds whether a letter sits at a panel's corner or under it.
    """
    letters = {}
    for node in analysis.nodes:
        if match := _PANEL_LETTER.match(node.label.strip()):
            letters.setdefault(match.group(1).lower(), node.bbox)
    parts = [node for node in analysis.nodes if node.id in labels]
    if len(letters) < 2 or len(parts) < len(letters):
        return []
    xs = [(box[0] + box[2]) / 2 for box in letters.values()]
    ys = [(box[1] + box[3]) / 2 for box in letters.values()]
    axis = 0 if max(xs) - min(xs) >= max(ys) - min(ys) else 1

    def centre(box) -> float:
        return (box[axis] + box[axis + 2]) / 2

    ordered = sorted(parts, key=lambda node: centre(node.bbox))
    gaps = sorted(range(1, len(ordered)), key=lambda i: centre(ordered[i].bbox) - centre(ordered[i - 1].bbox),
                  reverse=True)[: len(letters) - 1]
    if any(centre(ordered[i].bbox) <= centre(ordered[i - 1].bbox) for i in gaps):
        return []  # parts not apart along the axis: nothing tells the panels apart
    runs, start = [], 0
    for cut in sorted(gaps) + [len(ordered)]:
        runs.append(ordered[start:cut])
        start = cut
    named = sorted(letters, key=lambda letter: centre(letters[letter]))
    if named != sorted(letters):
        return []  # letters out of order along the axis: not panels side by side
    reading = {node.id: position for position, node in enumerate(parts)}
    return [(letter, [labels[node.id] for node in sorted(run, key=lambda node: reading[node.id])])
            for letter, run in zip(named, runs, strict=True)]


def _connection_sentences(edges: list[DiagramEdge], labels: dict[str, str]) -> list[str]:
    """One sentence per source ("A leads to B and C."), labelled arrows spelled out on their own."""
    sentences = []
    plain_targets: dict[str, list[str]] = {}
    for edge in edges:
        if edge.source not in labels or edge.target not in labels:
            continue  # "2 is connected to Sun": a callout number is no part
        source, target = labels[edge.source], labels[edge.target]
        if not edge.directed:
            suffix = f" ({edge.label})" if edge.label else ""
            sentences.append(f"{source} is connected to {target}{suffix}.")
        elif edge.label:
            sentences.append(f"{source} leads to {target} ({edge.label}).")
        else:
            plain_targets.setdefault(edge.source, []).append(target)
    sentences.extend(f"{labels[source]} leads to {_join(targets)}." for source, targets in plain_targets.items())
    return sentences


def _overall_shape(edges: list[DiagramEdge], labels: dict[str, str]) -> str:
    edges = [edge for edge in edges if edge.source in labels and edge.target in labels]
    directed = [edge for edge in edges if edge.directed]
    if len(labels) < 3 or len(directed) != len(edges):
        return ""
    outgoing: dict[str, list[str]] = {}
    incoming: dict[str, int] = {}
    for edge in directed:
        outgoing.setdefault(edge.source, []).append(edge.target)
        incoming[edge.target] = incoming.get(edge.target, 0) + 1
    if any(len(targets) > 1 for targets in outgoing.values()) or any(n > 1 for n in incoming.values()):
        return ""
    starts = [node for node in labels if node not in incoming]
    start = starts[0] if len(starts) == 1 else next(iter(labels)) if not starts else None
    if start is None:
        return ""
    path = [start]
    while outgoing.get(path[-1]) and outgoing[path[-1]][0] not in path:
        path.append(outgoing[path[-1]][0])
    if len(path) != len(labels):
        return ""
    if starts:
        return f"The steps form a chain from {labels[path[0]]} to {labels[path[-1]]}."
    if outgoing.get(path[-1]) == [path[0]]:
        return f"The steps form a cycle: {_join([labels[n] for n in path])}, then back to {labels[path[0]]}."
    return ""


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
