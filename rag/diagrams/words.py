"""What of the OCR's text can be a label: runs cut where a label ends, runs that are no words dropped.

The OCR reads a row of text as one line even when it holds two labels, and it "reads" the letters of a
chemical structure, stray strokes (as CJK characters: its model reads Chinese too) and lone letters as text.
Only geometry (word boxes, their gaps, text height, neighbours) and character classes decide here, never the
wording: these rules hold for any book.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from rag.diagrams.geometry import center
from rag.diagrams.types import TextLine

# Words of one label are a space apart (a fifth to a third of the text height); a gap this many text heights
# wide on one row is white space between two labels.
_LABEL_GAP = 1.0
# Lone letters this many text heights from another lone letter or formula are the atoms of a drawn structure,
# not panel letters (which sit a panel apart).
_ATOM_REACH = 3.0
# A structural or chemical formula: element symbols ("CH2", "O") joined by bonds, with a subscript somewhere.
_ELEMENTS = r"(?:[A-Z][a-z]?\d*)+"
_FORMULA = re.compile(rf"^{_ELEMENTS}(?:[-–—=≡]{_ELEMENTS})+$")
# A leader line that touches the text is read as a dash in front of the label ("-Kidney").
_LEADING_STROKES = "-–—_~|"

# How much of a text's size its box spans, by the letters it holds: capitals and ascenders ("L", "d") reach up
# to the cap height, dots ("i", "j") nearly so, other small letters only to the x-height; descenders ("p", "y")
# reach below the baseline. "veins" has a box two thirds as tall as "Left pulmonary" in the same font.
_CAP, _DOT, _X_HEIGHT, _DESCENDER = 0.72, 0.62, 0.5, 0.22
_ASCENDING = set("bdfhklt") | set("0123456789") | set("()[]{}/|\\!?'\"%&#@$")
_DOTTED = set("ij")
_DESCENDING = set("gjpqy") | set("()[]{},;|")

Word = tuple[str, float, float]  # a word and where it starts and ends along the line (x)


def split_at_gaps(line: TextLine, words: Sequence[Word]) -> list[TextLine]:
    """The line cut into one line per label wherever its words stand much further apart than spaces do."""
    if len(words) < 2:
        return [line]
    pieces: list[list[Word]] = [[words[0]]]
    for word in words[1:]:
        if word[1] - pieces[-1][-1][2] > _LABEL_GAP * line.height:
            pieces.append([word])
        else:
            pieces[-1].append(word)
    if len(pieces) == 1:
        return [line]
    x0, y0, x1, y1 = line.bbox
    space = " " if " " in line.text else ""  # CJK text comes as one "word" per character, with no spaces
    return [
        TextLine(space.join(word for word, _, _ in piece), (max(x0, piece[0][1]), y0, min(x1, piece[-1][2]), y1),
                 line.score)
        for piece in pieces
    ]  # fmt: skip


def text_size(line: TextLine) -> float:
    """The font size a line's box suggests, whatever letters it holds (its height over the share of the size
    those letters span), so that stacked lines of one label compare alike."""
    chars = set(line.text)
    tall = any(char.isupper() for char in chars) or bool(chars & _ASCENDING) or not any(c.isalpha() for c in chars)
    top = _CAP if tall else _DOT if chars & _DOTTED else _X_HEIGHT
    bottom = _DESCENDER if chars & _DESCENDING else 0.0
    return line.height * (_CAP + _DESCENDER) / (top + bottom)


def clean_lines(lines: list[TextLine]) -> list[TextLine]:
    """The lines that can be labels, with characters of a stray script and leading strokes removed.

    A picture labelled in a Latin script keeps only Latin letters (an OCR that also reads Chinese turns strokes
    into CJK characters); formulas and lone letters clustered like atoms of a drawn structure are dropped. A lone
    letter or number on its own (a panel letter, a callout) is kept: it names no part but places the others.
    """
    latin = _mostly_latin(lines)
    cleaned = []
    for line in lines:
        text = line.text
        if latin:
            text = "".join(char for char in text if not char.isalpha() or _is_latin(char))
        text = " ".join(text.split()).lstrip(_LEADING_STROKES).strip()
        if any(char.isalnum() for char in text):
            cleaned.append(TextLine(text, line.bbox, line.score, line.leader))
    atoms = [line for line in cleaned if _is_atom(line.text)]
    return [line for line in cleaned if not (_is_atom(line.text) and _has_atom_nearby(line, atoms))]


def _is_atom(text: str) -> bool:
    """Lone letters (not digits) or a formula: what a drawn structure's atoms and bonds read as."""
    return all(_is_letter(token) for token in text.split()) or _is_formula(text)


def _is_letter(token: str) -> bool:
    core = [char for char in token if char.isalnum()]
    return len(core) == 1 and core[0].isalpha()


def _is_formula(text: str) -> bool:
    return bool(_FORMULA.match(text)) and any(char.isdigit() for char in text)


def _has_atom_nearby(line: TextLine, atoms: list[TextLine]) -> bool:
    if _is_formula(line.text) or len(line.text.split()) > 1:
        return True  # a formula, or a run of lone letters ("O O P"), is never a label, whatever is near it
    reach = _ATOM_REACH * line.height
    return any(other is not line and math.dist(center(other.bbox), center(line.bbox)) <= reach for other in atoms)


def _mostly_latin(lines: list[TextLine]) -> bool:
    letters = [char for line in lines for char in line.text if char.isalpha()]
    return sum(map(_is_latin, letters)) > len(letters) / 2


def _is_latin(char: str) -> bool:
    """Latin letters, and Greek ones, which Latin-script science labels use ("α-helix")."""
    return unicodedata.name(char, "").startswith(("LATIN", "GREEK"))
