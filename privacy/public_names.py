"""Which names in course material are the lesson (Isaac Newton, the Nile) rather than personal data.

A curated allow-list (``data/public_names.txt``, extended per course by its policy). An allow-listed
name is kept in course material even in a personal context; other names found by NER are judged by
their context (``privacy.context``). Roster names are handled before this and always win.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "public_names.txt"

_TITLES = re.compile(
    r"^(?:the|sir|dame|saint|st\.?|king|queen|emperor|empress|pharaoh|president|general|lord|lady|prince|princess|"
    r"pope|tsar|czar|sultan|dr\.?|professor|prof\.?)\s+",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_NOT_SURNAMES = {"great", "jr", "jr.", "sr", "brothers", "conqueror", "lionheart", "terrible", "elder", "younger"}


def normalize(name: str) -> str:
    name = _POSSESSIVE.sub("", " ".join(name.split()))
    while True:
        stripped = _TITLES.sub("", name)
        if stripped == name:
            return name.casefold()
        name = stripped


@functools.cache
def _curated() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    people: set[str] = set()
    places: set[str] = set()
    section = people
    for line in DATA_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line == "# places":
            section = places
        elif line and not line.startswith("#"):
            section.add(normalize(line))
    return frozenset(people), frozenset(_surnames(people)), frozenset(places)


def _surnames(full_names: Iterable[str]) -> set[str]:
    """'newton' from 'isaac newton', so a lesson's second mention ("Newton showed ...") is kept too."""
    surnames = set()
    for name in full_names:
        parts = name.split()
        if len(parts) > 1 and " the " not in f" {name} " and " of " not in f" {name} ":
            last = parts[-1]
            if len(last) >= 3 and last.isalpha() and last not in _NOT_SURNAMES:
                surnames.add(last)
    return surnames


_ADDRESS_PARTS = re.compile(r",|\s+(?:in|en|à|a)\s+")


@dataclass(frozen=True)
class PublicNames:
    """The allow-list of one course: the curated list plus the course policy's additions."""

    people: frozenset[str]
    surnames: frozenset[str]
    places: frozenset[str]

    @classmethod
    def for_course(cls, extra_names: Iterable[str] = ()) -> PublicNames:
        people, surnames, places = _curated()
        extra = frozenset(normalize(name) for name in extra_names if name.strip())
        return cls(people=people | extra, surnames=surnames | frozenset(_surnames(extra)), places=places | extra)

    def is_public_place(self, span: str) -> bool:
        return normalize(span) in self.places

    def is_public_address(self, span: str) -> bool:
        """A famous address a lesson is about, with what is written around it ("Sherlock Holmes, 221B Baker
        Street, London", "Prinsengracht 263 in Amsterdam"): a run of its parts, separated by commas or "in",
        holding the house number is allow-listed."""
        parts = _ADDRESS_PARTS.split(span.rstrip(" .;:"))
        runs = (",".join(parts[first:last]) for first in range(len(parts)) for last in range(first + 1, len(parts) + 1))
        return any(self.is_public_place(run) for run in runs if any(char.isdigit() for char in run))

    def is_public_name(self, span: str) -> bool:
        """Any allow-listed name: spaCy often calls a place a person ("Svalbard") and the reverse."""
        name = normalize(span)
        return name in self.people or name in self.surnames or name in self.places
