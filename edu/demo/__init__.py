"""The demo course: people, objectives and materials that `make run` loads (`manage.py load_demo`).

Why a plain-data module: the loader, the `serve` banner and the tests all need the same
facts (who can log in, which objectives exist, which files belong to which objective), and
keeping them here as literals means none of those callers has to import Django models,
Pillow or fpdf2 just to read them. Generated assets live in `edu.demo.assets` and are
imported lazily by `material_bytes`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, TypedDict

CONTENT_DIR = Path(__file__).resolve().parent / "content"

# (username, password, role description). Demo-only credentials, printed by `serve`.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("teacher", "glossa-teacher-demo", "teacher of Earth Systems"),
    ("lina", "glossa-student-demo", "student, grade 5"),
    ("omar", "glossa-student-demo", "student, grade 10"),
    ("admin", "glossa-admin-demo", "administrator (Django admin console)"),
]

DEMO_COURSE: dict[str, str] = {
    "slug": "earth-systems",
    "title": "Earth Systems: Water, Rock and Life",
    "subject": "Science",
    "grade_band": "5-10",
    "description": (
        "How matter changes state, how water and rock move in endless cycles, and how energy "
        "from the Sun flows through living things in food chains and food webs."
    ),
}


class DemoObjective(TypedDict):
    code: str
    title: str
    description: str
    prerequisites: list[str]
    order: int


DEMO_OBJECTIVES: list[DemoObjective] = [
    {
        "code": "states-of-matter",
        "title": "States of matter",
        "description": "Describe solids, liquids and gases in terms of particles, and name the "
        "changes of state (melting, freezing, evaporation, condensation, sublimation).",
        "prerequisites": [],
        "order": 1,
    },
    {
        "code": "water-cycle",
        "title": "The water cycle",
        "description": "Explain how evaporation, condensation, precipitation and collection move "
        "water around the Earth, and what energy drives the cycle.",
        "prerequisites": ["states-of-matter"],
        "order": 2,
    },
    {
        "code": "rock-cycle",
        "title": "The rock cycle",
        "description": "Tell igneous, sedimentary and metamorphic rocks apart and explain the "
        "processes that turn one kind into another.",
        "prerequisites": ["states-of-matter"],
        "order": 3,
    },
    {
        "code": "producers-consumers",
        "title": "Producers, consumers and decomposers",
        "description": "Classify living things by how they get their energy: producers, "
        "herbivores, carnivores, omnivores and decomposers.",
        "prerequisites": [],
        "order": 4,
    },
    {
        "code": "food-chains",
        "title": "Food chains and food webs",
        "description": "Read and draw food chains and food webs, and predict what happens when "
        "one population in a web changes.",
        "prerequisites": ["producers-consumers"],
        "order": 5,
    },
    {
        "code": "photosynthesis",
        "title": "Photosynthesis",
        "description": "Explain how plants use sunlight, water and carbon dioxide to make glucose "
        "and oxygen, and why this matters for every food chain.",
        "prerequisites": ["producers-consumers"],
        "order": 6,
    },
]

# Keyed by username (matches DEMO_LOGINS). Students carry profile fields; all data is fictional.
DEMO_PEOPLE: dict[str, dict[str, Any]] = {
    "admin": {
        "role": "admin",
        "first_name": "",
        "last_name": "",
        "email": "admin@example.org",
    },
    "teacher": {
        "role": "teacher",
        "first_name": "Maya",
        "last_name": "Okafor",
        "email": "maya.okafor@example.org",
    },
    "lina": {
        "role": "student",
        "first_name": "Lina",
        "last_name": "Haddad",
        "email": "lina.haddad@example.org",
        "grade_level": 5,
        "reading_level": 4.5,
        "student_id": "S1234567",
    },
    "omar": {
        "role": "student",
        "first_name": "Omar",
        "last_name": "Reyes",
        "email": "omar.reyes@example.org",
        "grade_level": 10,
        "reading_level": 10.0,
        "student_id": "S7654321",
    },
}


class DemoMaterial(TypedDict):
    filename: str
    title: str
    objectives: list[str]
    # ("file", path relative to CONTENT_DIR) or ("generated", function name in edu.demo.assets)
    source: tuple[Literal["file", "generated"], str]


DEMO_MATERIALS: list[DemoMaterial] = [
    {
        "filename": "states_of_matter.md",
        "title": "Solids, Liquids and Gases",
        "objectives": ["states-of-matter"],
        "source": ("file", "states_of_matter.md"),
    },
    {
        "filename": "water_cycle.md",
        "title": "The Water Cycle",
        "objectives": ["water-cycle", "states-of-matter"],
        "source": ("file", "water_cycle.md"),
    },
    {
        "filename": "water_cycle.png",
        "title": "Water Cycle Diagram",
        "objectives": ["water-cycle"],
        "source": ("generated", "water_cycle_png"),
    },
    {
        "filename": "rock_cycle.md",
        "title": "The Rock Cycle",
        "objectives": ["rock-cycle"],
        "source": ("file", "rock_cycle.md"),
    },
    {
        "filename": "rock_cycle.png",
        "title": "Rock Cycle Diagram",
        "objectives": ["rock-cycle"],
        "source": ("generated", "rock_cycle_png"),
    },
    {
        "filename": "food_chains.md",
        "title": "Food Chains and Food Webs",
        "objectives": ["food-chains", "producers-consumers"],
        "source": ("file", "food_chains.md"),
    },
    {
        "filename": "food_web.svg",
        "title": "A Meadow Food Web",
        "objectives": ["food-chains", "producers-consumers"],
        "source": ("file", "food_web.svg"),
    },
    {
        "filename": "photosynthesis.pdf",
        "title": "Photosynthesis: How Plants Make Food",
        "objectives": ["photosynthesis", "producers-consumers"],
        "source": ("generated", "photosynthesis_pdf"),
    },
]

# What the privacy layer must do with the demo content (a deliberate redaction test):
# the teacher's note in water_cycle.md names a student and her email and must be removed,
# while the public figures and places named in the lessons must survive.
DEMO_PRIVACY_EXPECTATIONS: dict[str, Any] = {
    "filename": "water_cycle.md",
    "must_remove": ["Lina Haddad", "lina.haddad@example.org"],
    "must_keep": ["Pacific Ocean", "Amazon"],
}


def material_bytes(material: DemoMaterial) -> bytes:
    """Return the file content of one demo material, reading or generating it."""
    kind, name = material["source"]
    if kind == "file":
        return (CONTENT_DIR / name).read_bytes()
    if kind == "generated":
        from edu.demo import assets  # lazy: Pillow/fpdf2 only when assets are actually needed

        generator = assets.GENERATORS.get(name)
        if generator is None:
            raise ValueError(f"unknown demo asset generator: {name!r}")
        return generator()
    raise ValueError(f"unknown demo material source kind: {kind!r}")


__all__ = [
    "CONTENT_DIR",
    "DEMO_COURSE",
    "DEMO_LOGINS",
    "DEMO_MATERIALS",
    "DEMO_OBJECTIVES",
    "DEMO_PEOPLE",
    "DEMO_PRIVACY_EXPECTATIONS",
    "material_bytes",
]
