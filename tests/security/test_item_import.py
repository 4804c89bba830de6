"""Per-row validation of practice-item CSVs (issue 13): no input gives a 500, and a bad row never stops the others."""

from __future__ import annotations

import contextlib
import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from edu.models import PracticeItem
from edu.services import ItemImportError, import_items_csv
from tests.factories import CourseFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

HEADER = "objective_code,kind,prompt,choices,answer,explanation\n"
GOOD_FIRST = "water,short_answer,What falls from clouds?,,rain,\n"
# The limits the README documents (edu/models.py ITEM_PROMPT_MAX_CHARS, edu/services.py ITEM_CSV_MAX_ROWS).
ITEM_PROMPT_MAX_CHARS = 2000
ITEM_CSV_MAX_ROWS = 5000
GOOD_LAST = "water,multiple_choice,Which is a gas?,Steam|Ice|Snow,Steam,\n"


@pytest.fixture
def course():
    course = CourseFactory(slug="weather")
    ObjectiveFactory(course=course, code="water")
    return course


def _import(course, middle: str):
    return import_items_csv(course=course, file=io.BytesIO((HEADER + GOOD_FIRST + middle + GOOD_LAST).encode()))


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("water,short_answer,What is\x00this?,,rain,\n", "NUL character"),
        ("water,short_answer,Why?,,rain,Because\x00.\n", "NUL character"),
        ("water,multiple_choice,Pick,A\x00|B,B,\n", "NUL character"),
        ("water,short_answer,Ring the bell\x07?,,rain,\n", "control character (U+0007)"),
        ("water,short_answer,Which \u202eniar\u202c?,,rain,\n", "control character (U+202E)"),
        (f"water,short_answer,{'W' * (ITEM_PROMPT_MAX_CHARS + 1)}?,,rain,\n", f"At most {ITEM_PROMPT_MAX_CHARS}"),
        (f"water,short_answer,{'W' * 200_000}?,,rain,\n", f"At most {ITEM_PROMPT_MAX_CHARS}"),
        ("water,multiple_choice,Pick,A|B|" + "|".join(f"c{n}" for n in range(12)) + ",B,\n", "At most 10 choices"),
        ("water,short_answer,Name one,," + "|".join(f"a{n}" for n in range(25)) + ",\n", "At most 20 accepted"),
        (f"water,multiple_choice,Pick,{'x' * 400}|B,B,\n", "At most 300"),
    ],
)
def test_a_bad_row_is_reported_and_the_rows_around_it_are_imported(course, bad_row, message):
    report = _import(course, bad_row)
    assert (report.created, report.updated) == (2, 0)
    assert [error.row for error in report.errors] == [3]
    assert message in str(report.errors[0])
    assert PracticeItem.objects.filter(objective__course=course).count() == 2


def test_a_file_over_the_size_cap_is_refused_whole_with_a_clear_message(course):
    row = "water,short_answer,What falls from clouds number {n}?,,rain,\n"
    ten_mb = HEADER + "".join(row.format(n=n) for n in range(10 * 1024 * 1024 // len(row)))
    with pytest.raises(ItemImportError, match="larger than 2 MB; split it"):
        import_items_csv(course=course, file=io.BytesIO(ten_mb.encode()))
    assert not PracticeItem.objects.exists()


def test_a_file_over_the_row_cap_is_refused_whole_with_a_clear_message(course):
    hundred_thousand = HEADER + "w,s,q,,a\n" * 100_000
    with pytest.raises(ItemImportError, match=f"100,000 rows; at most {ITEM_CSV_MAX_ROWS:,} items"):
        import_items_csv(course=course, file=io.StringIO(hundred_thousand))
    assert not PracticeItem.objects.exists()


def test_invalid_utf8_is_a_clear_message(course):
    with pytest.raises(ItemImportError, match="not UTF-8"):
        import_items_csv(course=course, file=io.BytesIO(HEADER.encode() + b"water,short_answer,\xff\xfe?,,rain,\n"))


def test_no_input_raises_anything_but_a_clear_import_error(course):
    """Random bytes, random text and mangled valid files: a report or ItemImportError, nothing else."""
    rng = random.Random(13)
    valid = (HEADER + GOOD_FIRST + GOOD_LAST).encode()
    for _ in range(150):
        kind = rng.randrange(3)
        if kind == 0:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        elif kind == 1:
            awkward = [0, 7, 10, 13, 34, 44, 124, 0x202E, 0xFEFF]
            text = "".join(chr(rng.choice([*awkward, rng.randrange(32, 0x2FFF)])) for _ in range(rng.randrange(1, 300)))
            data = (HEADER + "water,short_answer," + text).encode()
        else:
            mangled = bytearray(valid)
            for _ in range(rng.randrange(1, 8)):
                mangled[rng.randrange(len(mangled))] = rng.choice(b'\x00",|\n\r\xff')
            data = bytes(mangled)
        with contextlib.suppress(ItemImportError):
            import_items_csv(course=course, file=io.BytesIO(data))


def test_the_command_reports_bad_rows_and_imports_the_rest(course, tmp_path):
    path = tmp_path / "items.csv"
    path.write_bytes((HEADER + GOOD_FIRST + "water,short_answer,Bad\x00row?,,rain,\n" + GOOD_LAST).encode())
    with pytest.raises(CommandError, match="1 row"):
        call_command("import_items", "--course", course.slug, str(path))
    assert PracticeItem.objects.filter(objective__course=course).count() == 2


def test_the_model_enforces_the_same_rules_for_the_admin_and_every_other_path(course):
    item = PracticeItem(objective=course.objectives.get(), kind="short_answer", prompt="W" * 2001, answer=["rain"])
    with pytest.raises(ValidationError, match="At most 2000"):
        item.full_clean()
